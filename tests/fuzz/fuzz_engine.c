/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harness for the engines, on the bench's secure channel 2 (a 128 KiB
 * page at VA 0, a host window) with sealed groups (fuzz_bench.c):
 *
 *  mode 0 (first byte even): a module and a launch.  u8 grid (1..4),
 *    u8 block (1..128), u16 dynamic shared, u8 function, u8 flags, u8
 *    parameter bytes, u8 reserved, then the GVX image (at most 64 KiB; a
 *    seed is a valid module, see --seeds).  The image goes through the
 *    ISA checker (gv_isa_check) and the device's validator
 *    (gv_compute_check_module, 8-byte aligned as the device's own copy:
 *    it reads the sections in place), then to VA 0 and a LAUNCH whose
 *    parameters point at VA 64 KiB; the SIMT engine runs it under the
 *    bench's 20 ms watchdog.
 *  mode 1: copies.  A SET_COPY_KEY, then 24-byte records: u8 flags
 *    (GV_COPY_*; bit 4: the source is sealed for the destination with
 *    the channel's real copy key first, so decryption succeeds; bit 5:
 *    on the normal channel 1, plaintext), u16 source, u16 destination
 *    (VA or host-window offsets), u16 size, 12 bytes of IV, u8 xor, u8
 *    position (a flip of the prepared ciphertext), u8 wrap (bit 0: the
 *    source offset negated, near 2^64; bit 1: the destination's), 1 byte
 *    reserved.  Every DMA must stay in the rings, the group area and the
 *    host windows (fzb_dma_confined).  A refused copy's error is cleared,
 *    so the next one runs.
 *  mode 2 (first byte even, bit 7 set): a bounds probe (below).
 *  mode 3 (first byte's low nibble 1): decrypting copies checked against
 *    the design's crypto mode (below); with bit 4, a new copy key before
 *    each record but the first.
 *  mode 4 (first byte's low nibble 9): page-table entries corrupted
 *    through a back door, accesses through them checked against the PMM
 *    (below).
 *  mode 5 (first byte's low nibble 13): a module that loops, the
 *    watchdog and another context's launch (below).
 *  mode 6 (first byte's low nibble 7 and bit 6 set: 0x47, 0x57, 0x67,
 *    0x77, 0xc7 ...): a generated module (tests/guest/fuzz/gvf_modgen.c)
 *    and a differential oracle: the bench's launch, then the same on
 *    devices with 1 and 3 SMs (fuzz_gen.c has the bytes and the oracle).
 *  Modes 1 and 3 share the copy key; mode 1 takes the other odd bytes
 *  (before mode 6, also those of mode 6; no committed input starts so).
 *
 * gv_dev_check() after every input; replay with --seeds DIR writes the
 * seed inputs (the test kernels' modules) into DIR.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "graviton/gv_rules.h"
#include "gv_crypto.h"
#include "gv_internal.h"
#include "gv_ktest.h"
#include "gv_ptx.h"
#include "gv_simt.h"

#define PARAM_VA (64u << 10)
#define MODULE_MAX (64u << 10)
static const uint8_t copy_key_cmd[32] = { 0x11, 0x22, 0x33, 0x44 };

static void submit_secure(const void *cmds, uint32_t len)
{
    uint8_t g[sizeof(struct gv_group_hdr) + 512];

    if (len > sizeof(g) - 64) {
        return;
    }
    len = gvrt_seal_group(&fzb.sec, FZB_SECURE_CHID, cmds, len, g);
    fzb_ring_group(FZB_SECURE_CHID, g, len);
}

/* A work channel stops at a failed group until the driver clears the
 * error (CLEAR_ERR): clear it, so the input's next command runs. */
static void clear_error(unsigned chid)
{
    struct gv_dev *d = fzb.td->dev;

    if (d->chan[chid].stopped) {
        gv_mmio_write(d, GV_REG_CHAN(chid, GV_CHAN_CTRL),
                      GV_CHAN_CTRL_CLEAR_ERR, 4);
    }
}

static void run_launch(const uint8_t *p, size_t n)
{
    uint8_t cmd[512];
    char why[128];
    uint64_t params[2] = { PARAM_VA, PARAM_VA + 4096 };
    struct kt_launch l = { 0 };
    static uint64_t aligned[MODULE_MAX / 8];    /* as the device's copy */
    const uint8_t *img = (const uint8_t *)aligned;
    size_t len = n - 8;

    if (n < 8 || len > MODULE_MAX) {
        return;
    }
    memcpy(aligned, p + 8, len);
    gv_isa_check(img, len, why, sizeof(why));
    gv_compute_check_module(img, (uint32_t)len, why, sizeof(why));
    gv_debug_write(fzb.td->dev, fzb.page2, img, len);
    l.module_size = (uint32_t)len;
    l.grid[0] = 1 + p[0] % 4;
    l.block[0] = 1 + p[1] % 128;
    l.shared_dyn = (uint32_t)(p[2] | p[3] << 8) % 16384;
    l.func = p[4] % 4;
    l.flags = p[5] & GV_LAUNCH_IRQ;
    l.params = params;
    l.param_size = p[6] % 17;
    submit_secure(cmd, kt_launch_cmd(&l, cmd));
}

static void run_copy(const uint8_t *r, const uint8_t kcopy[32])
{
    struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) } };
    bool normal = r[0] & 0x20;

    c.flags = r[0] & 0x0f;
    c.src = (uint64_t)(r[1] | r[2] << 8) * (c.flags & 1u ? 1 : 2);
    c.dst = (uint64_t)(r[3] | r[4] << 8) * (c.flags & 2u ? 1 : 2);
    if (r[21] & 1u) {           /* offsets that wrap around 2^64 */
        c.src = -c.src;
    }
    if (r[21] & 2u) {
        c.dst = -c.dst;
    }
    c.size = (uint64_t)(r[5] | r[6] << 8) % 8192;
    memcpy(c.iv, r + 7, 12);
    if ((r[0] & 0x10) && (c.flags & GV_COPY_SRC_HOST) &&
        c.src + c.size + 16 <= FZB_HOSTWIN_SIZE) {
        static uint8_t pt[8192], ct[8192 + 16];

        memset(pt, r[19], c.size);
        gvc_gcm_seal(kcopy, c.iv, &c.dst, sizeof(c.dst), pt, c.size, ct,
                     ct + c.size);
        ct[r[20] % (c.size + 16)] ^= r[19] & (r[0] & 0x40 ? 0xff : 0);
        fzb_guest_write(fzb.host2 + c.src, ct, c.size + 16);
    }
    if (normal) {
        fzb_submit(FZB_NORMAL_CHID, &c, sizeof(c));
    } else {
        submit_secure(&c, sizeof(c));
    }
    clear_error(normal ? FZB_NORMAL_CHID : FZB_SECURE_CHID);
}

/* ---- mode 2: the bounds probes ----
 *
 * One load or store of 1, 4 or 8 bytes in shared, local or parameter
 * memory at an offset from the input (raw, about the end of the space,
 * or an edge value such as 2^64 - 8), by a hand-assembled kernel:
 *   ld.param r0 = offset; ld.param r1 = VA of a result;
 *   load:  ld.<space> r2 = [r0]; st.global [r1] = r2
 *   store: st.<space> [r0] = r1
 * The harness knows each space's size, so it knows the outcome: an
 * aligned access inside must not fault; one outside, or misaligned, must
 * fault with that space's rule (compute.shared_range, .local_range,
 * .param) or compute.misaligned.  Anything else is a finding: a bounds
 * check that wraps around 2^64 (leak 3 of the security issue) lets the
 * access through, and the load reads the host's heap. */
#define PROBE_STATIC 16u        /* the probe kernel's shared and local */
#define PROBE_PARAMS 16u

static uint8_t *probe_kernel(unsigned space, unsigned type, bool load,
                             uint32_t *len)
{
    struct ka a;
    uint32_t p0, p1;

    ka_init(&a, 4);
    a.shared_size = PROBE_STATIC;
    a.local_size = PROBE_STATIC;
    p0 = ka_param64(&a);
    p1 = ka_param64(&a);
    ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 0, ka_k(&a, p0), 0, 0, 0);
    ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 1, ka_k(&a, p1), 0, 0, 0);
    if (load) {
        ka_op(&a, GV_I_LD, type, space, 2, 0, 0, 0, 0);
        ka_op(&a, GV_I_ST, GV_T_U64, GV_SPACE_GLOBAL, 0, 1, 2, 0, 0);
    } else {
        ka_op(&a, GV_I_ST, type, space, 0, 0, 1, 0, 0);
    }
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    return ka_build(&a, len);
}

static uint64_t probe_offset(const uint8_t *p, uint64_t total, unsigned w)
{
    static const uint64_t edge[] = {
        ~0ull - 7, ~0ull - 3, ~0ull, ~0ull - 15, 1ull << 63,
        (1ull << 63) - 8, 1ull << 32, (1ull << 32) - 8, 0xfff8,
    };
    uint64_t raw;

    memcpy(&raw, p + 1, 8);
    switch (p[0] % 4) {
    case 0: return raw;
    case 1: return total - w * (p[0] >> 2 & 7u) + (p[0] >> 5 & 3u);
    case 2: return edge[(p[0] >> 2) % (sizeof(edge) / sizeof(edge[0]))];
    default: return (uint64_t)w * (p[0] >> 2);
    }
}

static void run_probe(const uint8_t *p, size_t n)
{
    static const unsigned types[3] = { GV_T_U8, GV_T_U32, GV_T_U64 };
    static const unsigned widths[3] = { 1, 4, 8 };
    static const unsigned spaces[3] = { GV_SPACE_SHARED, GV_SPACE_LOCAL,
                                        GV_SPACE_PARAM };
    static const unsigned rules[3] = { GV_RULE_COMPUTE_SHARED_RANGE,
                                       GV_RULE_COMPUTE_LOCAL_RANGE,
                                       GV_RULE_COMPUTE_PARAM };
    static const char *const names[3] = { "shared", "local", "parameter" };
    struct gv_dev *d = fzb.td->dev;
    uint8_t cmd[512], *img;
    uint64_t params[2], total, hits[GV_RULE__COUNT], faults = 0;
    unsigned s, t, rule;
    struct kt_launch l = { 0 };
    bool inside, load;
    uint32_t len;

    if (n < 13) {
        return;
    }
    s = p[0] % 3;
    t = p[1] % 3;
    load = p[1] & 0x80;
    l.shared_dyn = (uint32_t)(p[2] | p[3] << 8) % 4096;
    total = s == 0 ? PROBE_STATIC + l.shared_dyn : s == 1 ? PROBE_STATIC
                                                          : PROBE_PARAMS;
    params[0] = probe_offset(p + 4, total, widths[t]);
    params[1] = PARAM_VA + 4096;
    inside = params[0] % widths[t] == 0 && total >= widths[t] &&
             params[0] <= total - widths[t];
    img = probe_kernel(spaces[s], types[t], load || s == 2, &len);
    gv_debug_write(d, fzb.page2, img, len);
    free(img);
    l.module_size = len;
    l.grid[0] = 1 + p[12] % 2;
    l.block[0] = 1 + (p[12] >> 1) % 64;
    l.params = params;
    l.param_size = PROBE_PARAMS;
    memcpy(hits, d->rule_hits, sizeof(hits));
    submit_secure(cmd, kt_launch_cmd(&l, cmd));
    for (rule = GV_RULE_COMPUTE_MISALIGNED; rule < GV_RULE__COUNT; rule++) {
        faults += d->rule_hits[rule] - hits[rule];
    }
    if (inside && faults) {
        fprintf(stderr, "fuzz: an aligned %u-byte %s access at offset %"
                PRIu64 " of %" PRIu64 " bytes faulted\n", widths[t],
                names[s], params[0], total);
        abort();
    }
    if (!inside && d->rule_hits[rules[s]] == hits[rules[s]] &&
        d->rule_hits[GV_RULE_COMPUTE_MISALIGNED] ==
        hits[GV_RULE_COMPUTE_MISALIGNED]) {
        fprintf(stderr, "fuzz: a %u-byte %s %s at offset 0x%" PRIx64
                " of %" PRIu64 " bytes did not fault there\n", widths[t],
                names[s], load || s == 2 ? "load" : "store", params[0],
                total);
        abort();
    }
}

/* ---- mode 3: decrypting copies against the design ----
 *
 * docs/commands.md, "Crypto mode": a decrypting copy's destination must
 * be the context's own protected memory, each physical page once, else
 * copy.decrypt_dst refuses it before anything moves; a destination above
 * its source that overlaps it is refused (copy.crypto_overlap); the bytes
 * decrypted are the bytes authenticated, each read from the source once;
 * a bad tag (or a source read failing half-way) zeroes the destination.
 * For this the bench gives channel 2 small pages at W_VA (fuzz_engine's
 * build hook): protected pages, two unprotected ones and one protected
 * page mapped at two VAs.  The harness seals every source itself (it
 * knows the plaintext), optionally changes a byte, seals it for another
 * destination, or answers a second read of the host window with other
 * bytes (the double fetch of a malicious host), and checks each copy:
 *
 *  - a destination that is the host window, unprotected or maps one
 *    page twice: refused by copy.decrypt_dst (or copy.crypto_overlap),
 *    the destination unchanged;
 *  - a device-to-device copy whose destination overlaps its source from
 *    above: refused by copy.crypto_overlap, the destination unchanged;
 *  - an accepted copy: its ciphertext and tag were the harness's own,
 *    sealed for this destination, and the destination holds exactly the
 *    plaintext, whatever a second read of the source returned;
 *  - a refused one: copy.data_auth, the destination all zero (no
 *    ciphertext, no plaintext); copy.host_read, zero or unchanged; and
 *    an honest copy from the host window is never refused.
 *
 * Records of 16 bytes: u8 how (bits 0-1 destination: the big page at VA
 * 0, the small pages, the host window, the source's own space and
 * address moved by the signed byte dst[0]; bits 2-3 source: the host
 * window, the window with a double fetch, the big page, the small pages;
 * bit 4 sealed for another destination; bit 5 one byte changed; bit 6
 * the destination filled with a pattern first; bit 7 at most 64 bytes),
 * u16 destination, u16 source, u16 size, u8 plaintext seed, u8 second
 * read's XOR, 4 bytes of IV, u8 XOR and u16 position of the change. */
#define W_VA (1ull << GV_PDE_SHIFT)     /* channel 2's small pages */
#define W_PAGES 9u
#define W_SIZE (W_PAGES * 4096ull)
#define W_UNPROT 4u                     /* unprotected: 4 and 8 */
#define W_UNPROT2 8u
#define W_ALIAS 5u                      /* 5 and 6: one protected page */
#define CC_MAX 12288u
static uint64_t w_pa[W_PAGES], w_table;

static void build_small_pages(struct td *td)
{
    uint64_t pte;

    w_table = td_table(td, FZB_SECURE_CHID, 1, false);
    for (unsigned i = 0; i < W_PAGES; i++) {
        if (i == W_UNPROT || i == W_UNPROT2) {
            w_pa[i] = td_alloc_unprot(td, 4096, 4096);
        } else if (i == W_ALIAS + 1) {
            w_pa[i] = w_pa[W_ALIAS];
        } else {
            w_pa[i] = td_alloc_prot(td, 4096, 4096);
        }
        pte = w_pa[i] | GV_PTE_VALID;
        if (td_pte(td, FZB_SECURE_CHID, 1, i, 1, &pte, false, NULL, NULL)) {
            abort();
        }
    }
}

/* Channel 2's VA @va as the harness mapped it (mode 3 changes no
 * mapping): its physical address, or UINT64_MAX. */
static uint64_t map2(uint64_t va)
{
    if (va < GV_BIG_PAGE_SIZE) {
        return fzb.page2 + va;
    }
    if (va >= W_VA && va - W_VA < W_SIZE) {
        return w_pa[(va - W_VA) / 4096] + va % 4096;
    }
    return UINT64_MAX;
}

/* One side of a copy: an offset into channel 2's host window, or a VA. */
struct side {
    bool host;
    uint64_t addr;
};

/* @n bytes of side @s read or written as the harness sees them (guest
 * memory, or device memory through map2); false if not all of it is in
 * the window or mapped. */
static bool side_io(const struct side *s, uint8_t *buf, uint64_t n,
                    bool write)
{
    struct gv_dev *d = fzb.td->dev;

    if (s->host) {
        if (s->addr > FZB_HOSTWIN_SIZE || n > FZB_HOSTWIN_SIZE - s->addr) {
            return false;
        }
        if (write) {
            fzb_guest_write(fzb.host2 + s->addr, buf, n);
        } else {
            memcpy(buf, fzb.td->guest + (fzb.host2 - TD_GUEST_BASE) +
                   s->addr, n);
        }
        return true;
    }
    for (uint64_t done = 0, m; done < n; done += m) {
        uint64_t va = s->addr + done, pa = map2(va);

        m = 4096 - va % 4096 < n - done ? 4096 - va % 4096 : n - done;
        if (pa == UINT64_MAX) {
            return false;
        }
        if (write) {
            gv_debug_write(d, pa, buf + done, m);
        } else {
            gv_debug_read(d, pa, buf + done, m);
        }
    }
    return true;
}

/* Which design rule forbids decrypting into @s (@n bytes): NULL if none. */
static const char *dst_forbidden(const struct side *s, uint64_t n)
{
    uint64_t first, last;

    if (s->host) {
        return "the host window";
    }
    if (s->addr < W_VA) {
        return NULL;
    }
    first = (s->addr - W_VA) / 4096;
    last = (s->addr - W_VA + n - 1) / 4096;
    for (uint64_t i = first; i <= last; i++) {
        if (i == W_UNPROT || i == W_UNPROT2) {
            return "unprotected memory";
        }
    }
    return first <= W_ALIAS && last >= W_ALIAS + 1
           ? "one physical page mapped at two VAs" : NULL;
}

/* The double fetch: the first read of each byte of channel 2's window
 * returns it, every later read that byte XOR dfx. */
static uint8_t df_reads[FZB_HOSTWIN_SIZE], dfx;

static void double_fetch(uint64_t addr, void *buf, uint64_t len)
{
    uint8_t *b = buf;

    for (uint64_t i = 0; i < len; i++) {
        uint64_t a = addr + i - fzb.host2;

        if (addr + i >= fzb.host2 && a < FZB_HOSTWIN_SIZE &&
            df_reads[a]++) {
            b[i] ^= dfx;
        }
    }
}

static bool all_zero(const uint8_t *p, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

static void cc_fail(const struct gv_cmd_copy *c, const char *what,
                    const char *rule)
{
    fprintf(stderr, "fuzz: crypto copy: a decrypting copy of %" PRIu64
            " bytes from %s 0x%" PRIx64 " to %s 0x%" PRIx64 " %s (fired: "
            "%s; docs/commands.md, crypto mode)\n", c->size,
            c->flags & GV_COPY_SRC_HOST ? "window" : "VA", c->src,
            c->flags & GV_COPY_DST_HOST ? "window" : "VA", c->dst, what,
            rule);
    abort();
}

/* The copy's source and destination from record @r. */
static void cc_sides(const uint8_t *r, struct side *src, struct side *dst)
{
    uint64_t d = r[1] | r[2] << 8, s = r[3] | r[4] << 8;

    src->host = (r[0] >> 2 & 3u) < 2;
    src->addr = src->host ? s % FZB_HOSTWIN_SIZE
                : (r[0] >> 2 & 3u) == 2 ? s % GV_BIG_PAGE_SIZE
                                        : W_VA + s % W_SIZE;
    switch (r[0] & 3u) {
    case 0:
        *dst = (struct side){ false, d % GV_BIG_PAGE_SIZE };
        break;
    case 1:
        *dst = (struct side){ false, W_VA + d % W_SIZE };
        break;
    case 2:
        *dst = (struct side){ true, d % FZB_HOSTWIN_SIZE };
        break;
    default:
        *dst = (struct side){ src->host, src->addr + (int8_t)r[1] };
    }
}

/* The rules fired since @before, the first's name in @name; the count. */
static unsigned fired(const uint64_t *before, const char **name,
                      unsigned *first)
{
    struct gv_dev *d = fzb.td->dev;
    unsigned n = 0;

    *name = "none";
    *first = 0;
    for (unsigned k = 1; k < GV_RULE__COUNT; k++) {
        if (d->rule_hits[k] != before[k] && !n++) {
            *name = gv_rule_name(k);
            *first = k;
        }
    }
    return n;
}

/* What the design says of copy @c after it ran (see above). */
static void cc_check(const struct gv_cmd_copy *c, const struct side *src,
                     const struct side *dst, bool framed, bool honest,
                     const uint8_t *pt, const uint8_t *before,
                     const uint64_t *hits)
{
    static uint8_t now[CC_MAX];
    char why[96];
    const char *forbid = dst_forbidden(dst, c->size), *rule;
    unsigned first, n = fired(hits, &rule, &first);
    bool overlap = src->host == dst->host && c->dst > c->src &&
                   c->dst - c->src < c->size + GV_TAG_LEN;

    if (!framed) {
        if (!n) {
            cc_fail(c, "outside the channel's window or mappings was "
                    "accepted", rule);
        }
        return;
    }
    side_io(dst, now, c->size, false);
    if (forbid || overlap) {
        if (forbid && first != GV_RULE_COPY_DECRYPT_DST &&
            first != GV_RULE_COPY_CRYPTO_OVERLAP) {
            snprintf(why, sizeof(why), "into %s was not refused by "
                     "copy.decrypt_dst", forbid);
            cc_fail(c, why, rule);
        }
        if (!forbid && first != GV_RULE_COPY_CRYPTO_OVERLAP) {
            cc_fail(c, "overlapping its source from above was not refused "
                    "by copy.crypto_overlap", rule);
        }
        if (memcmp(now, before, c->size) != 0) {
            cc_fail(c, "was refused but changed its destination", rule);
        }
        return;
    }
    if (!n) {
        if (!honest) {
            cc_fail(c, "was accepted though its tag does not authenticate "
                    "what the harness sealed for it", rule);
        }
        if (memcmp(now, pt, c->size) != 0) {
            cc_fail(c, "was accepted but its destination is not the "
                    "plaintext the tag authenticated", rule);
        }
        return;
    }
    if (first == GV_RULE_COPY_DATA_AUTH ||
        first == GV_RULE_COPY_HOST_READ) {
        if (!all_zero(now, c->size) &&
            (first == GV_RULE_COPY_DATA_AUTH ||
             memcmp(now, before, c->size) != 0)) {
            cc_fail(c, "was refused and left bytes (ciphertext or "
                    "plaintext) in its destination, not zeros", rule);
        }
    } else {
        cc_fail(c, "was refused by a rule that does not apply", rule);
    }
    if (honest && src->host) {
        cc_fail(c, "was honest, from the host window, and refused", rule);
    }
}

static void run_crypto_copy(const uint8_t *r, const uint8_t kcopy[32])
{
    static uint8_t pt[CC_MAX], ct[CC_MAX + GV_TAG_LEN], before[CC_MAX];
    struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) } };
    struct gv_dev *d = fzb.td->dev;
    struct side src, dst;
    uint64_t hits[GV_RULE__COUNT], aad, groups, pos;
    bool framed, honest;

    cc_sides(r, &src, &dst);
    c.flags = GV_COPY_DECRYPT | (src.host ? GV_COPY_SRC_HOST : 0) |
              (dst.host ? GV_COPY_DST_HOST : 0);
    c.src = src.addr;
    c.dst = dst.addr;
    c.size = 1 + (uint64_t)(r[5] | r[6] << 8) % (r[0] & 0x80 ? 64 : CC_MAX);
    memcpy(c.iv, r + 9, 4);
    for (uint64_t i = 0; i < c.size; i++) {
        pt[i] = (uint8_t)(r[7] + i * 167 + (i >> 8));
    }
    aad = c.dst + (r[0] & 0x10 ? 4096 : 0);
    gvc_gcm_seal(kcopy, c.iv, &aad, sizeof(aad), pt, c.size, ct,
                 ct + c.size);
    pos = (uint64_t)(r[14] | r[15] << 8) % (c.size + GV_TAG_LEN);
    ct[pos] ^= r[0] & 0x20 ? r[13] : 0;
    honest = !(r[0] & 0x10) && !((r[0] & 0x20) && r[13]);
    if (r[0] & 0x40) {
        memset(before, 0xa5 ^ r[7], c.size);
        side_io(&dst, before, c.size, true);
    }
    framed = side_io(&src, ct, c.size + GV_TAG_LEN, true);
    if (!side_io(&dst, before, c.size, false)) {
        framed = false;
    }
    if ((r[0] >> 2 & 3u) == 1) {
        memset(df_reads, 0, sizeof(df_reads));
        dfx = r[8] | 1u;
        fzb_dma_read_filter = double_fetch;
    }
    memcpy(hits, d->rule_hits, sizeof(hits));
    groups = d->chan[FZB_SECURE_CHID].groups_accepted;
    submit_secure(&c, sizeof(c));
    fzb_dma_read_filter = NULL;
    clear_error(FZB_SECURE_CHID);
    if (d->chan[FZB_SECURE_CHID].groups_accepted != groups + 1) {
        return;                 /* the ring did not run it */
    }
    cc_check(&c, &src, &dst, framed, honest, pt, before, hits);
}

/* ---- mode 5: modules that loop, and the watchdog ----
 *
 * A launch that never ends must be stopped by the watchdog with its named
 * refusal (compute.watchdog), leave its channel and context consistent
 * (stopped at the failed entry, no launch held, the engine idle, the
 * checker content) and leave another context's launch unharmed, run
 * after it or beside it.  Hand-assembled kernels on channel 2 (kind,
 * bits 4-5 of the first byte):
 *   0  an endless loop (a branch to itself);
 *   1  a counted loop: r0 = count (a parameter), r0 -= 1 until 0, then
 *      r0 (0) stored: count 0 wraps (2^64 turns), 1-256 ends at once;
 *   2  divergent: the lanes with tid & mask spin, the others store and
 *      exit (the warp lives while one lane spins);
 *   3  a data-dependent exit: spin until the u64 at LOOP_WORD equals a
 *      parameter; the harness writes it equal or not.
 * Bytes: u8 how (kind; bit 6: channel 1's launch runs beside the loop,
 * else after it), u8 grid, u8 block, u32 count or mask, u64 value.  A
 * launch that must loop runs under LOOP_BUDGET_MS (so such inputs stay
 * fast), one that must end and the other context's under a generous
 * budget (a loaded host must not turn them into watchdog refusals); the
 * harness changes only the device's watchdog setting, which the
 * snapshot restores.  The loop runs asynchronously and the harness waits
 * for it at most 5 s: a launch that outlives that is a finding.
 */
#define LOOP_BUDGET_MS 2u
#define LOOP_SURE_MS 2000u
#define LOOP_WORD (PARAM_VA + 8192)
#define LOOP_OUT (PARAM_VA + 4096)
#define OTHER_OUT 2048u         /* channel 1's output, in its page */

static uint8_t *loop_kernel(unsigned kind, uint32_t *len)
{
    struct ka a;
    uint32_t p0, p1, p2, top;

    ka_init(&a, 8);
    p0 = ka_param64(&a);
    p1 = ka_param64(&a);
    p2 = ka_param64(&a);
    switch (kind) {
    case 0:
        ka_bra(&a, a.n);
        break;
    case 1:
        ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 0, ka_k(&a, p0), 0, 0,
              0);
        top = ka_op(&a, GV_I_SUB, GV_T_U64, 0, 0, 0, ka_k(&a, 1), 0, 0);
        ka_op(&a, GV_I_SETP, GV_T_U64, GV_CMP_NE, 1, 0, ka_k(&a, 0), 0, 0);
        ka_bra(&a, top);
        ka_guard(&a, 1, false);
        break;
    case 2:
        ka_op(&a, GV_I_S2R, GV_T_U32, GV_SR_TID_X, 2, 0, 0, 0, 0);
        ka_op(&a, GV_I_LD, GV_T_U32, GV_SPACE_PARAM, 3, ka_k(&a, p0), 0, 0,
              0);
        ka_op(&a, GV_I_AND, GV_T_U32, 0, 0, 2, 3, 0, 0);
        ka_op(&a, GV_I_SETP, GV_T_U32, GV_CMP_NE, 1, 0, ka_k(&a, 0), 0, 0);
        ka_bra(&a, a.n);
        ka_guard(&a, 1, false);
        break;
    default:
        ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 2, ka_k(&a, p0), 0, 0,
              0);
        ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 3, ka_k(&a, p1), 0, 0,
              0);
        top = ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_GLOBAL, 0, 2, 0, 0, 0);
        ka_op(&a, GV_I_SETP, GV_T_U64, GV_CMP_NE, 1, 0, 3, 0, 0);
        ka_bra(&a, top);
        ka_guard(&a, 1, false);
        ka_op(&a, GV_I_SUB, GV_T_U64, 0, 0, 0, 3, 0, 0);
        break;
    }
    ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 4, ka_k(&a, p2), 0, 0, 0);
    ka_op(&a, GV_I_ST, GV_T_U64, GV_SPACE_GLOBAL, 0, 4, 0, 0, 0);
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    return ka_build(&a, len);
}

static void loop_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void loop_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fz_vfail("looping module: ", fmt, ap);
}

/* Must the loop end (1), never end (-1), or either (0)? */
static int loop_fate(unsigned kind, uint32_t count, unsigned block,
                     bool equal)
{
    bool spins = false;

    switch (kind) {
    case 0:
        return -1;
    case 1:
        return count == 0 || count >= (1u << 28) ? -1 : count <= 256 ? 1 : 0;
    case 2:
        for (unsigned t = 0; t < block; t++) {
            spins |= (t & count) != 0;
        }
        return spins ? -1 : 1;
    default:
        return equal ? 1 : -1;
    }
}

/* Channel 1's launch of the module at its VA 0 (out[gid] = gid), under
 * its own generous watchdog. */
static void other_launch(void)
{
    struct gv_dev *d = fzb.td->dev;
    uint8_t cmd[256];
    uint64_t out = OTHER_OUT;
    struct kt_launch l = { 0 };
    uint32_t len;
    uint8_t *img = ka_store_gid(&len);

    gv_debug_write(d, fzb.page1, img, len);
    free(img);
    memset(d->vram + fzb.page1 + OTHER_OUT, 0xff, 64 * 4);
    l.module_size = len;
    l.grid[0] = 2;
    l.block[0] = 32;
    l.params = &out;
    l.param_size = 8;
    d->cfg.launch_timeout_ms = LOOP_SURE_MS;
    fzb_submit(FZB_NORMAL_CHID, cmd, kt_launch_cmd(&l, cmd));
}

static void other_check(uint64_t wd0)
{
    struct gv_dev *d = fzb.td->dev;
    const struct gv_chan *c1 = &d->chan[FZB_NORMAL_CHID];
    uint32_t v;

    for (uint32_t gid = 0; gid < 64; gid++) {
        memcpy(&v, d->vram + fzb.page1 + OTHER_OUT + gid * 4, 4);
        if (v != gid) {
            loop_fail("channel 1's launch (another context) beside or "
                      "after a loop on channel 2 wrote %u for thread %u "
                      "(watchdog refusals: %" PRIu64 ", channel 1 %s)", v,
                      gid, d->rule_hits[GV_RULE_COMPUTE_WATCHDOG] - wd0,
                      c1->stopped ? "stopped" : "running");
        }
    }
    if (c1->stopped || c1->get != c1->put || c1->launch_wait) {
        loop_fail("channel 1 is left %s after its launch beside a loop",
                  c1->stopped ? "stopped" : "with work");
    }
}

/* Wait for every launch to end: a bounded wait, so that a launch the
 * watchdog does not stop is a finding, not a hung harness. */
static void loop_wait(void)
{
    struct gv_dev *d = fzb.td->dev;

    fzb_engine_async(false);
    for (unsigned ms = 0; gv_engine_busy(d) && ms < 5000; ms++) {
        usleep(1000);
        gv_dev_engine_poll(d);
    }
    if (gv_engine_busy(d)) {
        loop_fail("a launch outlived its watchdog by seconds");
    }
}

static void run_loop(uint8_t how, const uint8_t *p, size_t n)
{
    struct gv_dev *d = fzb.td->dev;
    const struct gv_chan *c2 = &d->chan[FZB_SECURE_CHID];
    unsigned kind = how >> 4 & 3u;
    bool beside = how & 0x40;
    uint64_t value, word, params[3], wd0, hits[GV_RULE__COUNT], faults = 0;
    uint32_t count, len, err0 = d->error_count;
    struct kt_launch l = { 0 };
    uint8_t cmd[256], *img;
    int fate;

    if (n < 15) {
        return;
    }
    memcpy(&count, p + 2, 4);
    memcpy(&value, p + 6, 8);
    l.grid[0] = 1 + p[0] % 4;
    l.block[0] = 1 + p[1] % 128;
    word = p[14] & 1u ? value : value ^ (1u | p[14]);
    fate = loop_fate(kind, count, l.block[0], word == value);
    img = loop_kernel(kind, &len);
    gv_debug_write(d, fzb.page2, img, len);
    free(img);
    gv_debug_write(d, fzb.page2 + LOOP_WORD, &word, 8);
    memset(d->vram + fzb.page2 + LOOP_OUT, 0xff, 8);
    params[0] = kind == 3 ? LOOP_WORD : count;
    params[1] = value;
    params[2] = LOOP_OUT;
    l.module_size = len;
    l.params = params;
    l.param_size = sizeof(params);
    memcpy(hits, d->rule_hits, sizeof(hits));
    wd0 = hits[GV_RULE_COMPUTE_WATCHDOG];
    d->cfg.launch_timeout_ms = fate > 0 ? LOOP_SURE_MS : LOOP_BUDGET_MS;
    fzb_engine_async(true);
    submit_secure(cmd, kt_launch_cmd(&l, cmd));
    if (beside) {
        other_launch();
    }
    loop_wait();
    for (unsigned r = GV_RULE_COMPUTE_MISALIGNED; r < GV_RULE__COUNT; r++) {
        faults += r == GV_RULE_COMPUTE_WATCHDOG ? 0
                                                : d->rule_hits[r] - hits[r];
    }
    if (faults) {
        loop_fail("a loop of kind %u faulted with a rule other than the "
                  "watchdog's", kind);
    }
    if (fate < 0 && d->rule_hits[GV_RULE_COMPUTE_WATCHDOG] != wd0 + 1) {
        loop_fail("a launch of kind %u that never ends (grid %u, block %u) "
                  "was not refused once by compute.watchdog (%" PRIu64
                  " times)", kind, l.grid[0], l.block[0],
                  d->rule_hits[GV_RULE_COMPUTE_WATCHDOG] - wd0);
    }
    if (fate > 0 && d->rule_hits[GV_RULE_COMPUTE_WATCHDOG] != wd0) {
        loop_fail("a launch of kind %u that ends at once was refused by "
                  "compute.watchdog", kind);
    }
    if (d->rule_hits[GV_RULE_COMPUTE_WATCHDOG] != wd0) {
        /* refused: the error names channel 2, which stopped past it */
        if (d->error_count == err0 || d->error_chid != FZB_SECURE_CHID ||
            d->error_rule != GV_RULE_COMPUTE_WATCHDOG || !c2->stopped ||
            c2->get != c2->put || c2->launch_wait || gv_engine_busy(d)) {
            loop_fail("after the watchdog's refusal: error %s on channel "
                      "%u (rule %s), channel 2 %s, GET %u PUT %u, %s",
                      d->error_count == err0 ? "not reported" : "reported",
                      d->error_chid, gv_rule_name(d->error_rule),
                      c2->stopped ? "stopped" : "not stopped", c2->get,
                      c2->put, gv_engine_busy(d) ? "engine busy"
                                                 : "engine idle");
        }
    } else if (fate >= 0) {
        memcpy(&value, d->vram + fzb.page2 + LOOP_OUT, 8);
        if (value != 0 || c2->stopped) {
            loop_fail("a loop of kind %u that ended wrote 0x%" PRIx64
                      " (0 expected)%s", kind, value,
                      c2->stopped ? ", channel 2 stopped" : "");
        }
    }
    {
        char why[256];

        if (gv_dev_check(d, why, sizeof(why)) != 0) {
            loop_fail("consistency check after the loop: %s", why);
        }
    }
    if (!beside) {
        other_launch();
    }
    other_check(wd0);
}

/* ---- mode 4: the MMU against corrupted page tables ----
 *
 * The MMU re-checks, on every walk, that a PTE points at a page the
 * channel's engines may touch (design 5: a mapped DATA page of the
 * channel's context, or unprotected memory): defence in depth, since
 * CH_PTE and CH_PDE never write anything else.  This mode models the
 * second bug or fault that would: it writes entries of channel 1's and 2's
 * page tables and PGDs through a back door (device memory directly) and
 * then makes accesses through them: translations (for reading and
 * writing), the MMU's classification, an engine read, a copy from that VA
 * into the host window.  Oracle: every physical address a translation
 * returns is unprotected memory or, in the protected region, a page the
 * PMM says is mapped, DATA and owned by the channel's context; a write
 * through a read-only PTE is refused; no byte of the victim's secret is
 * read (and the victim oracle after the input).  The entries are put back
 * and the TLB flushed before the input's consistency check.
 *
 * Records of 12 bytes: u8 what (bits 0-1: channel 2's big table, its
 * small table at W_VA, channel 1's small table, a PDE; bit 2: the PDE's
 * channel 1; bit 3: its big half; bits 4-6: the value: raw, a protected
 * page, a bench object, an unprotected page, hidden memory or past the
 * end, the old entry with a bit flipped, the old entry moved by pages, an
 * object with low bits set; bit 7: read-only), u16 entry, u8 access
 * (bits 0-2: translate to read, to write, classify, an engine read of 16
 * bytes, a copy to the window, translate without a TLB flush, the next
 * page, all of the first four; bits 3-7: the offset in the page / 128),
 * u64 value. */
#define MMU_RECORDS 16

struct mmu_undo {
    uint64_t at, old;
};

static uint64_t mmu_object(uint64_t v)
{
    struct gv_dev *d = fzb.td->dev;
    const uint64_t o[] = {
        fzb.page1, fzb.page2, fzb.page3, fzb.table1, fzb.table2, fzb.table3,
        w_table, w_pa[0], w_pa[W_ALIAS], w_pa[W_UNPROT],
        d->chan[1].pgd_addr, d->chan[2].pgd_addr, d->chan[3].pgd_addr,
        d->chan[5].pgd_addr, d->chan[1].desc_addr, d->chan[2].desc_addr,
        d->chan[3].desc_addr, d->chan[0].desc_addr,
    };

    /* an object and one of its first 32 pages (a big page has 32) */
    return o[v % (sizeof(o) / sizeof(o[0]))] + (v >> 8) % 32 * 4096;
}

static uint64_t mmu_value(unsigned kind, uint64_t old, uint64_t v)
{
    struct gv_dev *d = fzb.td->dev;
    uint64_t vram = gv_dev_vram_size(d), top = d->unprot_size + d->prot_size;

    switch (kind) {
    case 0: return v;
    case 1: return d->unprot_size + v % (d->prot_size / 4096) * 4096;
    case 2: return mmu_object(v);
    case 3: return v % (d->unprot_size / 4096) * 4096;
    case 4: return v & 1 ? top + (v >> 1) % ((vram - top) / 4096) * 4096
                         : vram + (v >> 1) % 64 * 4096;
    case 5: return old ^ 1ull << (v % 64);
    case 6: return old + (uint64_t)(int64_t)(int8_t)v * 4096;
    default: return mmu_object(v) | (v >> 32 & 0xffc);
    }
}

/* The oracle: @pa, which channel @chid's translation of @va returned, is
 * one its engines may touch (by the harness's reading of the PMM). */
static void mmu_check(unsigned chid, uint64_t va, uint64_t pa,
                      const char *how)
{
    struct gv_dev *d = fzb.td->dev;
    uint64_t page = pa & ~4095ull, e;
    const char *why;

    if (page < d->unprot_size) {
        return;
    }
    if (page - d->unprot_size >= d->prot_size) {
        why = "hidden memory or outside device memory";
    } else {
        e = *gv_pmm_entry(d, page);
        if (!pmm_mapped(e)) {
            why = "a free protected page";
        } else if (pmm_type(e) != GV_PT_DATA) {
            why = "a descriptor, PGD or page table";
        } else if (pmm_owner(e) != d->chan[chid].ctx) {
            why = "another context's page";
        } else {
            return;
        }
    }
    fprintf(stderr, "fuzz: mmu: %s of channel %u's VA 0x%" PRIx64
            " through a corrupted table gave 0x%" PRIx64 ": %s, not a "
            "mapped data page of its context (design 5, attack 13)\n", how,
            chid, va, pa, why);
    abort();
}

/* Where record @r writes (@at: device address of the entry), and the VA
 * and channel that translate through it. */
static void mmu_target(const uint8_t *r, uint64_t *at, uint64_t *va,
                       unsigned *chid)
{
    struct gv_dev *d = fzb.td->dev;
    unsigned idx = r[1] | r[2] << 8;
    bool big = r[0] & 8u;

    switch (r[0] & 3u) {
    case 0:
        *chid = FZB_SECURE_CHID;
        *at = fzb.table2 + idx % GV_PGT_BIG_ENTRIES * 8;
        *va = (uint64_t)(idx % GV_PGT_BIG_ENTRIES) << GV_BIG_PAGE_SHIFT;
        break;
    case 1:
        *chid = FZB_SECURE_CHID;
        *at = w_table + idx % GV_PGT_SMALL_ENTRIES * 8;
        *va = W_VA + ((uint64_t)(idx % GV_PGT_SMALL_ENTRIES) << 12);
        break;
    case 2:
        *chid = FZB_NORMAL_CHID;
        *at = fzb.table1 + idx % GV_PGT_SMALL_ENTRIES * 8;
        *va = (uint64_t)(idx % GV_PGT_SMALL_ENTRIES) << 12;
        break;
    default:
        *chid = r[0] & 4u ? FZB_NORMAL_CHID : FZB_SECURE_CHID;
        *at = d->chan[*chid].pgd_addr + idx % 4 * 16 + (big ? 8 : 0);
        *va = ((uint64_t)(idx % 4) << GV_PDE_SHIFT) +
              ((uint64_t)(idx >> 2) << (big ? GV_BIG_PAGE_SHIFT : 12) &
               ((1ull << GV_PDE_SHIFT) - 1));
    }
}

/* One translation of @va (@write) checked; the PA or UINT64_MAX. */
static void mmu_translate(unsigned chid, uint64_t va, bool write, bool ro)
{
    struct gv_dev *d = fzb.td->dev;
    uint64_t pa;

    if (gv_translate(d, chid, va, write, &pa) != GV_ERR_NONE) {
        return;
    }
    mmu_check(chid, va, pa, write ? "a translation to write" :
              "a translation to read");
    if (write && ro) {
        fprintf(stderr, "fuzz: mmu: a write through channel %u's "
                "read-only PTE for VA 0x%" PRIx64 " was translated\n", chid,
                va);
        abort();
    }
}

static void mmu_access(const uint8_t *r, unsigned chid, uint64_t va,
                       bool ro)
{
    struct gv_dev *d = fzb.td->dev;
    unsigned kind = r[3] & 7u;
    uint64_t pa, w[2];
    bool rdonly;

    va += (r[3] >> 3) * 128u;
    if (kind != 5) {
        gv_tlb_flush(d);
    }
    if (kind == 0 || kind == 5 || kind == 7) {
        mmu_translate(chid, va, false, ro);
    }
    if (kind == 1 || kind == 7) {
        mmu_translate(chid, va, true, ro);
    }
    if (kind == 6) {
        mmu_translate(chid, va + 4096, false, false);
    }
    if ((kind == 2 || kind == 7) &&
        (gv_mmu_classify(d, chid, va, false) == GV_MMU_OK) !=
        (gv_translate_mt(d, chid, va, &pa, &rdonly) == 0)) {
        fprintf(stderr, "fuzz: mmu: classify and translate disagree on "
                "channel %u's VA 0x%" PRIx64 "\n", chid, va);
        abort();
    }
    if ((kind == 2 || kind == 7) &&
        gv_translate_mt(d, chid, va, &pa, &rdonly) == 0) {
        mmu_check(chid, va, pa, "a compute-engine translation");
    }
    if ((kind == 3 || kind == 7) &&
        gv_vm_read(d, chid, va & ~15ull, w, sizeof(w)) == GV_ERR_NONE &&
        (fzb_secret_word(w[0]) || fzb_secret_word(w[1]))) {
        fprintf(stderr, "fuzz: mmu: channel %u's engine read the victim's "
                "secret at VA 0x%" PRIx64 "\n", chid, va);
        abort();
    }
    if (kind == 4) {
        struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) },
                                 .flags = GV_COPY_DST_HOST, .src = va,
                                 .dst = 0, .size = 64 };

        if (chid == FZB_SECURE_CHID) {
            submit_secure(&c, sizeof(c));
        } else {
            fzb_submit(chid, &c, sizeof(c));
        }
        clear_error(chid);
    }
}

static void run_mmu(const uint8_t *p, size_t n)
{
    struct gv_dev *d = fzb.td->dev;
    struct mmu_undo undo[MMU_RECORDS];
    unsigned k = 0, chid;
    bool pde_touched = false;

    for (; k < MMU_RECORDS && (k + 1) * 12 <= n; k++) {
        const uint8_t *r = p + k * 12;
        uint64_t at, va, old, v;

        memcpy(&v, r + 4, 8);
        mmu_target(r, &at, &va, &chid);
        memcpy(&old, d->vram + at, 8);
        undo[k] = (struct mmu_undo){ at, old };
        v = mmu_value(r[0] >> 4 & 7u, old, v);
        if (r[0] >> 4 & 7u) {
            v = (v & ~(uint64_t)GV_PTE_FLAGS) | GV_PTE_VALID |
                (r[0] & 0x80 ? GV_PTE_READONLY : 0);
        }
        memcpy(d->vram + at, &v, 8);
        pde_touched |= (r[0] & 3u) == 3;
        mmu_access(r, chid, va, !pde_touched && (r[0] & 3u) == 0 &&
                   (v & GV_PTE_VALID) && (v & GV_PTE_READONLY));
    }
    while (k-- > 0) {
        memcpy(d->vram + undo[k].at, &undo[k].old, 8);
    }
    gv_tlb_flush(d);
}

/* Mode 3 with bit 4 of the first byte: a new copy key before each
 * record but the first, so each copy runs under a key set after an
 * earlier copy used the old one (its schedules must be gone). */
static void rekey(struct gv_cmd_set_copy_key *k, uint8_t kcopy[32],
                  uint8_t n)
{
    k->key[4] = n;
    submit_secure(k, sizeof(*k));
    clear_error(FZB_SECURE_CHID);
    gvrt_copy_key(&fzb.sec, FZB_SECURE_CHID, k->key, kcopy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gv_cmd_set_copy_key k = {
        .hdr = { GV_OP_SET_COPY_KEY, sizeof(k) } };
    uint8_t kcopy[32];

    fz_set_name("fuzz-engine");
    fzb_dma_confined = true;
    fzb_build_hook = build_small_pages;
    fzb_begin();
    if (size >= 1 && data[0] % 2 == 0 && data[0] & 0x80) {
        run_probe(data + 1, size - 1);
    } else if (size >= 1 && data[0] % 2 == 0) {
        run_launch(data + 1, size - 1);
    } else if (size >= 1 && (data[0] & 0x0f) == 0x09) {
        run_mmu(data + 1, size - 1);
    } else if (size >= 1 && (data[0] & 0x0f) == 0x0d) {
        run_loop(data[0], data + 1, size - 1);
    } else if (size >= 1 && (data[0] & 0x4f) == 0x47) {
        fz_run_gen(data + 1, size - 1);
    } else if (size >= 1) {
        memcpy(k.key, copy_key_cmd, sizeof(k.key));
        submit_secure(&k, sizeof(k));
        gvrt_copy_key(&fzb.sec, FZB_SECURE_CHID, copy_key_cmd, kcopy);
        for (size_t off = 1; (data[0] & 0x0f) == 0x01 &&
             off + 16 <= size && off < 1 + 16 * 16; off += 16) {
            if ((data[0] & 0x10) && off > 1) {
                rekey(&k, kcopy, (uint8_t)off);
            }
            run_crypto_copy(data + off, kcopy);
        }
        for (size_t off = 1; (data[0] & 0x0f) != 0x01 &&
             off + 24 <= size && off < 1 + 24 * 16; off += 24) {
            run_copy(data + off, kcopy);
        }
    }
    fzb_end();
    return 0;
}

#ifndef GV_LIBFUZZER
static void write_seed(const char *dir, const char *name, const uint8_t *hdr,
                       const uint8_t *img, size_t len)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/seed-%s", dir, name);
    f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fwrite(hdr, 1, 9, f);
    fwrite(img, 1, len, f);
    fclose(f);
}

/* Seeds: the test bench's module and the PTX files given, translated. */
static int seeds(int argc, char **argv)
{
    static const uint8_t hdr[9] = { 0, 1, 31, 0, 0, 0, 0, 8, 0 };
    uint32_t len;
    uint8_t *img = ka_store_gid(&len);

    write_seed(argv[2], "store-gid", hdr, img, len);
    free(img);
    for (int i = 3; i < argc; i++) {
        uint8_t *out;
        size_t n;
        char err[256];
        const char *base = strrchr(argv[i], '/');

        if (gv_ptx_translate_file(argv[i], &out, &n, err, sizeof(err)) ||
            n > MODULE_MAX) {
            continue;
        }
        write_seed(argv[2], base ? base + 1 : argv[i], hdr, out, n);
        free(out);
    }
    return 0;
}

int main(int argc, char **argv)
{
    fz_set_name("fuzz-engine");
    if (argc > 2 && !strcmp(argv[1], "--seeds")) {
        return seeds(argc, argv);
    }
    return fz_replay_main(argc, argv, 2048);
}
#endif
