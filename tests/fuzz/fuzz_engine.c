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
 *    host windows (fzb_dma_confined).
 *
 * gv_dev_check() after every input; replay with --seeds DIR writes the
 * seed inputs (the test kernels' modules) into DIR.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "graviton/gv_rules.h"
#include "gv_crypto.h"
#include "gv_internal.h"
#include "gv_ktest.h"
#include "gv_ptx.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gv_cmd_set_copy_key k = {
        .hdr = { GV_OP_SET_COPY_KEY, sizeof(k) } };
    uint8_t kcopy[32];

    fz_set_name("fuzz-engine");
    fzb_dma_confined = true;
    fzb_begin();
    if (size >= 1 && data[0] % 2 == 0 && data[0] & 0x80) {
        run_probe(data + 1, size - 1);
    } else if (size >= 1 && data[0] % 2 == 0) {
        run_launch(data + 1, size - 1);
    } else if (size >= 1) {
        memcpy(k.key, copy_key_cmd, sizeof(k.key));
        submit_secure(&k, sizeof(k));
        gvrt_copy_key(&fzb.sec, FZB_SECURE_CHID, copy_key_cmd, kcopy);
        for (size_t off = 1; off + 24 <= size && off < 1 + 24 * 16;
             off += 24) {
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
