/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harness for the runtime's parsing of what the device (through the
 * untrusted driver) hands it (runtime/gvrt_secure.c): quotes, CH_PTE
 * summaries, CH_MEASURE results, AK certificates and AK endorsements.
 *
 * Valid objects are made once, by the bench's device (fuzz_bench.c) and
 * a CA made in-process.  Two modes, by the first byte:
 *
 *  - raw (any first byte but SEM_MARK): an input changes one object and
 *    the runtime checks it: u8 kind, u16 offset, then bytes XORed into
 *    the object from that offset (kind 4: two raw DER certificates
 *    instead, u16 CA length first).  The runtime must never crash and
 *    accept only the unchanged object (an accepted changed one aborts: a
 *    finding).  Signatures and MACs make every changed quote or report
 *    fail there, so the checks behind them are never reached;
 *  - structured (SEM_MARK, "the structured mode" below): a device that
 *    lies about its state but holds valid keys changes the fields of a
 *    quote, summary or measurement and signs or MACs it properly; the
 *    harness knows the truth, and an accepted object with a false field
 *    is a finding that names the field.  A structure-aware mutator
 *    (LLVMFuzzerCustomMutator) keeps such inputs well formed.
 *
 * Either way the runtime names the check that failed ("checks reached"
 * at exit).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "gv_crypto.h"
#include "gv_internal.h"

static struct gvrt_secure sec_quote, sec_summ, sec_meas;
static struct gv_quote quote;
static struct gv_pte_summary summ;
static struct gv_measurement meas;
static uint8_t nonce[GV_NONCE_LEN], ak_pub[GV_EC_PUB_LEN];
static uint8_t ak_sig[GV_EC_SIG_LEN], ek_pub[GV_EC_PUB_LEN];
static uint32_t fw;
static uint8_t expect[4096];
static uint8_t ca_der[2048], ak_der[2048];
static size_t ca_len = sizeof(ca_der), ak_len = sizeof(ak_der);
static bool ready;

static void sem_setup(void);

static void make_certs(void)
{
    struct gvc_key *ca = NULL;
    uint8_t ca_pub[GV_EC_PUB_LEN];

    if (gvc_key_generate(&ca) != GVC_OK || gvc_key_pub(ca, ca_pub) ||
        gvc_x509_issue(ca, NULL, 0, ca_pub, "fuzz CA", 1, 30, true, ca_der,
                       &ca_len) != GVC_OK ||
        gvc_x509_issue(ca, ca_der, ca_len, ak_pub, "fuzz AK", 2, 30, false,
                       ak_der, &ak_len) != GVC_OK) {
        abort();
    }
    gvc_key_free(ca);
}

static void setup(void)
{
    struct td *td;
    uint64_t pte;

    fzb_begin();
    td = fzb.td;
    td_read_bytes(td->dev, GV_REG_AK_PUB, ak_pub, sizeof(ak_pub));
    td_read_bytes(td->dev, GV_REG_AK_SIG, ak_sig, sizeof(ak_sig));
    td_read_bytes(td->dev, GV_REG_EK_PUB, ek_pub, sizeof(ek_pub));
    fw = td_rd(td, GV_REG_FW_VERSION);
    memset(nonce, 0x5a, sizeof(nonce));
    sec_quote = fzb.sec;
    if (td_create_at(td, FZB_VICTIM_CHID + 1, GV_CREATE_SECURE,
                     td_alloc_prot(td, GV_DESC_BYTES, GV_PAGE_SIZE),
                     td_alloc_prot(td, GV_PGD_BYTES, GV_PAGE_SIZE),
                     fzb.sec.uk_pub, nonce, &quote) != GV_ERR_NONE) {
        abort();
    }
    sec_summ = fzb.sec;
    pte = td_alloc_prot(td, GV_BIG_PAGE_SIZE, GV_BIG_PAGE_SIZE) |
          GV_PTE_VALID;
    if (td_pte(td, FZB_SECURE_CHID, 0, 1, 1, &pte, true, NULL, &summ)) {
        abort();
    }
    /* the bench's own CH_PTE reports went unread: catch up */
    sec_summ.report_counter[FZB_SECURE_CHID] = summ.counter;
    sec_meas = sec_summ;
    if (gvrt_summary_accept(&sec_meas, &summ, true) != 0 ||
        td_measure(td, FZB_SECURE_CHID, 0, sizeof(expect), &meas)) {
        abort();
    }
    gv_debug_read(td->dev, fzb.page2, expect, sizeof(expect));
    make_certs();
    sem_setup();
    fzb_end();
    ready = true;
}

/* XOR @x (@n bytes) into @obj (@size bytes) from @off; false if that
 * changed nothing. */
static bool flip(void *obj, size_t size, size_t off, const uint8_t *x,
                 size_t n)
{
    bool changed = false;

    for (size_t k = 0; k < n && off + k < size; k++) {
        ((uint8_t *)obj)[off + k] ^= x[k];
        changed |= x[k] != 0;
    }
    return changed;
}

static void verdict(int rc, bool changed, const char *failed,
                    const char *what)
{
    if (rc == 0 && changed) {
        fprintf(stderr, "fuzz: fuzz-rt: a changed %s was accepted\n", what);
        abort();
    }
    fz_note_check(rc == 0 ? "accepted" : failed ? failed : "refused");
}

/* The raw mode: one valid object with bytes XORed into it. */
static void raw_input(const uint8_t *data, size_t size)
{
    struct gvrt_secure s;
    uint8_t buf[4096], pub[GV_EC_PUB_LEN];
    size_t off, n;
    bool ch;
    int rc;

    off = (size_t)(data[1] | data[2] << 8);
    n = size - 3;
    switch (data[0] % 6) {
    case 0: {
        struct gv_quote q = quote;

        s = sec_quote;
        ch = flip(&q, sizeof(q), off % sizeof(q), data + 3, n);
        rc = gvrt_quote_accept(&s, &q, ak_pub, nonce);
        /* padding the signature does not cover may change */
        verdict(rc, ch && memcmp(&q, &quote, sizeof(q)), s.failed, "quote");
        break;
    }
    case 1: {
        struct gv_pte_summary m = summ;

        s = sec_summ;
        ch = flip(&m, sizeof(m), off % sizeof(m), data + 3, n);
        rc = gvrt_summary_accept(&s, &m, data[1] & 1u);
        verdict(rc, ch, s.failed, "summary");
        break;
    }
    case 2: {
        struct gv_measurement m = meas;

        s = sec_meas;
        ch = flip(&m, sizeof(m), off % sizeof(m), data + 3, n);
        rc = gvrt_measurement_accept(&s, FZB_SECURE_CHID, &m, 0, expect,
                                     sizeof(expect));
        verdict(rc, ch, s.failed, "measurement");
        break;
    }
    case 3:
        memcpy(buf, ak_der, ak_len);
        ch = flip(buf, ak_len, off % ak_len, data + 3, n);
        rc = gvrt_ak_cert_verify(ca_der, ca_len, buf, ak_len, pub);
        /* a changed byte DER ignores is no forgery; a changed key is */
        verdict(rc, ch && rc == 0 && memcmp(pub, ak_pub, sizeof(pub)),
                NULL, "AK certificate");
        break;
    case 4: {
        size_t cal = off % (n + 1);

        rc = gvrt_ak_cert_verify(data + 3, cal, data + 3 + cal, n - cal,
                                 pub);
        fz_note_check(rc == 0 ? "raw certificates accepted" :
                      "raw certificates refused");
        break;
    }
    default: {
        uint8_t e[GV_EC_PUB_LEN * 2 + GV_EC_SIG_LEN + 4];

        memcpy(e, ek_pub, GV_EC_PUB_LEN);
        memcpy(e + GV_EC_PUB_LEN, ak_pub, GV_EC_PUB_LEN);
        memcpy(e + 2 * GV_EC_PUB_LEN, ak_sig, GV_EC_SIG_LEN);
        memcpy(e + 2 * GV_EC_PUB_LEN + GV_EC_SIG_LEN, &fw, 4);
        ch = flip(e, sizeof(e), off % sizeof(e), data + 3, n);
        memcpy(&fw, e + 2 * GV_EC_PUB_LEN + GV_EC_SIG_LEN, 4);
        rc = gvrt_ak_endorsed(e, fw, e + GV_EC_PUB_LEN,
                              e + 2 * GV_EC_PUB_LEN);
        fw = td_rd(fzb.td, GV_REG_FW_VERSION);
        verdict(rc, ch, NULL, "AK endorsement");
        break;
    }
    }
}

/* ---- the structured mode ----
 *
 * A device that lies about its state but holds valid keys: the input
 * says which fields of a quote, a CH_PTE summary or a CH_MEASURE result
 * to change and how the device signs or MACs it, and the harness signs
 * the result with the device's AK or MACs it with the channel's real
 * K_chan.  So the runtime's field checks decide, not only its signature
 * and MAC checks.  The harness knows the truth (the nonce it sent, the
 * hash of its UK_pub, the minimum firmware, the next report counter, the
 * digest of the bytes it expects, whether it asked for protected memory
 * only): an accepted object with a field that differs from the truth is
 * a finding naming the field, and so is a refused object with none (the
 * oracle's check of itself).
 *
 * Input: SEM_MARK, u8 object (OBJ_*), then edits of SEM_EDIT bytes: u8
 * field (an index into the object's table below), u8 op (% 3: XOR the
 * value's bytes 1-7 from index byte 0, add its low 32 bits as a signed
 * delta, set), u64 value (LE).
 */
#define SEM_MARK 0x53           /* 'S': no raw input of the corpus */
#define SEM_HDR 2
#define SEM_EDIT 10
#define SEM_MAX_EDITS 8

enum { OBJ_QUOTE, OBJ_SUMMARY, OBJ_MEASURE, OBJ_FRESH, OBJ_UNMAP,
       OBJ_COUNT };

/* What the lying device does.  Every member is a byte range edits apply
 * to; sem_init() gives the honest device. */
struct sem {
    struct gv_quote q;
    struct gv_pte_summary p;
    struct gv_measurement m;        /* CH_MEASURE (also OBJ_FRESH) */
    /* quote: % 3: signed by the AK, by another key, by the AK and the
     * signature damaged */
    uint8_t signer;
    /* quote: % 3: the device's wrapped CEK (as edited), cek2 wrapped for
     * our UK, our CEK wrapped for the victim's UK */
    uint8_t wrap;
    uint8_t cek2[GV_CEK_LEN];
    uint8_t no_cek;                 /* bit 0: the runtime has no CEK yet */
    uint32_t min_fw;                /* the runtime's s->min_fw */
    /* reports: the MAC's key (% 4: K_chan of the report's channel, K_chan
     * of channel mac_chid, K_meas of the report's channel, rkey four
     * times), its IV domain (% 4: the right one, the other report's,
     * AUTH, CMDG) and its IV counter's distance from the report's */
    uint8_t mac_key, mac_chid, mac_dom;
    uint8_t rkey[8];
    int64_t mac_ctr;
    uint8_t unprotected;            /* bit 0: all_protected false */
    /* measurement: the digest's key (% 3: K_meas, K_chan, zero), the
     * bytes the device measured (the expected ones with one XORed), an
     * XOR into the digest, and what the runtime asks for */
    uint8_t dkey;
    uint16_t bytes_off;
    uint8_t bytes_x;
    uint8_t digest_x[GV_HASH_LEN];
    uint32_t arg_chid;
    uint64_t arg_va;
    uint16_t arg_len;               /* at most sizeof(expect) */
};

struct sem_field {
    const char *name;
    size_t off, size;
};
#define SF(name, member) \
    { name, offsetof(struct sem, member), sizeof(((struct sem *)0)->member) }
#define SF_MAC \
    SF("MAC key", mac_key), SF("MAC channel", mac_chid), \
    SF("MAC domain", mac_dom), SF("random key", rkey), \
    SF("MAC counter", mac_ctr)

static const struct sem_field quote_fields[] = {
    SF("magic", q.magic), SF("version", q.version), SF("channel", q.chid),
    SF("firmware", q.fw_version), SF("flags", q.flags), SF("pad", q.pad),
    SF("incarnation", q.incarnation), SF("UK hash", q.uk_hash),
    SF("nonce", q.nonce), SF("wrapped CEK", q.wrapped_cek),
    SF("signer", signer), SF("wrap", wrap), SF("other CEK", cek2),
    SF("no CEK", no_cek), SF("minimum firmware", min_fw),
};
static const struct sem_field summary_fields[] = {
    SF("magic", p.magic), SF("channel", p.chid), SF("va", p.va),
    SF("n", p.n), SF("k", p.k), SF("counter", p.counter),
    SF("hash", p.hash), SF_MAC, SF("unprotected", unprotected),
};
static const struct sem_field measure_fields[] = {
    SF("magic", m.magic), SF("channel", m.chid), SF("va", m.va),
    SF("size", m.size), SF("counter", m.counter), SF("digest", digest_x),
    SF_MAC, SF("digest key", dkey), SF("byte offset", bytes_off),
    SF("byte XOR", bytes_x), SF("asked channel", arg_chid),
    SF("asked va", arg_va), SF("asked length", arg_len),
};
/* OBJ_UNMAP: a summary shown as the report of an unmap the runtime asked
 * of channel arg_chid at arg_va (gvrt_unmap_summaries_accept) */
static const struct sem_field unmap_fields[] = {
    SF("magic", p.magic), SF("channel", p.chid), SF("va", p.va),
    SF("n", p.n), SF("k", p.k), SF("counter", p.counter),
    SF("hash", p.hash), SF_MAC, SF("asked channel", arg_chid),
    SF("asked va", arg_va),
};
static const struct sem_field fresh_fields[] = {
    SF("magic", m.magic), SF("channel", m.chid), SF("counter", m.counter),
    SF_MAC, SF("asked channel", arg_chid),
};
static const struct {
    const char *what;
    const struct sem_field *f;
    size_t n;
} sem_objs[OBJ_COUNT] = {
    { "quote", quote_fields, sizeof(quote_fields) / sizeof(quote_fields[0]) },
    { "summary", summary_fields,
      sizeof(summary_fields) / sizeof(summary_fields[0]) },
    { "measurement", measure_fields,
      sizeof(measure_fields) / sizeof(measure_fields[0]) },
    { "report (gvrt_report_fresh)", fresh_fields,
      sizeof(fresh_fields) / sizeof(fresh_fields[0]) },
    { "unmap summary (gvrt_unmap_summaries_accept)", unmap_fields,
      sizeof(unmap_fields) / sizeof(unmap_fields[0]) },
};

static struct gvc_key *rogue_ak;        /* a key that is not the AK */
static uint8_t uk_hash[GV_HASH_LEN];    /* SHA-256 of our UK_pub */
static uint8_t victim_uk_pub[GV_EC_PUB_LEN];
static const uint8_t zero_key[32];

/* Called by setup(): what the structured mode needs besides the objects. */
static void sem_setup(void)
{
    uint8_t pub[GV_EC_PUB_LEN];

    if (gvc_key_generate(&rogue_ak) != GVC_OK ||
        gvc_sha256(sec_quote.uk_pub, GV_EC_PUB_LEN, uk_hash) != GVC_OK ||
        gvc_key_pub(fzb.td->dev->ak, pub) != GVC_OK ||
        memcmp(pub, ak_pub, sizeof(pub)) != 0 || !sec_quote.have_cek) {
        abort();
    }
    memcpy(victim_uk_pub, fzb.victim.uk_pub, sizeof(victim_uk_pub));
}

static void sem_init(struct sem *e)
{
    memset(e, 0, sizeof(*e));
    e->q = quote;
    e->p = summ;
    e->m = meas;
    e->arg_chid = FZB_SECURE_CHID;
    e->arg_len = sizeof(expect);
}

/* Apply one edit to the @size bytes at @p. */
static void sem_edit(uint8_t *p, size_t size, unsigned op, uint64_t v)
{
    size_t n = size < 8 ? size : 8, at = (size_t)(v & 0xff) % size;
    uint64_t x = 0;

    switch (op % 3) {
    case 0:
        for (size_t k = 0; k < 7 && at + k < size; k++) {
            p[at + k] ^= (uint8_t)(v >> (8 * (k + 1)));
        }
        break;
    case 1:
        memcpy(&x, p, n);
        x += (uint64_t)(int64_t)(int32_t)(uint32_t)v;
        memcpy(p, &x, n);
        break;
    default:
        memcpy(p, &v, n);
        break;
    }
}

/* The fields found wrong, "; "-separated (empty: the object is true). */
static char sem_why[512];

static void wrong(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void wrong(const char *fmt, ...)
{
    size_t n = strlen(sem_why);
    va_list ap;

    if (n) {
        snprintf(sem_why + n, sizeof(sem_why) - n, "; ");
        n = strlen(sem_why);
    }
    va_start(ap, fmt);
    vsnprintf(sem_why + n, sizeof(sem_why) - n, fmt, ap);
    va_end(ap);
}

static const char *domain_name(uint32_t d)
{
    return d == GV_IV_DOMAIN_SUMM ? "SUMM" : d == GV_IV_DOMAIN_MEAS ? "MEAS" :
           d == GV_IV_DOMAIN_AUTH ? "AUTH" : "CMDG";
}

/* The report MAC as the device makes it (e's choices), over @len bytes
 * of @msg for channel @chid; then the truth: K_chan of a channel with
 * keys, the report's own domain, the report's own counter. */
static void sem_mac(const struct sem *e, const struct gvrt_secure *s,
                    uint32_t chid, uint32_t domain, uint64_t counter,
                    const void *msg, size_t len, uint8_t mac[GV_TAG_LEN])
{
    static const uint32_t doms[] = {
        0, 0, GV_IV_DOMAIN_AUTH, GV_IV_DOMAIN_CMDG,
    };
    bool has_keys = chid < GVRT_MAX_CHANNELS && s->chan_valid[chid];
    uint32_t dom = doms[e->mac_dom % 4];
    uint64_t ctr = counter + (uint64_t)e->mac_ctr;
    const uint8_t *key = zero_key;
    uint8_t rk[32], iv[12];

    for (unsigned k = 0; k < sizeof(rk); k++) {
        rk[k] = e->rkey[k % sizeof(e->rkey)];
    }
    switch (e->mac_key % 4) {
    case 0:
        key = chid < GVRT_MAX_CHANNELS ? s->chan_key[chid] : zero_key;
        break;
    case 1:
        key = s->chan_key[e->mac_chid % GVRT_MAX_CHANNELS];
        break;
    case 2:
        key = chid < GVRT_MAX_CHANNELS ? s->meas_key[chid] : zero_key;
        break;
    default:
        key = rk;
        break;
    }
    if (e->mac_dom % 4 < 2) {
        dom = e->mac_dom % 4 == 0 ? domain :
              domain == GV_IV_DOMAIN_SUMM ? GV_IV_DOMAIN_MEAS :
              GV_IV_DOMAIN_SUMM;
    }
    for (int i = 0; i < 4; i++) {
        iv[i] = (uint8_t)(dom >> (8 * i));
    }
    for (int i = 0; i < 8; i++) {
        iv[4 + i] = (uint8_t)(ctr >> (8 * i));
    }
    if (gvc_gcm_seal(key, iv, msg, len, NULL, 0, NULL, mac) != GVC_OK) {
        abort();
    }
    if (!has_keys) {
        wrong("channel %u (the runtime has no keys for it)", chid);
    } else if (memcmp(key, s->chan_key[chid], 32) != 0) {
        wrong("MAC (not under the channel's K_chan)");
    }
    if (dom != domain) {
        wrong("MAC (IV domain %s, not %s)", domain_name(dom),
              domain_name(domain));
    }
    if (ctr != counter) {
        wrong("MAC (IV counter %" PRIu64 ", not the report's %" PRIu64 ")",
              ctr, counter);
    }
}

/* Truth: the report counter the runtime expects next on @chid. */
static void sem_counter(const struct gvrt_secure *s, uint32_t chid,
                        uint64_t counter)
{
    if (chid < GVRT_MAX_CHANNELS && counter != s->report_counter[chid]) {
        wrong("counter %" PRIu64 " (the runtime expects %" PRIu64 ")",
              counter, s->report_counter[chid]);
    }
}

static int sem_quote(const struct sem *e, struct gvrt_secure *s)
{
    uint32_t min_fw = e->min_fw ? e->min_fw : GVRT_MIN_FW_VERSION;
    struct gv_quote q = e->q;
    const struct gvc_key *signer = e->signer % 3 == 1 ? rogue_ak :
                                   fzb.td->dev->ak;
    int wrc = GVC_OK;

    *s = sec_quote;
    s->min_fw = e->min_fw;
    if (e->no_cek & 1u) {
        s->have_cek = false;
        memset(s->cek, 0, sizeof(s->cek));
    }
    if (e->wrap % 3 == 1) {
        wrc = gvc_wrap(s->uk_pub, e->cek2, GV_CEK_LEN, q.wrapped_cek,
                       sizeof(q.wrapped_cek));
    } else if (e->wrap % 3 == 2) {
        wrc = gvc_wrap(victim_uk_pub, sec_quote.cek, GV_CEK_LEN,
                       q.wrapped_cek, sizeof(q.wrapped_cek));
    }
    if (wrc != GVC_OK ||
        gvc_sign(signer, &q, offsetof(struct gv_quote, sig), q.sig) !=
            GVC_OK) {
        abort();
    }
    if (e->signer % 3 == 2) {
        q.sig[GV_EC_SIG_LEN - 1] ^= 1;
    }
    if (q.magic != GV_QUOTE_MAGIC || q.version != GV_QUOTE_VERSION ||
        q.pad) {
        wrong("format (magic 0x%x, version %u, pad %u)", q.magic, q.version,
              q.pad);
    }
    if (q.chid >= GVRT_MAX_CHANNELS) {
        wrong("channel %u", q.chid);
    }
    if (q.fw_version < min_fw) {
        wrong("firmware version 0x%x (the minimum is 0x%x)", q.fw_version,
              min_fw);
    }
    if (q.flags) {
        wrong("flags 0x%x (debug or preemptible)", q.flags);
    }
    if (e->signer % 3) {
        wrong("signature (%s)", e->signer % 3 == 1 ?
              "made by a key that is not the certified AK" : "damaged");
    }
    if (memcmp(q.uk_hash, uk_hash, sizeof(uk_hash)) != 0) {
        wrong("UK hash (not SHA-256 of the runtime's UK_pub)");
    }
    if (memcmp(q.nonce, nonce, sizeof(nonce)) != 0) {
        wrong("nonce (not the one the runtime sent)");
    }
    if (e->wrap % 3 == 0 &&
        memcmp(q.wrapped_cek, quote.wrapped_cek, sizeof(q.wrapped_cek))) {
        wrong("wrapped CEK (changed)");
    } else if (e->wrap % 3 == 2) {
        wrong("wrapped CEK (for another UK)");
    } else if (e->wrap % 3 == 1 && s->have_cek &&
               memcmp(e->cek2, s->cek, GV_CEK_LEN) != 0) {
        wrong("CEK (not the context's)");
    }
    return gvrt_quote_accept(s, &q, ak_pub, nonce);
}

static int sem_summary(const struct sem *e, struct gvrt_secure *s)
{
    struct gv_pte_summary m = e->p;
    bool all_protected = !(e->unprotected & 1u);

    *s = sec_summ;
    sem_mac(e, s, m.chid, GV_IV_DOMAIN_SUMM, m.counter, &m,
            offsetof(struct gv_pte_summary, mac), m.mac);
    if (m.magic != GV_SUMMARY_MAGIC) {
        wrong("magic 0x%x", m.magic);
    }
    sem_counter(s, m.chid, m.counter);
    if (all_protected && m.n != m.k) {
        wrong("n %u != k %u (memory outside the protected region)", m.n,
              m.k);
    }
    return gvrt_summary_accept(s, &m, all_protected);
}

/* OBJ_UNMAP: honest, the summary of an unmap at the summary's VA on its
 * channel, nothing left mapped (sem_input() sets that up). */
static int sem_unmap(const struct sem *e, struct gvrt_secure *s)
{
    struct gv_pte_summary m = e->p;
    uint64_t va = e->arg_va;

    *s = sec_summ;
    sem_mac(e, s, m.chid, GV_IV_DOMAIN_SUMM, m.counter, &m,
            offsetof(struct gv_pte_summary, mac), m.mac);
    if (m.magic != GV_SUMMARY_MAGIC) {
        wrong("magic 0x%x", m.magic);
    }
    if (m.chid != e->arg_chid) {
        wrong("channel %u (the unmap was asked of channel %u)", m.chid,
              e->arg_chid);
    }
    if (m.va != va) {
        wrong("va 0x%" PRIx64 " (the unmap was at 0x%" PRIx64 ")", m.va,
              va);
    }
    if (m.k != 0) {
        wrong("k %u (protected pages still mapped)", m.k);
    }
    sem_counter(s, m.chid, m.counter);
    return gvrt_unmap_summaries_accept(s, e->arg_chid, &m, 1, &va, 1);
}

/* OBJ_MEASURE and OBJ_FRESH. */
static int sem_measure(const struct sem *e, struct gvrt_secure *s,
                       bool fresh)
{
    struct gv_measurement m = e->m;
    size_t len = e->arg_len < sizeof(expect) ? e->arg_len : sizeof(expect);
    uint32_t chid = m.chid < GVRT_MAX_CHANNELS ? m.chid : 0;
    static uint8_t bytes[sizeof(expect)];
    uint8_t truth[GV_HASH_LEN];
    const uint8_t *dk = e->dkey % 3 == 0 ? sec_meas.meas_key[chid] :
                        e->dkey % 3 == 1 ? sec_meas.chan_key[chid] : zero_key;

    *s = sec_meas;
    memcpy(bytes, expect, len);
    if (len) {
        bytes[e->bytes_off % len] ^= e->bytes_x;
    }
    if (gvc_hmac_sha256(dk, 32, bytes, len, m.digest) != GVC_OK) {
        abort();
    }
    for (unsigned k = 0; k < GV_HASH_LEN; k++) {
        m.digest[k] ^= e->digest_x[k];
    }
    sem_mac(e, s, m.chid, GV_IV_DOMAIN_MEAS, m.counter, &m,
            offsetof(struct gv_measurement, mac), m.mac);
    if (m.magic != GV_MEASURE_MAGIC) {
        wrong("magic 0x%x", m.magic);
    }
    if (m.chid != e->arg_chid) {
        wrong("channel %u (the runtime asked for %u)", m.chid, e->arg_chid);
    }
    sem_counter(s, m.chid, m.counter);
    if (fresh) {
        return gvrt_report_fresh(s, e->arg_chid, &m);
    }
    if (m.va != e->arg_va || m.size != len) {
        wrong("range va 0x%" PRIx64 " size %" PRIu64 " (the runtime asked "
              "for 0x%" PRIx64 " size %zu)", m.va, m.size, e->arg_va, len);
    }
    if (e->arg_chid < GVRT_MAX_CHANNELS && s->chan_valid[e->arg_chid]) {
        if (gvc_hmac_sha256(s->meas_key[e->arg_chid], 32, expect, len,
                            truth) != GVC_OK) {
            abort();
        }
        if (memcmp(truth, m.digest, GV_HASH_LEN) != 0) {
            wrong("digest (%s)", len && e->bytes_x ?
                  "the device measured other bytes" : e->dkey % 3 ?
                  "not under K_meas" : "changed");
        }
    }
    return gvrt_measurement_accept(s, e->arg_chid, &m, e->arg_va, expect,
                                   len);
}

static void sem_input(const uint8_t *data, size_t size)
{
    unsigned obj = data[1] % OBJ_COUNT;
    const char *what = sem_objs[obj].what;
    struct gvrt_secure s;
    struct sem e;
    int rc;

    sem_init(&e);
    if (obj == OBJ_UNMAP) {
        e.p.n = e.p.k = 0;
        e.arg_chid = e.p.chid;
        e.arg_va = e.p.va;
    }
    for (size_t at = SEM_HDR; at + SEM_EDIT <= size; at += SEM_EDIT) {
        const struct sem_field *f =
            &sem_objs[obj].f[data[at] % sem_objs[obj].n];
        uint64_t v;

        memcpy(&v, data + at + 2, 8);
        sem_edit((uint8_t *)&e + f->off, f->size, data[at + 1], v);
    }
    sem_why[0] = '\0';
    switch (obj) {
    case OBJ_QUOTE:
        rc = sem_quote(&e, &s);
        break;
    case OBJ_SUMMARY:
        rc = sem_summary(&e, &s);
        break;
    case OBJ_UNMAP:
        rc = sem_unmap(&e, &s);
        break;
    default:
        rc = sem_measure(&e, &s, obj == OBJ_FRESH);
        break;
    }
    if (rc == 0 && sem_why[0]) {
        fprintf(stderr, "fuzz: the runtime accepted a false %s: %s\n", what,
                sem_why);
        abort();
    }
    if (rc != 0 && !sem_why[0]) {
        fprintf(stderr, "fuzz: the runtime refused a true %s (%s)\n", what,
                s.failed ? s.failed : "no check named");
        abort();
    }
    fz_note_check(rc == 0 ? "structured: accepted" : s.failed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_set_name("fuzz-rt");
    if (!ready) {
        setup();
    }
    fz_rules_begin(NULL);
    if (size >= SEM_HDR && data[0] == SEM_MARK) {
        sem_input(data, size);
    } else if (size >= 3) {
        raw_input(data, size);
    }
    return 0;
}

#ifdef GV_LIBFUZZER
/* ---- the structure-aware mutator ----
 *
 * Structured inputs keep their framing: an edit is added (a random field,
 * an op and a value near the interesting ones: one bit, +-1, +-2, +-16,
 * 0, all ones), deleted, given another value, field or op, or its bytes
 * mutated by libFuzzer; or the object changes (the same edits then mean
 * other fields).  Raw inputs get libFuzzer's byte mutations, and now and
 * then become a new structured input. */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
                               unsigned int seed);

static uint64_t sem_value(unsigned op, uint32_t *s)
{
    static const int32_t delta[] = { 1, -1, 2, -2, 16, -16, 0x10000,
                                     -0x10000 };
    uint64_t v = (uint64_t)fz_rnd(s) << 32 | fz_rnd(s);

    switch (op % 3) {
    case 0:                     /* one bit at an index, or random bytes */
        return fz_rnd(s) % 4 ? (v & 0xff) | 1ull << (8 + fz_rnd(s) % 8) : v;
    case 1:
        return (uint32_t)delta[fz_rnd(s) % (sizeof(delta) / sizeof(delta[0]))];
    default:
        switch (fz_rnd(s) % 4) {
        case 0: return 0;
        case 1: return 1 + fz_rnd(s) % 3;
        case 2: return ~0ull;
        default: return v;
        }
    }
}

static void sem_gen_edit(uint8_t *p, uint32_t *s)
{
    uint64_t v;

    p[0] = (uint8_t)fz_rnd(s);
    p[1] = (uint8_t)(fz_rnd(s) % 3);
    v = sem_value(p[1], s);
    memcpy(p + 2, &v, 8);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
                               unsigned int seed)
{
    uint32_t s = seed | 1u;
    size_t n, k;
    uint8_t *p;
    uint64_t v;

    if (size < SEM_HDR || data[0] != SEM_MARK) {
        if (fz_rnd(&s) % 16 == 0 && max >= SEM_HDR + SEM_EDIT) {
            data[0] = SEM_MARK;
            data[1] = (uint8_t)(fz_rnd(&s) % OBJ_COUNT);
            sem_gen_edit(data + SEM_HDR, &s);
            return SEM_HDR + SEM_EDIT;
        }
        return LLVMFuzzerMutate(data, size, max);
    }
    n = (size - SEM_HDR) / SEM_EDIT;
    n = n > SEM_MAX_EDITS ? SEM_MAX_EDITS : n;
    size = SEM_HDR + n * SEM_EDIT;
    k = n ? fz_rnd(&s) % n : 0;
    p = data + SEM_HDR + k * SEM_EDIT;
    switch (fz_rnd(&s) % 8) {
    case 0: case 1:             /* add an edit */
        if (n < SEM_MAX_EDITS && size + SEM_EDIT <= max) {
            sem_gen_edit(data + size, &s);
            return size + SEM_EDIT;
        }
        break;
    case 2:                     /* delete one */
        if (n) {
            memmove(p, p + SEM_EDIT, size - (size_t)(p + SEM_EDIT - data));
            return size - SEM_EDIT;
        }
        break;
    case 3:                     /* another object */
        data[1] = (uint8_t)fz_rnd(&s);
        return size;
    case 4: case 5:             /* another value */
        if (n) {
            v = sem_value(p[1], &s);
            memcpy(p + 2, &v, 8);
            return size;
        }
        break;
    case 6:                     /* another field or op */
        if (n) {
            p[fz_rnd(&s) % 2] = (uint8_t)fz_rnd(&s);
            return size;
        }
        break;
    default:                    /* libFuzzer's mutations inside one */
        if (n) {
            LLVMFuzzerMutate(p, SEM_EDIT, SEM_EDIT);
            return size;
        }
        break;
    }
    if (size + SEM_EDIT <= max && n < SEM_MAX_EDITS) {
        sem_gen_edit(data + size, &s);
        return size + SEM_EDIT;
    }
    return size;
}
#else
int main(int argc, char **argv)
{
    fz_set_name("fuzz-rt");
    return fz_replay_main(argc, argv, 512);
}
#endif
