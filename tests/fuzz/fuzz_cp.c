/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harness for the command processor: the input is a script of
 * malicious-driver actions against the bench's device (fuzz_bench.c: a
 * bootstrap channel, normal channel 1 and secure channel 2 with tables,
 * pages and host windows), restored before every input.  Action = one
 * byte (modulo A_COUNT), then its fields:
 *
 *  0  MMIO write:   u16 offset, u32 value (any register, reset included)
 *  1  MMIO read:    u16 offset
 *  2  group:        u8 channel, u16 length, bytes -> guest memory, PUT
 *  3  aperture:     u32 offset, u64 value (write, then read back)
 *  4  commands:     u16 length, bytes in a plaintext bootstrap group
 *  5  launch:       u8 n, n x (u16 position, u8 xor) flips of a valid
 *                   module, u32 grid, u16 block, u16 shared, u8 function,
 *                   u8 flags, u16 parameter bytes (channel 1)
 *  6  management:   24 bytes -> one well-formed CH_* command
 *                   (mk_mgmt(): addresses drawn from the device's real
 *                   pages, tables, descriptors and regions)
 *  7  secure group: u8 counter mode, 25 bytes -> an engine command
 *                   (mk_engine()), sealed for channel 2 with the right
 *                   counter or a wrong one, u8 position, u8 xor (a flip)
 *  8  engine:       25 bytes -> an engine command on channel 1
 *  9  reset:        the device's RESET
 * 10  recreate:     channel 2 destroyed (with the runtime's MAC) and made
 *                   again: a new incarnation, new keys
 * 11  replay:       u8 channel: the last sealed group again; with bit 7
 *                   the last management command that carried a MAC
 *                   (an authorised unmap or destroy) again
 * 12  attack:       FZA_LEN bytes: u8 kind, fields -> one of the attacks
 *                   of fuzz_attack.c (design.md section 11 as scripts)
 * 13  batch:        u8 k, u8 wrap: the group of each of the next 2 + k % 7
 *                   actions that submit one (2, 4-8, 11) is queued as a
 *                   ring entry and the doorbells are rung once, after the
 *                   last (or before the first action that is not such
 *                   one, or at the end of the input): several groups,
 *                   maybe on several channels, behind one PUT each.
 *                   wrap bit 7: first the ring of channel 0, 1, 2 or 1
 *                   (bits 5:4) is made 4 << (bit 0) entries long and
 *                   filled with all but 1 + (bit 1) of them (empty
 *                   groups), so that the batch wraps around its end;
 *                   wrap bit 6: the batch's groups are put in
 *                   unprotected VRAM, their entries GV_GPFIFO_VRAM;
 *                   wrap bit 2: its management commands (6, 11 with
 *                   bit 7) go into one bootstrap group, its last entry
 *
 * After every input gv_dev_check() must pass (fzb_end()), after every
 * action the oracles below and fuzz_attack.c's (expectations of the rule
 * that refuses a forbidden command, LOCKED mappings, scrubbing, the TLB);
 * a failure or a sanitizer report is a finding.  Built with libFuzzer
 * (then with a structure-aware mutator, LLVMFuzzerCustomMutator, that
 * inserts, deletes, duplicates and mutates whole actions), or as a replay
 * program over files, directories and seeded random scripts.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_attack.h"
#include "fuzz_common.h"
#include "gv_internal.h"
#include "gv_ktest.h"

enum {
    A_MMIO_W, A_MMIO_R, A_GROUP, A_APER, A_CMDS, A_LAUNCH, A_MGMT,
    A_SECURE, A_ENGINE, A_RESET, A_RECREATE, A_REPLAY, A_ATTACK, A_BATCH,
    A_COUNT
};
#define MGMT_LEN 24
#define ENG_LEN 25
#define GROUP_MAX 4160

static uint8_t *module;                 /* a valid GVX module */
static uint32_t module_len;
static uint8_t last_sealed[sizeof(struct gv_group_hdr) + 512];
static uint32_t last_sealed_len;
/* The last management command that carried a runtime's MAC (A_REPLAY
 * with bit 7 sends it again), and the MAC of the current action's
 * command, if it has one (the authorisation oracle). */
static uint8_t last_auth[sizeof(struct gv_cmd_ch_pte) + 4 * 8];
static uint32_t last_auth_len;
static uint8_t last_auth_mac[GV_TAG_LEN];
static uint8_t act_mac[GV_TAG_LEN];
static bool act_has_mac;

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

/* Bytes of the action at @p (0: none complete). */
static size_t act_len(const uint8_t *p, size_t left)
{
    size_t n;

    if (left == 0) {
        return 0;
    }
    switch (p[0] % A_COUNT) {
    case A_MMIO_W: n = 7; break;
    case A_MMIO_R: n = 3; break;
    case A_GROUP:
        n = left < 4 ? 0 : 4 + rd16(p + 2) % GROUP_MAX;
        return n > left ? left : n;
    case A_APER: n = 13; break;
    case A_CMDS:
        n = left < 3 ? 0 : 3 + rd16(p + 1) % 4096;
        return n > left ? left : n;
    case A_LAUNCH: n = left < 2 ? 2 + 12 : 2 + 3 * (p[1] & 7u) + 12; break;
    case A_MGMT: n = 1 + MGMT_LEN; break;
    case A_SECURE: n = 1 + 1 + ENG_LEN + 2; break;
    case A_ENGINE: n = 1 + ENG_LEN; break;
    case A_REPLAY: n = 2; break;
    case A_ATTACK: n = 1 + FZA_LEN; break;
    case A_BATCH: n = 3; break;
    default: n = 1; break;
    }
    return n <= left ? n : 0;
}

/* ---- well-formed commands from a few bytes ---- */

static struct gv_dev *dev(void)
{
    return fzb.td->dev;
}

/* Fresh protected memory from the bench's allocator (restored with the
 * snapshot), or, once an input has used it all, the region's last
 * page: an input may ask for pages any number of times. */
static uint64_t alloc_prot(uint64_t bytes, uint64_t align)
{
    struct td *t = fzb.td;
    uint64_t a = (t->prot_next + align - 1) & ~(align - 1);

    if (a < t->prot_next || a + bytes > t->unprot + t->prot) {
        return t->unprot + t->prot - GV_PAGE_SIZE;
    }
    return td_alloc_prot(t, bytes, align);
}

/* A device-physical address: mostly real pages, tables, descriptors and
 * region boundaries, sometimes the raw value. */
static uint64_t pick_pa(uint8_t sel, uint64_t raw, unsigned chid)
{
    struct gv_dev *d = dev();
    unsigned c = chid % GV_MAX_CHANNELS;

    switch (sel % 13) {
    case 0: return raw;
    case 12: return fzb.page3 + (sel & 0x80 ? 4096 : 0);
    case 1: return alloc_prot(4096, 4096);
    case 2: return fzb.page1;
    case 3: return fzb.page2 + (sel & 0x80 ? 4096 : 0);
    case 4: return fzb.table1;
    case 5: return fzb.table2;
    case 6: return d->chan[c].desc_addr;
    case 7: return d->chan[c].pgd_addr;
    case 8: return (raw % (d->unprot_size | 1)) & ~0xfffull;
    case 9: return d->hidden_base + ((raw % (1u << 20)) & ~0xfffull);
    case 10: return alloc_prot(GV_BIG_PAGE_SIZE, GV_BIG_PAGE_SIZE);
    default: return d->unprot_size + d->prot_size - 4096 + (raw & 0x1fff);
    }
}

/* A virtual address of a channel: in, at the end of and beyond its page,
 * in the page table's range, raw. */
static uint64_t pick_va(uint8_t sel, uint64_t raw)
{
    switch (sel % 6) {
    case 0: return raw % 4096;
    case 1: return raw % GV_BIG_PAGE_SIZE;
    case 2: return 4096 - (raw & 0xff);
    case 3: return GV_BIG_PAGE_SIZE - (raw & 0xff);
    case 4: return raw % (64ull << 20);
    default: return raw;
    }
}

static uint32_t mk_create(const uint8_t *a, uint8_t *out, unsigned chid)
{
    struct gv_cmd_ch_create c = { .hdr = { GV_OP_CH_CREATE, sizeof(c) } };

    /* half the time one of the slots the bench leaves free */
    c.chid = a[1] < 0xf0 && (a[1] & 0x40) ? 4u + a[1] % 3 * 3 % 4 : chid;
    c.flags = a[2] & 3u;
    c.desc_addr = pick_pa(a[3], rd64(a + 8), chid);
    c.pgd_addr = pick_pa(a[4], rd64(a + 16), chid);
    c.share_chid = a[5] & 7u;
    memcpy(c.uk_pub, fzb.sec.uk_pub, sizeof(c.uk_pub));
    if (a[2] & 4u) {
        c.uk_pub[a[6] % sizeof(c.uk_pub)] ^= a[7] | 1u;
    }
    memcpy(c.nonce, a + 8, sizeof(c.nonce) < 16 ? sizeof(c.nonce) : 16);
    c.result_addr = a[2] & 8u ? 0 : FZB_GROUP_ADDR + 0x2000;
    memcpy(out, &c, sizeof(c));
    return sizeof(c);
}

static uint32_t mk_pte(const uint8_t *a, uint8_t *out, unsigned chid)
{
    struct gv_cmd_ch_pte c = { .hdr = { GV_OP_CH_PTE, sizeof(c) } };
    unsigned count = a[5] % 5;
    uint64_t pte;

    c.chid = chid;
    c.flags = a[2] & 1u;
    c.pgd_index = a[6] & 0x80 ? a[6] : 0;
    c.pgt_index = a[7] % 8;
    c.count = count;
    c.hdr.size = (uint32_t)(sizeof(c) + count * 8);
    c.result_addr = a[2] & 2u ? FZB_GROUP_ADDR + 0x2000 : 0;
    if (a[2] & 4u) {
        gvrt_mac_unmap(&fzb.sec, chid, (uint64_t)c.pgt_index <<
                       (c.flags ? GV_BIG_PAGE_SHIFT : GV_PAGE_SHIFT),
                       (uint64_t)count << (c.flags ? GV_BIG_PAGE_SHIFT :
                                           GV_PAGE_SHIFT), c.mac);
        fzc_mac_made(&fzb.sec, chid, c.mac);
        memcpy(act_mac, c.mac, GV_TAG_LEN);
        act_has_mac = true;
    }
    memcpy(out, &c, sizeof(c));
    for (unsigned k = 0; k < count; k++) {
        pte = pick_pa((uint8_t)(a[3] + k), rd64(a + 8), chid);
        pte |= a[4] & GV_PTE_FLAGS;
        memcpy(out + sizeof(c) + k * 8, &pte, 8);
    }
    return c.hdr.size;
}

/* One CH_* command from @a (MGMT_LEN bytes) into @out; its length. */
static uint32_t mk_mgmt(const uint8_t *a, uint8_t *out)
{
    unsigned chid = a[1] < 0xf0 ? a[1] % 4 : a[1];
    uint32_t len;

    switch (a[0] % 5) {
    case 0:
        len = mk_create(a, out, chid);
        break;
    case 1: {
        struct gv_cmd_ch_pde c = { .hdr = { GV_OP_CH_PDE, sizeof(c) } };

        c.chid = chid;
        c.pgd_index = a[6] & 0x80 ? rd16(a + 6) : a[6] % 4;
        c.flags = a[2] & 1u;
        c.pgt_addr = a[2] & 2u ? 0 : pick_pa(a[3], rd64(a + 8), chid);
        memcpy(out, &c, sizeof(c));
        len = sizeof(c);
        break;
    }
    case 2:
        len = mk_pte(a, out, chid);
        break;
    case 3: {
        struct gv_cmd_ch_destroy c = {
            .hdr = { GV_OP_CH_DESTROY, sizeof(c) } };

        c.chid = chid;
        c.flags = a[2] & 1u;
        if (a[2] & 2u) {
            gvrt_mac_destroy(&fzb.sec, chid, c.mac);
            fzc_mac_made(&fzb.sec, chid, c.mac);
            memcpy(act_mac, c.mac, GV_TAG_LEN);
            act_has_mac = true;
        }
        memcpy(out, &c, sizeof(c));
        len = sizeof(c);
        break;
    }
    default: {
        struct gv_cmd_ch_measure c = {
            .hdr = { GV_OP_CH_MEASURE, sizeof(c) } };

        c.chid = chid;
        c.va = pick_va(a[3], rd64(a + 8));
        c.size = rd64(a + 16) % (a[4] & 1u ? 0x40000 : 0x2000);
        c.result_addr = a[2] & 1u ? 0 : FZB_GROUP_ADDR + 0x2000;
        memcpy(out, &c, sizeof(c));
        len = sizeof(c);
        break;
    }
    }
    if (a[2] & 0x80) {          /* a size field that lies */
        struct gv_cmd_hdr h;

        memcpy(&h, out, sizeof(h));
        h.size += (a[7] & 0x10) ? 8 : (uint32_t)-8;
        memcpy(out, &h, sizeof(h));
    }
    return len;
}

/* One engine command (FENCE, COPY, SET_COPY_KEY, LAUNCH of the valid
 * module at VA 0) from @a (ENG_LEN bytes). */
static uint32_t mk_engine(const uint8_t *a, uint8_t *out)
{
    switch (a[0] % 4) {
    case 0: {
        struct gv_cmd_fence c = { .hdr = { GV_OP_FENCE, sizeof(c) } };

        c.va = pick_va(a[1], rd64(a + 8)) & ~(a[2] & 1u ? 0ull : 7ull);
        c.value = rd64(a + 16);
        memcpy(out, &c, sizeof(c));
        return sizeof(c);
    }
    case 1: {
        struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) } };

        c.flags = a[1] & 0x8f;
        c.src = c.flags & GV_COPY_SRC_HOST ? rd16(a + 8) * 2ull :
                pick_va(a[2], rd64(a + 8));
        c.dst = c.flags & GV_COPY_DST_HOST ? rd16(a + 10) * 2ull :
                pick_va(a[3], rd64(a + 16));
        c.size = a[4] & 0x80 ? rd64(a + 16) : (uint64_t)rd16(a + 5) % 8192;
        memcpy(c.iv, a + 12, sizeof(c.iv) < 12 ? sizeof(c.iv) : 12);
        memcpy(out, &c, sizeof(c));
        return sizeof(c);
    }
    case 2: {
        struct gv_cmd_set_copy_key c = {
            .hdr = { GV_OP_SET_COPY_KEY, sizeof(c) } };

        memcpy(c.key, a + 1, 24);
        memcpy(out, &c, sizeof(c));
        return sizeof(c);
    }
    default: {
        struct kt_launch l = { .module_size = module_len };
        uint64_t param[2] = { pick_va(a[5], rd64(a + 16)), 0 };

        l.grid[0] = 1 + a[1] % 4;
        l.block[0] = a[2] & 0x80 ? rd16(a + 2) : 1u + a[2] % 64;
        l.shared_dyn = a[4] & 1u ? rd16(a + 6) : 0;
        l.func = a[4] >> 6;
        l.flags = a[4] & 2u ? GV_LAUNCH_IRQ : 0;
        l.fence_va = a[4] & 4u ? pick_va(a[3], rd64(a + 8)) & ~7ull : 0;
        l.params = param;
        l.param_size = a[4] & 8u ? a[7] % 17 : 8;
        return kt_launch_cmd(&l, out);
    }
    }
}

/* ---- the oracles of the secure channels ----
 *
 * Channel 2 is the harness's own runtime's, channel 5 a second channel of
 * the same context (the context, and its CEK, outlive a re-creation of
 * channel 2), channel 3 the victim's; no honest group is ever sealed for
 * 3 or 5.  After every action:
 *
 *  - a secure channel runs only groups its runtime sealed for the
 *    channel's current incarnation with the counter the device expects,
 *    each once: the groups the device accepted (groups_accepted) since
 *    the last check are at most the honest groups sealed and not yet run.
 *    A replay, a forged or flipped group, a plaintext group or a group of
 *    an earlier incarnation that runs is a finding;
 *  - a report (CH_PTE summary, CH_MEASURE result) the device wrote for a
 *    secure channel passes its runtime's checks (MAC under the keys of
 *    its quote, the keyed digest of what the channel holds), and never
 *    reuses a counter of that incarnation (gaps are fine: the driver may
 *    hide a report);
 *  - an unmap or destroy MAC is accepted only if its runtime made it
 *    (watch_auths()), for that counter of the incarnation, and each once
 *    (macs_judge(): by its bytes, also when a group's MACs were accepted
 *    in part);
 *  - every group the device accepts on a secure channel is one its
 *    runtime sealed for the channel's incarnation, with the counter the
 *    device expected, and accepted once (group_judge(): each group is
 *    seen as the device fetches it, so the groups of a ring batch are
 *    judged one by one too, as are the MACs of each management group,
 *    macs_judge()).
 */
#define RESULT_ADDR (FZB_GROUP_ADDR + 0x2000)

struct watch {
    uint64_t incarnation;       /* 0: the channel is not there */
    uint64_t accepted;          /* its groups_accepted at the last check */
    uint64_t honest;            /* honest groups sealed, not yet run */
    uint64_t report_next;       /* the lowest counter a new report may use */
    uint64_t auths;             /* its auths_accepted when first seen */
    uint64_t auth_issued;       /* its runtime's MACs issued, then */
};
/* A ring batch is being queued: the groups of this many more actions
 * (A_BATCH); batch_flushed: its doorbells rang during this action (the
 * report the action finds may be any group's of the batch). */
static unsigned batch_left;
static bool batch_flushed;
/* A_BATCH wrap bit 2: the batch's management commands (A_MGMT, an
 * authorisation again) are gathered into one bootstrap group, queued as
 * the batch's last entry (several of a runtime's MACs in one group). */
static bool merging;
static uint8_t merged[1024];
static uint32_t merged_len;
static const unsigned watched[] = { FZB_SECURE_CHID, FZB_VICTIM_CHID,
                                    FZB_STREAM_CHID };
#define NWATCH (sizeof(watched) / sizeof(watched[0]))
static struct watch watch[NWATCH];
static unsigned sealed_honest;  /* honest groups sealed by this action */

static void oracle_fail(unsigned chid, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

static void oracle_fail(unsigned chid, const char *fmt, ...)
{
    char prefix[32];
    va_list ap;

    snprintf(prefix, sizeof(prefix), "secure channel %u: ", chid);
    va_start(ap, fmt);
    fz_vfail(prefix, fmt, ap);
}

static struct gvrt_secure *rt_of(unsigned chid)
{
    return chid == FZB_VICTIM_CHID ? &fzb.victim : &fzb.sec;
}

static bool chan_live(struct gv_dev *d, unsigned chid)
{
    return d->locked && d->chsec &&
           d->chan[chid].type == GV_CHAN_TYPE_SECURE;
}

static void watch_sync(struct gv_dev *d, unsigned chid, struct watch *w)
{
    memset(w, 0, sizeof(*w));
    if (chan_live(d, chid)) {
        w->incarnation = d->chsec[chid].incarnation;
        w->accepted = d->chan[chid].groups_accepted;
        w->report_next = d->chsec[chid].report_counter;
        w->auths = d->chan[chid].auths_accepted;
        w->auth_issued = rt_of(chid)->auth_counter[chid];
    }
}

/* The authorisation oracle: the device accepts an unmap or destroy MAC
 * of a secure channel only if its runtime made it for this incarnation:
 * no more accepted than issued since the channel was seen (each MAC only
 * once: macs_judge()). */
static void watch_auths(struct gv_dev *d, unsigned chid, struct watch *w)
{
    uint64_t now = d->chan[chid].auths_accepted - w->auths;
    uint64_t issued = rt_of(chid)->auth_counter[chid] - w->auth_issued;

    if (now > issued) {
        oracle_fail(chid, "%" PRIu64 " unmap/destroy MAC(s) accepted, its "
                    "runtime made %" PRIu64 ": a forged or replayed "
                    "authorisation", now, issued);
    }
}

/* ---- each group and each MAC, as the device fetches it ----
 *
 * The runtime's groups for channel 2 are logged as they are sealed (a
 * hash of their bytes, the counter, the incarnation of the keys).  The
 * bench reports every group the device fetches (fzb_group_fetch_hook);
 * the next fetch, or the action's end, tells what became of it: on a
 * watched secure channel, accepted if its groups_accepted grew by one.
 * Within a ring batch the count of honest groups pending cannot tell
 * one group from another (a replay accepted and an honest group then
 * refused add up to the same count); this sees each group.
 */
#define SEAL_LOG 512
static struct sealed {
    uint64_t hash, incarnation, counter;
    uint32_t chid, len;
    bool accepted;
} seal_log[SEAL_LOG];
static unsigned nsealed;
static bool seal_lost;          /* more sealed than the log holds */

/* The unmap and destroy MACs the runtimes made: for which channel,
 * incarnation and authorisation counter, and whether the device has
 * accepted it (macs_judge()). */
#define MAC_LOG 256
static struct made_mac {
    uint8_t mac[GV_TAG_LEN];
    uint64_t incarnation, counter;
    uint32_t chid;
    bool accepted;
} mac_log[MAC_LOG];
static unsigned nmade;
static bool mac_lost;           /* more made than the log holds */

/* The group fetched last, until judged. */
static struct {
    bool on, secure, plain;
    unsigned chid;
    uint32_t len, idx;
    uint64_t hash, acc0, ctr0, inc0, err0, badmac0;
    uint64_t auth0[NWATCH], ainc[NWATCH], actr0[NWATCH];
    bool alive[NWATCH];
    uint8_t g[GROUP_MAX + 64];  /* a plaintext group's bytes (its MACs) */
} fg;

static uint64_t fnv64(const uint8_t *p, uint64_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (uint64_t k = 0; k < n; k++) {
        h = (h ^ p[k]) * 0x100000001b3ull;
    }
    return h;
}

static int watch_index(unsigned chid)
{
    for (unsigned i = 0; i < NWATCH; i++) {
        if (watched[i] == chid) {
            return (int)i;
        }
    }
    return -1;
}

/* Channel @chid's runtime sealed @g for @counter. */
static void seal_note(unsigned chid, const uint8_t *g, uint32_t len,
                      uint64_t counter)
{
    if (nsealed == SEAL_LOG) {
        seal_lost = true;
        return;
    }
    seal_log[nsealed++] = (struct sealed){
        .hash = fnv64(g, len), .incarnation = rt_of(chid)->incarnation[chid],
        .counter = counter, .chid = chid, .len = len };
}

/* The fetched group was accepted on its secure channel: it must be one
 * its runtime sealed for this incarnation, for the counter the device
 * expected, not accepted before. */
static void group_judge(void)
{
    struct sealed *hit = NULL;

    for (unsigned k = 0; k < nsealed; k++) {
        struct sealed *s = &seal_log[k];

        if (s->hash != fg.hash || s->len != fg.len || s->chid != fg.chid ||
            s->incarnation != fg.inc0) {
            continue;
        }
        if (s->accepted) {
            oracle_fail(fg.chid, "a group (sealed for counter %" PRIu64
                        ") accepted a second time, at counter %" PRIu64
                        ": a replayed group", s->counter, fg.ctr0);
        }
        hit = hit ? hit : s;
    }
    if (!hit) {
        if (!seal_lost) {
            oracle_fail(fg.chid, "a group of %u bytes accepted at counter %"
                        PRIu64 " that its runtime never sealed for this "
                        "incarnation: a forged, flipped, plaintext or "
                        "stale group", fg.len, fg.ctr0);
        }
        return;
    }
    if (hit->counter != fg.ctr0) {
        oracle_fail(fg.chid, "a group sealed for counter %" PRIu64 " was "
                    "accepted at counter %" PRIu64 ": a replayed or "
                    "reordered group", hit->counter, fg.ctr0);
    }
    hit->accepted = true;
}

void fzc_mac_made(const struct gvrt_secure *s, unsigned chid,
                  const uint8_t *mac)
{
    if (chid >= GVRT_MAX_CHANNELS || s != rt_of(chid)) {
        return;         /* not that channel's runtime: never its MAC */
    }
    if (nmade == MAC_LOG) {
        mac_lost = true;
        return;
    }
    mac_log[nmade] = (struct made_mac){
        .incarnation = s->incarnation[chid],
        .counter = s->auth_counter[chid] - 1, .chid = chid };
    memcpy(mac_log[nmade++].mac, mac, GV_TAG_LEN);
}

static struct made_mac *mac_made_for(unsigned chid, uint64_t inc,
                                     uint64_t counter)
{
    for (unsigned k = 0; k < nmade; k++) {
        if (mac_log[k].chid == chid && mac_log[k].incarnation == inc &&
            mac_log[k].counter == counter) {
            return &mac_log[k];
        }
    }
    return NULL;
}

/* How many commands of the fetched group may have had their MAC checked:
 * all if the group did not fail (or where it failed is not known), else
 * those before the refused one, and that one unless a bad-MAC rule
 * refused it (a MAC accepted, then a later check refused). */
static unsigned macs_ran(struct gv_dev *d)
{
    uint64_t bad = d->rule_hits[GV_RULE_CH_PTE_BAD_MAC] +
                   d->rule_hits[GV_RULE_CH_DESTROY_BAD_MAC];

    if (d->error_count != fg.err0 + 1 || d->error_chid != fg.chid ||
        d->error_pos >> 16 != fg.idx) {
        return UINT32_MAX;
    }
    return (d->error_pos & 0xffff) + (bad == fg.badmac0);
}

/* Channel @c (watched @w) accepted @m MACs during the fetched group, at
 * its counters actr0 .. actr0 + m - 1: each must be the one its runtime
 * made for that counter of this incarnation, not accepted before, and
 * found in the group, in order, among the @n MACs of the commands that
 * ran (@mac: those aimed at @c). */
static void macs_match(unsigned c, unsigned w, uint64_t m,
                       const uint8_t *const *mac, unsigned n)
{
    uint64_t j = 0;
    struct made_mac *e;

    for (unsigned k = 0; k < n && j < m; k++) {
        e = mac_made_for(c, fg.ainc[w], fg.actr0[w] + j);
        if (e && !e->accepted && !memcmp(e->mac, mac[k], GV_TAG_LEN)) {
            e->accepted = true;
            j++;
        }
    }
    if (j == m || mac_lost) {
        return;
    }
    for (unsigned k = 0; k < nmade; k++) {
        for (unsigned i = 0; i < n; i++) {
            if (mac_log[k].chid == c && mac_log[k].accepted &&
                mac_log[k].incarnation == fg.ainc[w] &&
                !memcmp(mac_log[k].mac, mac[i], GV_TAG_LEN)) {
                oracle_fail(c, "an unmap/destroy MAC accepted a second "
                            "time: a replayed authorisation (%" PRIu64
                            " of %u MAC(s) of a group accepted, at counter "
                            "%" PRIu64 ")", m, n, fg.actr0[w] + j);
            }
        }
    }
    oracle_fail(c, "an unmap/destroy MAC accepted at counter %" PRIu64
                " that its runtime did not make for this incarnation and "
                "counter (%" PRIu64 " of %u MAC(s) of a group accepted): a "
                "forged or replayed authorisation", fg.actr0[w] + j, m, n);
}

/* A watched channel's auths_accepted grew during the fetched plaintext
 * group: by at most as many as the group holds commands aimed at it
 * that carry a MAC (CH_PTE, an authorised CH_DESTROY), and which of them
 * ran is known from where the group stopped; each MAC accepted is judged
 * by its bytes (macs_match()), even when only some were accepted. */
static void macs_judge(struct gv_dev *d)
{
    const uint8_t *mac[NWATCH][8];
    unsigned n[NWATCH] = { 0 }, ran = macs_ran(d), cmd = 0;
    struct gv_group_hdr h;
    struct gv_cmd_hdr c;
    const uint8_t *p = fg.g + sizeof(h);
    uint32_t plen, chid, flags;
    int i;

    memcpy(&h, fg.g, sizeof(h));
    plen = h.payload_len < fg.len - sizeof(h) ? h.payload_len
                                               : fg.len - (uint32_t)sizeof(h);
    for (uint32_t off = 0; plen - off >= sizeof(c) && cmd < ran;
         off += c.size, cmd++) {
        memcpy(&c, p + off, sizeof(c));
        if (c.size < sizeof(c) || c.size > plen - off) {
            break;
        }
        if (c.op == GV_OP_CH_PTE && c.size >= sizeof(struct gv_cmd_ch_pte)) {
            memcpy(&chid, p + off + offsetof(struct gv_cmd_ch_pte, chid), 4);
            i = watch_index(chid);
            if (i >= 0 && n[i] < 8) {
                mac[i][n[i]] = p + off + offsetof(struct gv_cmd_ch_pte, mac);
            }
        } else if (c.op == GV_OP_CH_DESTROY &&
                   c.size >= sizeof(struct gv_cmd_ch_destroy)) {
            memcpy(&chid, p + off + offsetof(struct gv_cmd_ch_destroy, chid),
                   4);
            memcpy(&flags,
                   p + off + offsetof(struct gv_cmd_ch_destroy, flags), 4);
            i = (flags & GV_DESTROY_AUTH) ? watch_index(chid) : -1;
            if (i >= 0 && n[i] < 8) {
                mac[i][n[i]] = p + off +
                               offsetof(struct gv_cmd_ch_destroy, mac);
            }
        } else {
            continue;
        }
        if (i >= 0) {
            n[i]++;
        }
    }
    for (unsigned w = 0; w < NWATCH; w++) {
        unsigned c2 = watched[w];
        uint64_t m = d->chan[c2].auths_accepted - fg.auth0[w];

        if (fg.alive[w] && chan_live(d, c2) && m && m <= n[w] &&
            n[w] <= 8 && d->chsec[c2].incarnation == fg.ainc[w]) {
            macs_match(c2, w, m, mac[w], n[w]);
        }
    }
}

/* What became of the group fetched last (at the next fetch, or the end
 * of an action). */
static void group_resolve(void)
{
    struct gv_dev *d = dev();

    if (!fg.on) {
        return;
    }
    fg.on = false;
    if (fg.secure && chan_live(d, fg.chid) &&
        d->chsec[fg.chid].incarnation == fg.inc0 &&
        d->chan[fg.chid].groups_accepted == fg.acc0 + 1) {
        group_judge();
    }
    if (fg.plain) {
        macs_judge(d);
    }
}

static void group_fetched(unsigned chid, uint32_t idx, const void *g,
                          uint64_t len)
{
    struct gv_dev *d = dev();
    struct gv_group_hdr h;

    group_resolve();
    if (len < sizeof(h) || len > UINT32_MAX) {
        return;
    }
    memcpy(&h, g, sizeof(h));
    fg.on = true;
    fg.chid = chid;
    fg.len = (uint32_t)len;
    fg.hash = fnv64(g, len);
    fg.acc0 = d->chan[chid].groups_accepted;
    fg.idx = idx;
    fg.err0 = d->error_count;
    fg.badmac0 = d->rule_hits[GV_RULE_CH_PTE_BAD_MAC] +
                 d->rule_hits[GV_RULE_CH_DESTROY_BAD_MAC];
    fg.secure = watch_index(chid) >= 0 && chan_live(d, chid);
    if (fg.secure) {
        fg.inc0 = d->chsec[chid].incarnation;
        fg.ctr0 = d->chsec[chid].cmd_counter;
    }
    fg.plain = !(h.flags & GV_GROUP_ENCRYPTED) && len <= sizeof(fg.g);
    if (fg.plain) {
        memcpy(fg.g, g, len);
    }
    for (unsigned i = 0; i < NWATCH; i++) {
        fg.alive[i] = chan_live(d, watched[i]);
        fg.auth0[i] = d->chan[watched[i]].auths_accepted;
        fg.ainc[i] = fg.alive[i] ? d->chsec[watched[i]].incarnation : 0;
        fg.actr0[i] = fg.alive[i] ? d->chsec[watched[i]].auth_counter : 0;
    }
}

static void watch_groups(struct gv_dev *d, unsigned chid, struct watch *w)
{
    uint64_t now = d->chan[chid].groups_accepted, delta;

    if (chid == FZB_SECURE_CHID) {
        w->honest += sealed_honest;
    }
    if (now < w->accepted) {
        oracle_fail(chid, "groups_accepted went back (%" PRIu64 " -> %"
                    PRIu64 ")", w->accepted, now);
    }
    delta = now - w->accepted;
    if (delta > w->honest) {
        oracle_fail(chid, "%" PRIu64 " group(s) run that its runtime did "
                    "not seal for this incarnation and counter (%" PRIu64
                    " honest pending): a replayed, forged or plaintext "
                    "group", delta, w->honest);
    }
    w->honest -= delta;
    w->accepted = now;
}

/* The runtime of @chid checks a measurement; @exact: the bytes measured
 * are still in place (the action was one command), so the digest is
 * checked too when the channel's VA 0 still maps its known page. */
static int check_measurement(struct gv_dev *d, unsigned chid,
                             const struct gv_measurement *m, bool exact)
{
    uint64_t page = chid == FZB_VICTIM_CHID ? fzb.page3 : fzb.page2;

    if (exact && m->size <= GV_BIG_PAGE_SIZE &&
        m->va <= GV_BIG_PAGE_SIZE - m->size && fzb_va0(d, chid) == page) {
        return gvrt_measurement_accept(rt_of(chid), chid, m, m->va,
                                       d->vram + page + m->va, m->size);
    }
    return gvrt_report_fresh(rt_of(chid), chid, m);
}

static void watch_report(struct gv_dev *d, bool exact)
{
    union {
        struct { uint32_t magic, chid; } h;
        struct gv_pte_summary s;
        struct gv_measurement m;
    } r;
    const uint8_t *g = fzb.td->guest + (RESULT_ADDR - TD_GUEST_BASE);
    struct watch *w;
    struct gvrt_secure *s;
    uint64_t counter;
    int rc;

    memcpy(&r, g, sizeof(r));
    if ((r.h.magic != GV_SUMMARY_MAGIC && r.h.magic != GV_MEASURE_MAGIC) ||
        (r.h.chid != FZB_SECURE_CHID && r.h.chid != FZB_VICTIM_CHID) ||
        !chan_live(d, r.h.chid)) {
        return;
    }
    w = &watch[r.h.chid == FZB_SECURE_CHID ? 0 : 1];
    s = rt_of(r.h.chid);
    counter = r.h.magic == GV_SUMMARY_MAGIC ? r.s.counter : r.m.counter;
    if (w->incarnation != d->chsec[r.h.chid].incarnation ||
        !s->chan_valid[r.h.chid] ||
        s->incarnation[r.h.chid] != w->incarnation) {
        return;     /* a channel the runtime holds no keys for */
    }
    if (counter < w->report_next) {
        oracle_fail(r.h.chid, "a report reuses counter %" PRIu64
                    " (next is %" PRIu64 ")", counter, w->report_next);
    }
    s->report_counter[r.h.chid] = counter;  /* a gap: hidden reports */
    rc = r.h.magic == GV_SUMMARY_MAGIC ?
         gvrt_summary_accept(s, &r.s, false) :
         check_measurement(d, r.h.chid, &r.m, exact);
    if (rc != 0) {
        oracle_fail(r.h.chid, "the runtime rejects the device's report "
                    "(counter %" PRIu64 "): %s", counter,
                    s->failed ? s->failed : "?");
    }
    w->report_next = counter + 1;
}

static void watch_before(void)
{
    static const uint8_t zero[sizeof(struct gv_measurement) + 64];

    fzb_guest_write(RESULT_ADDR, zero, sizeof(zero));
    sealed_honest = 0;
    batch_flushed = false;
    act_has_mac = false;
    fza_before();
}

static void watch_after(uint8_t action)
{
    struct gv_dev *d = dev();

    group_resolve();
    for (unsigned i = 0; i < NWATCH; i++) {
        unsigned chid = watched[i];

        if (!chan_live(d, chid) ||
            d->chsec[chid].incarnation != watch[i].incarnation) {
            watch_sync(d, chid, &watch[i]);     /* gone, reset or new */
            continue;
        }
        watch_groups(d, chid, &watch[i]);
        watch_auths(d, chid, &watch[i]);
    }
    watch_report(d, !batch_flushed && (action % A_COUNT == A_MGMT ||
                                       action % A_COUNT == A_ATTACK));
    fza_after();
}

/* A valid launch of the module at channel 1's VA 0 (fuzz_attack.c),
 * @out with room for 160 bytes. */
uint32_t fzc_launch_cmd(uint8_t *out)
{
    struct kt_launch l = { .module_size = module_len };
    uint64_t param = 2048;

    l.grid[0] = 2;
    l.block[0] = 32;
    l.params = &param;
    l.param_size = 8;
    return kt_launch_cmd(&l, out);
}

/* Between the steps of one attack (fuzz_attack.c): the oracles of an
 * action's end, then of the next one's start. */
void fzc_step(void)
{
    watch_after(A_MGMT);
    watch_before();
}

/* ---- the actions ---- */

static void act_launch(const uint8_t *p, size_t n)
{
    uint8_t img[2048], cmd[sizeof(struct gv_group_hdr) + 80 + 64];
    struct kt_launch l = { .module_size = module_len };
    uint64_t out = 2048;        /* the rest of the page */
    unsigned flips = p[1] & 7u;
    const uint8_t *q = p + 2 + 3 * flips;
    uint32_t len;

    if (module_len > sizeof(img) || n < 2 + 3 * flips + 12) {
        return;
    }
    memcpy(img, module, module_len);
    for (unsigned k = 0; k < flips; k++) {
        img[rd16(p + 2 + 3 * k) % module_len] ^= p[4 + 3 * k];
    }
    gv_debug_write(dev(), fzb.page1, img, module_len);
    /* shaped so that random scripts often pass validation (the raw
     * extremes are covered by the unit tests) */
    memcpy(&l.grid[0], q, 4);
    l.grid[0] = q[8] & 0x80 ? l.grid[0] : l.grid[0] % 64;
    l.block[0] = rd16(q + 4) % 1100;
    l.shared_dyn = rd16(q + 6) % 52000;
    l.func = q[8] % 2;
    l.flags = q[9] % 4;
    l.params = &out;
    l.param_size = rd16(q + 10) % 4 ? 8 : rd16(q + 10) % 8;
    len = kt_launch_cmd(&l, cmd);
    fzb_submit(FZB_NORMAL_CHID, cmd, len);
}

/* The runtime takes the device's command counter of channel 2 (after a
 * group ran, or a batch was rung). */
static void runtime_follows(void)
{
    struct gv_dev *d = dev();

    if (d->locked && d->chsec) {
        fzb.sec.cmd_counter[FZB_SECURE_CHID] =
            d->chsec[FZB_SECURE_CHID].cmd_counter;
    }
}

static void act_secure(const uint8_t *p)
{
    uint8_t cmds[256], g[sizeof(last_sealed)];
    uint8_t mode = p[1];
    struct gv_dev *d = dev();
    uint64_t ctr = fzb.sec.cmd_counter[FZB_SECURE_CHID];
    uint32_t len = mk_engine(p + 2, cmds), glen;
    uint8_t pos = p[2 + ENG_LEN], x = p[3 + ENG_LEN];
    bool honest;

    switch (mode % 8) {
    case 4: ctr -= 1; break;
    case 5: ctr += 1; break;
    case 6: ctr = 0; break;
    case 7: ctr += mode >> 3; break;
    default: break;
    }
    glen = gvrt_seal_group_at(&fzb.sec, FZB_SECURE_CHID, ctr, cmds, len, g);
    seal_note(FZB_SECURE_CHID, g, glen, ctr);
    /* in a batch the device is behind: the runtime's counter (synced
     * when the batch began) counts the honest groups queued */
    honest = d->locked && d->chsec &&
             ctr == (fzb_batching() ? fzb.sec.cmd_counter[FZB_SECURE_CHID]
                                    : d->chsec[FZB_SECURE_CHID].cmd_counter);
    if (x && (mode & 0x80)) {
        g[pos % glen] ^= x;
        honest = false;
    }
    sealed_honest += honest;
    memcpy(last_sealed, g, glen);
    last_sealed_len = glen;
    fzb_ring_group(FZB_SECURE_CHID, g, glen);
    if (fzb_batching()) {
        fzb.sec.cmd_counter[FZB_SECURE_CHID] += honest;
    } else {
        runtime_follows();
    }
}

/* Does action @op submit exactly one group (so that it can be one entry of
 * a ring batch)? */
static bool batchable(uint8_t op)
{
    switch (op % A_COUNT) {
    case A_GROUP: case A_CMDS: case A_LAUNCH: case A_MGMT: case A_SECURE:
    case A_ENGINE: case A_REPLAY:
        return true;
    default:
        return false;
    }
}

static void batch_flush(void)
{
    if (fzb_batching() && merged_len) {
        fzb_submit(TD_BOOT_CHID, merged, merged_len);
    }
    merging = false;
    merged_len = 0;
    fzb_vram_groups = false;
    if (fzb_batching()) {
        fza_batch_flush();
        batch_flushed = true;
        runtime_follows();
    }
    batch_left = 0;
}

/* A_BATCH: maybe a short ring filled up to its end first, then the
 * batch begins. */
static void act_batch(const uint8_t *p)
{
    static const unsigned chans[] = { TD_BOOT_CHID, FZB_NORMAL_CHID,
                                      FZB_SECURE_CHID, FZB_NORMAL_CHID };
    unsigned c = chans[p[2] >> 4 & 3u];
    uint32_t size = 4u << (p[2] & 1u);
    static const uint8_t none[8];
    uint8_t g[sizeof(struct gv_group_hdr) + GV_TAG_LEN];

    if (p[2] & 0x80) {
        gv_mmio_write(dev(), GV_REG_CHAN(c, GV_CHAN_RING_ENTRIES), size, 4);
        for (uint32_t k = 0; k < size - 1 - (p[2] >> 1 & 1u); k++) {
            if (c != FZB_SECURE_CHID) {
                fzb_submit(c, none, 0);
                continue;
            }
            uint32_t glen;

            runtime_follows();
            sealed_honest += dev()->locked && dev()->chsec;
            glen = gvrt_seal_group_at(&fzb.sec, c, fzb.sec.cmd_counter[c],
                                      none, 0, g);
            seal_note(c, g, glen, fzb.sec.cmd_counter[c]);
            fzb_ring_group(c, g, glen);
        }
        runtime_follows();
    }
    batch_left = 2 + p[1] % 7u;
    fza_batch_begin();
    fzb_vram_groups = p[2] & 0x40;
    merging = p[2] & 4;
    merged_len = 0;
}

/* Channel 2 destroyed with the runtime's MAC and created again at the
 * same pages, as a runtime would after losing it. */
static void act_recreate(void)
{
    struct gv_cmd_ch_destroy dc = { .hdr = { GV_OP_CH_DESTROY, sizeof(dc) },
                                     .chid = FZB_SECURE_CHID,
                                     .flags = GV_DESTROY_AUTH };
    struct gv_cmd_ch_create cc = { .hdr = { GV_OP_CH_CREATE, sizeof(cc) } };
    uint8_t ak_pub[GV_EC_PUB_LEN];
    struct gv_quote q;
    unsigned c = FZB_SECURE_CHID;
    uint64_t ring = dev()->chan[c].ring_base;
    uint32_t entries = dev()->chan[c].ring_entries;

    gvrt_mac_destroy(&fzb.sec, c, dc.mac);
    fzc_mac_made(&fzb.sec, c, dc.mac);
    fzb_submit(TD_BOOT_CHID, &dc, sizeof(dc));
    cc.chid = c;
    cc.flags = GV_CREATE_SECURE;
    cc.desc_addr = alloc_prot(GV_DESC_BYTES, GV_PAGE_SIZE);
    cc.pgd_addr = alloc_prot(GV_PGD_BYTES, GV_PAGE_SIZE);
    memcpy(cc.uk_pub, fzb.sec.uk_pub, sizeof(cc.uk_pub));
    cc.result_addr = FZB_GROUP_ADDR + 0x3000;
    fzb_submit(TD_BOOT_CHID, &cc, sizeof(cc));
    memcpy(&q, fzb.td->guest + (cc.result_addr - TD_GUEST_BASE), sizeof(q));
    td_read_bytes(dev(), GV_REG_AK_PUB, ak_pub, sizeof(ak_pub));
    if (gvrt_quote_accept(&fzb.sec, &q, ak_pub, cc.nonce) != 0 || !ring) {
        return;
    }
    gv_mmio_write(dev(), GV_REG_CHAN(c, GV_CHAN_RING_LO), (uint32_t)ring, 4);
    gv_mmio_write(dev(), GV_REG_CHAN(c, GV_CHAN_RING_HI), ring >> 32, 4);
    gv_mmio_write(dev(), GV_REG_CHAN(c, GV_CHAN_RING_ENTRIES), entries, 4);
    gv_mmio_write(dev(), GV_REG_CHAN(c, GV_CHAN_HOSTWIN_LO),
                  (uint32_t)fzb.host2, 4);
    gv_mmio_write(dev(), GV_REG_CHAN(c, GV_CHAN_HOSTWIN_SIZE),
                  FZB_HOSTWIN_SIZE, 4);
}

/* Gather @cmd into the batch's management group, if it gathers them. */
static bool merge(const void *cmd, uint32_t len)
{
    if (!merging || !fzb_batching() || len > sizeof(merged) - merged_len) {
        return false;
    }
    memcpy(merged + merged_len, cmd, len);
    merged_len += len;
    return true;
}

static void act_run(const uint8_t *p, size_t n)
{
    uint8_t buf[GROUP_MAX + 64];
    uint32_t len;

    switch (p[0] % A_COUNT) {
    case A_MMIO_W:
        gv_mmio_write(dev(), rd16(p + 1) & ~3u,
                      (uint32_t)(p[3] | p[4] << 8 | p[5] << 16 |
                                 (uint32_t)p[6] << 24), 4);
        break;
    case A_MMIO_R:
        gv_mmio_read(dev(), rd16(p + 1) & ~3u, 4);
        break;
    case A_GROUP:
        if (n >= 4) {
            fzb_ring_group(p[1] % GV_MAX_CHANNELS, p + 4,
                           (uint32_t)(n - 4));
        }
        break;
    case A_APER: {
        uint32_t off;

        memcpy(&off, p + 1, 4);
        gv_aperture_write(dev(), off % (32u << 20), rd64(p + 5), 8);
        if (fzb_secret_word(gv_aperture_read(dev(), off % (32u << 20), 8))) {
            fprintf(stderr, "fuzz: the victim's secret read through the "
                    "aperture at 0x%x\n", off % (32u << 20));
            abort();
        }
        break;
    }
    case A_CMDS:
        if (n >= 3) {
            fza_submit(TD_BOOT_CHID, p + 3, (uint32_t)(n - 3), false);
        }
        break;
    case A_LAUNCH:
        act_launch(p, n);
        break;
    case A_MGMT:
        len = mk_mgmt(p + 1, buf);
        if (act_has_mac && len <= sizeof(last_auth)) {
            memcpy(last_auth, buf, len);
            memcpy(last_auth_mac, act_mac, GV_TAG_LEN);
            last_auth_len = len;
        }
        if (merge(buf, len)) {
            break;
        }
        /* a MAC is the runtime's only if it made one, for its channels */
        fza_submit(TD_BOOT_CHID, buf, len,
                   !act_has_mac || (p[2] % 4 != FZB_SECURE_CHID &&
                                    p[2] % 4 != FZB_STREAM_CHID) ||
                   p[2] >= 0xf0);
        break;
    case A_SECURE:
        act_secure(p);
        break;
    case A_ENGINE:      /* plaintext: on a secure channel, refused */
        len = mk_engine(p + 1, buf);
        fza_submit((p[1] >> 2 & 3u) < 2 ? FZB_NORMAL_CHID :
                   FZB_NORMAL_CHID + (p[1] >> 2 & 3u) - 1, buf, len, false);
        break;
    case A_RESET:
        gv_mmio_write(dev(), GV_REG_RESET, GV_RESET_MAGIC, 4);
        break;
    case A_RECREATE:
        act_recreate();
        break;
    case A_ATTACK:
        fza_run(p + 1);
        break;
    case A_BATCH:
        act_batch(p);
        break;
    default:
        if ((p[1] & 0x80) && last_auth_len) {   /* an authorisation again */
            act_has_mac = true;
            memcpy(act_mac, last_auth_mac, GV_TAG_LEN);
            if (!merge(last_auth, last_auth_len)) {
                fzb_submit(TD_BOOT_CHID, last_auth, last_auth_len);
            }
        } else if (last_sealed_len) {
            fzb_ring_group(p[1] & 1u ? p[1] % 4 : FZB_SECURE_CHID,
                           last_sealed, last_sealed_len);
        }
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n;

    fz_set_name("fuzz-cp");
    if (!module) {
        module = ka_store_gid(&module_len);    /* what launches run */
    }
    fzb_begin();
    fzb_group_fetch_hook = group_fetched;
    fg.on = false;
    nsealed = 0;
    seal_lost = false;
    nmade = 0;
    mac_lost = false;
    last_sealed_len = 0;
    last_auth_len = 0;
    gv_debug_write(dev(), fzb.page1, module, module_len);
    gv_debug_write(dev(), fzb.page2, module, module_len);
    for (unsigned i = 0; i < NWATCH; i++) {
        watch_sync(dev(), watched[i], &watch[i]);
    }
    fza_input_begin();
    batch_left = 0;
    merging = false;
    merged_len = 0;
    while ((n = act_len(data, size)) != 0) {
        /* a batch ends before an action that is not one of its own, and
         * is judged on its own: the reports it wrote belong to the
         * incarnations it ran in (the action may re-create channel 2) */
        if (!batchable(data[0]) && fzb_batching()) {
            watch_before();
            batch_flush();
            watch_after(A_BATCH);
        }
        if (!batchable(data[0])) {
            batch_left = 0;
        }
        watch_before();
        act_run(data, n);
        if (batchable(data[0]) && batch_left && --batch_left == 0) {
            batch_flush();
        }
        watch_after(data[0]);
        data += n;
        size -= n;
    }
    if (fzb_batching()) {
        watch_before();
        batch_flush();
        watch_after(A_BATCH);
    }
    fzb_end();
    return 0;
}

#ifdef GV_LIBFUZZER
/* ---- the structure-aware mutator ---- */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
                               unsigned int seed);

/* A register worth writing: the channel registers of channels 0..3 and
 * the global ones a driver touches. */
static uint16_t pick_reg(uint32_t r)
{
    static const uint16_t glob[] = {
        GV_REG_SCRATCH, GV_REG_INTR_ACK, GV_REG_INTR_MASK, GV_REG_INTR_RAISE,
        GV_REG_ERROR_ACK, GV_REG_UNPROT_SIZE_LO, GV_REG_PROT_SIZE_LO,
        GV_REG_REGION_LOCK, GV_REG_DBG_RULE_SEL, GV_REG_DBG_CTRL,
    };

    if (r & 1u) {
        return glob[(r >> 1) % (sizeof(glob) / sizeof(glob[0]))];
    }
    return (uint16_t)GV_REG_CHAN((r >> 1) % 4, ((r >> 4) % 14) * 4);
}

/* A new action at @out (room for @room bytes); its length or 0. */
static size_t gen_action(uint8_t *out, size_t room, uint32_t *s)
{
    static const uint8_t ops[] = {
        A_MGMT, A_MGMT, A_MGMT, A_SECURE, A_SECURE, A_SECURE, A_ENGINE,
        A_ENGINE, A_LAUNCH, A_MMIO_W, A_RESET, A_RECREATE, A_REPLAY,
        A_ATTACK, A_ATTACK, A_ATTACK,
    };
    uint8_t tmp[64];
    size_t n;

    tmp[0] = ops[fz_rnd(s) % sizeof(ops)];
    for (size_t k = 1; k < sizeof(tmp); k++) {
        tmp[k] = (uint8_t)fz_rnd(s);
    }
    if (tmp[0] == A_MMIO_W) {
        uint16_t reg = pick_reg(fz_rnd(s));

        memcpy(tmp + 1, &reg, 2);
        if (fz_rnd(s) % 2) {
            memset(tmp + 3, 0, 4);
        }
    } else if (tmp[0] == A_SECURE) {
        tmp[1] &= fz_rnd(s) % 2 ? 0x03 : 0xff;     /* mostly the right one */
    } else if (tmp[0] == A_LAUNCH) {
        tmp[1] &= 0xf8 | (fz_rnd(s) % 2);
    }
    n = act_len(tmp, sizeof(tmp));
    if (n == 0 || n > room) {
        return 0;
    }
    memcpy(out, tmp, n);
    return n;
}

/* Does action @p carry a runtime's MAC (an authorised unmap or destroy:
 * mk_pte with a[2] bit 2, mk_mgmt's destroy with a[2] bit 1)? */
static bool act_authorised(const uint8_t *p)
{
    return p[0] % A_COUNT == A_MGMT &&
           ((p[1] % 5 == 2 && (p[3] & 4u)) || (p[1] % 5 == 3 && (p[3] & 2u)));
}

/* A batch before action @at of @nact: its count the run of actions from
 * there that submit one group each (2 to 8 of them), a wrap a quarter of
 * the time; its length, 0 if fewer than two follow or no room. */
static size_t batch_insert(uint8_t *data, size_t size, size_t max,
                           const size_t *off, size_t nact, size_t at,
                           uint32_t *s)
{
    size_t run = 0;

    while (at + run < nact && run < FZB_BATCH_MAX &&
           batchable(data[off[at + run]])) {
        run++;
    }
    if (run < 2 || size + 3 > max) {
        return 0;
    }
    run = 2 + fz_rnd(s) % (run - 1);
    memmove(data + off[at] + 3, data + off[at], size - off[at]);
    data[off[at]] = A_BATCH;
    data[off[at] + 1] = (uint8_t)(run - 2);
    data[off[at] + 2] = (uint8_t)(fz_rnd(s) % 4 ? 0 : 0x80 | fz_rnd(s));
    return 3;
}

/* Where to insert a replay: half the time after the action that follows
 * an authorised one (the attacker replays a recorded authorisation once
 * the state has moved on: *@auth), else after any action. */
static size_t replay_point(const uint8_t *data, const size_t *off,
                           size_t nact, uint32_t *s, bool *auth)
{
    size_t found[256], n = 0, k;

    for (size_t i = 0; i < nact; i++) {
        if (act_authorised(data + off[i])) {
            found[n++] = i;
        }
    }
    *auth = n && fz_rnd(s) % 2;
    if (*auth) {
        k = found[fz_rnd(s) % n] + 2;
        return off[k > nact ? nact : k];
    }
    return off[fz_rnd(s) % nact + 1];
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
                               unsigned int seed)
{
    size_t off[256 + 1], nact = 0, pos = 0, n, at, len;
    uint32_t s = seed | 1u;

    while (nact < 256 && (n = act_len(data + pos, size - pos)) != 0) {
        off[nact++] = pos;
        pos += n;
    }
    size = pos;                     /* drop a truncated tail */
    off[nact] = pos;
    switch (fz_rnd(&s) % 9) {
    case 0: case 1: case 2:         /* insert a new action */
        at = nact ? off[fz_rnd(&s) % (nact + 1)] : 0;
        if (size + 64 > max) {
            break;
        }
        memmove(data + at + 64, data + at, size - at);
        n = gen_action(data + at, 64, &s);
        memmove(data + at + n, data + at + 64, size - at);
        return size + n;
    case 3:                         /* delete one */
        if (nact) {
            at = fz_rnd(&s) % nact;
            len = off[at + 1] - off[at];
            memmove(data + off[at], data + off[at + 1], size - off[at + 1]);
            return size - len;
        }
        break;
    case 4:                         /* duplicate one at the end */
        if (nact) {
            at = fz_rnd(&s) % nact;
            len = off[at + 1] - off[at];
            if (size + len <= max) {
                memmove(data + size, data + off[at], len);
                return size + len;
            }
        }
        break;
    case 5:                         /* mutate one's fields */
        if (nact) {
            at = fz_rnd(&s) % nact;
            len = off[at + 1] - off[at];
            if (len > 1 && data[off[at]] % A_COUNT != A_GROUP &&
                data[off[at]] % A_COUNT != A_CMDS) {
                LLVMFuzzerMutate(data + off[at] + 1, len - 1, len - 1);
                return size;
            }
        }
        break;
    case 6:                         /* a replay after one of them */
        if (nact && size + 2 <= max) {
            bool auth;

            at = replay_point(data, off, nact, &s, &auth);
            memmove(data + at + 2, data + at, size - at);
            data[at] = A_REPLAY;
            data[at + 1] = (uint8_t)(auth ? 0x80 : fz_rnd(&s) & 0x81);
            return size + 2;
        }
        break;
    case 7:                         /* split a run into one ring batch */
        if (nact >= 2) {
            n = batch_insert(data, size, max, off, nact,
                             fz_rnd(&s) % nact, &s);
            if (n) {
                return size + n;
            }
        }
        break;
    default:
        break;
    }
    return LLVMFuzzerMutate(data, size, max);
}
#else
int main(int argc, char **argv)
{
    fz_set_name("fuzz-cp");
    return fz_replay_main(argc, argv, 4096);
}
#endif
