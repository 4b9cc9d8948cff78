/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harness for the runtime's parsing of what the device (through the
 * untrusted driver) hands it (runtime/gvrt_secure.c): quotes, CH_PTE
 * summaries, CH_MEASURE results, AK certificates and AK endorsements.
 *
 * Valid objects are made once, by the bench's device (fuzz_bench.c) and
 * a CA made in-process; an input changes one and the runtime checks it:
 * u8 kind, u16 offset, then bytes XORed into the object from that offset
 * (kind 4: two raw DER certificates instead, u16 CA length first).  The
 * runtime must never crash, accept only the unchanged object (an accepted
 * changed one aborts: a finding), and name the check that failed
 * ("checks reached" at exit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "gv_crypto.h"

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
        fprintf(stderr, "fuzz-rt: a changed %s was accepted\n", what);
        abort();
    }
    fz_note_check(rc == 0 ? "accepted" : failed ? failed : "refused");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gvrt_secure s;
    uint8_t buf[4096], pub[GV_EC_PUB_LEN];
    size_t off, n;
    bool ch;
    int rc;

    fz_set_name("fuzz-rt");
    if (!ready) {
        setup();
    }
    fz_rules_begin(NULL);
    if (size < 3) {
        return 0;
    }
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
    return 0;
}

#ifndef GV_LIBFUZZER
int main(int argc, char **argv)
{
    fz_set_name("fuzz-rt");
    return fz_replay_main(argc, argv, 512);
}
#endif
