/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-engine's mode 6 (fuzz_engine.c): a generated module
 * (tests/guest/fuzz/gvf_modgen.c) run on the bench's secure channel 2
 * and again on four other devices, with 1 SM, with 3 SMs compiling the
 * module's regions at once (docs/compute.md, "Compiled regions"), with 2
 * SMs running each block's warps one at a time (no gangs), and with 4 SMs
 * decoding modules without the fast paths (compute_plain: the exact
 * evaluator and the per-lane memory path), on a normal channel;
 * docs/fuzzing.md, "Generated modules".
 *
 * Bytes (after the mode byte): u64 seed, u8 generator options
 * (GVF_MG_*), u8 grid (1..4; 1..2 when the block has two rows), u8 block
 * x (1..128), u8 block y (1..2).  The oracle:
 *  - the module passes gv_isa_check() and gv_compute_check_module() (the
 *    generator's promise);
 *  - the bench's launch completes, or faults with the module's
 *    deliberate fault's rule, and must fault when the module has one; any
 *    other rule is a finding (a watchdog refusal on a loaded host only
 *    skips the rest);
 *  - the other devices (their watchdog 5 s, so a launch that hangs there
 *    is a finding) give the same rule and, when the launch
 *    completed, byte for byte the same outputs (every thread's slots and
 *    the atomics' compared words): the module's results do not depend on
 *    the number of SMs, the order blocks run in, the warps' interleaving
 *    (gangs or not), the engine's fast paths, or the channel;
 *  - gv_dev_check() on each device (fzb_end() on the bench's).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "graviton/gv_rules.h"
#include "gv_internal.h"
#include "gv_ktest.h"
#include "gv_ptx.h"
#include "gvf_modgen.h"

/* channel 2's page (128 KiB at VA 0): the module, then the areas */
#define G_OUT (64u << 10)
#define G_IN (G_OUT + GVF_MG_MAX_THREADS * GVF_MG_SLOT_BYTES)
#define G_ATOM (G_IN + GVF_MG_IN_BYTES)
#define G_END (G_ATOM + GVF_MG_ATOM_BYTES)
_Static_assert(G_END <= (128u << 10), "mode 6's areas fit channel 2's page");
_Static_assert(GVF_MG_MAX_IMAGE <= G_OUT, "a generated module fits");
#define G_TIMEOUT_MS 2000u
#define G_OTHER_TIMEOUT_MS 5000u

struct g_run {
    uint32_t rule;              /* the fault's rule, 0: none */
    uint8_t out[GVF_MG_MAX_THREADS * GVF_MG_SLOT_BYTES];
    uint8_t atom[GVF_MG_ATOM_DET];
};

struct g_case {
    uint64_t seed;
    unsigned opts;
    uint32_t grid, bx, by, threads;
    const uint8_t *img;
    struct gvf_mg_info info;
    uint8_t in[GVF_MG_IN_BYTES];
};

static void fail_at(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void fail_at(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fz_vfail("generated module: ", fmt, ap);
}

static void gen_fail(const struct g_case *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

static void gen_fail(const struct g_case *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fail_at("%s (seed 0x%016" PRIx64 ", options 0x%02x, grid %u, block "
            "%ux%u, %u instructions)", msg, c->seed, c->opts, c->grid, c->bx,
            c->by, c->info.ninsns);
}

/* The rule a launch ended with: the one whose count rose (0: none). */
static uint32_t rule_rose(const struct gv_dev *d, const uint64_t *before)
{
    for (unsigned r = 0; r < GV_RULE__COUNT; r++) {
        if (d->rule_hits[r] != before[r]) {
            return r;
        }
    }
    return 0;
}

static uint32_t launch_cmd(const struct g_case *c, uint64_t base,
                           uint8_t *cmd)
{
    uint8_t params[GVF_MG_PARAMS];
    struct kt_launch l = { .module_va = base,
                           .module_size = c->info.size,
                           .grid = { c->grid, 1, 1 },
                           .block = { c->bx, c->by, 1 },
                           .params = params,
                           .param_size = GVF_MG_PARAMS };

    gvf_mg_params(c->seed, base + G_OUT, base + G_IN, base + G_ATOM, params);
    return kt_launch_cmd(&l, cmd);
}

/* on the bench: channel 2, its page at VA 0 */
static void run_bench(const struct g_case *c, struct g_run *r)
{
    struct gv_dev *d = fzb.td->dev;
    uint8_t cmd[256], g[sizeof(struct gv_group_hdr) + 512];
    uint64_t hits[GV_RULE__COUNT];
    uint32_t n = launch_cmd(c, 0, cmd);

    gv_debug_write(d, fzb.page2, c->img, c->info.size);
    gv_debug_write(d, fzb.page2 + G_IN, c->in, GVF_MG_IN_BYTES);
    memset(d->vram + fzb.page2 + G_OUT, 0, G_IN - G_OUT);
    memset(d->vram + fzb.page2 + G_ATOM, 0, GVF_MG_ATOM_BYTES);
    d->cfg.launch_timeout_ms = G_TIMEOUT_MS;    /* the snapshot restores */
    memcpy(hits, d->rule_hits, sizeof(hits));
    n = gvrt_seal_group(&fzb.sec, FZB_SECURE_CHID, cmd, n, g);
    fzb_ring_group(FZB_SECURE_CHID, g, n);
    r->rule = rule_rose(d, hits);
    memcpy(r->out, d->vram + fzb.page2 + G_OUT, sizeof(r->out));
    memcpy(r->atom, d->vram + fzb.page2 + G_ATOM, sizeof(r->atom));
}

/* the other devices: a normal channel with its areas at one place */
struct g_dev {
    struct td *td;
    struct kt k;
    uint64_t base;
};

static struct g_dev *other_dev(unsigned sms)
{
    static struct g_dev devs[5];
    struct g_dev *o = &devs[sms % 5];

    if (!o->td) {
        td_compute_sms = sms;
        td_compute_solo = sms == 2;
        td_compute_plain = sms == 4;
        td_compute_jit = sms == 3;      /* compiled regions, at once */
        td_compute_jit_after = 0;
        td_launch_timeout_ms = G_OTHER_TIMEOUT_MS;   /* a hang: a finding */
        o->td = td_new(16ull << 20, 4ull << 20, 4ull << 20, false);
        td_compute_sms = 0;
        td_compute_solo = false;
        td_compute_plain = false;
        td_compute_jit = false;
        td_launch_timeout_ms = 0;
        kt_init(&o->k, o->td, 1, NULL, 256u << 10, false);
        o->base = kt_alloc(&o->k, 128u << 10);
    }
    return o;
}

static void run_other(const struct g_case *c, unsigned sms, struct g_run *r)
{
    struct g_dev *o = other_dev(sms);
    struct gv_dev *d = o->td->dev;
    uint8_t cmd[256];
    uint64_t hits[GV_RULE__COUNT];
    uint32_t n = launch_cmd(c, o->base, cmd);
    char why[256];

    memset(d->vram + kt_pa(&o->k, o->base + G_OUT), 0, G_END - G_OUT);
    kt_write(&o->k, o->base, c->img, c->info.size);
    kt_write(&o->k, o->base + G_IN, c->in, GVF_MG_IN_BYTES);
    memcpy(hits, d->rule_hits, sizeof(hits));
    td_submit(o->td, o->k.chid, cmd, n);
    r->rule = rule_rose(d, hits);
    kt_read(&o->k, o->base + G_OUT, r->out, sizeof(r->out));
    kt_read(&o->k, o->base + G_ATOM, r->atom, sizeof(r->atom));
    if (d->chan[o->k.chid].stopped) {
        gv_mmio_write(d, GV_REG_CHAN(o->k.chid, GV_CHAN_CTRL),
                      GV_CHAN_CTRL_CLEAR_ERR, 4);
    }
    if (gv_dev_check(d, why, sizeof(why)) != 0) {
        gen_fail(c, "consistency check of the %u-SM device: %s", sms, why);
    }
}

static const char *rname(uint32_t r)
{
    return r ? gv_rule_name(r) : "none (completed)";
}

static void compare(const struct g_case *c, const struct g_run *a,
                    const struct g_run *b, unsigned sms)
{
    const char *dev = sms == 1 ? "a device with 1 SM"
                      : sms == 2 ? "a device with 2 SMs and no gangs"
                      : sms == 3 ? "a device with 3 SMs"
                                 : "a device with 4 SMs and no fast paths";
    uint32_t len = gvf_mg_out_bytes(c->threads);

    if (a->rule != b->rule) {
        gen_fail(c, "on the bench: %s; on %s: %s", rname(a->rule), dev,
                 rname(b->rule));
    }
    if (a->rule) {
        return;                 /* a fault stops blocks anywhere */
    }
    for (uint32_t i = 0; i < len; i++) {
        if (a->out[i] != b->out[i]) {
            gen_fail(c, "output byte %u (of %u) is 0x%02x on the bench, "
                     "0x%02x on %s", i, len, a->out[i], b->out[i], dev);
        }
    }
    if (memcmp(a->atom, b->atom, sizeof(a->atom))) {
        gen_fail(c, "the atomics' words differ on the bench and on %s",
                 dev);
    }
}

static void check_module(const struct g_case *c)
{
    static uint64_t aligned[GVF_MG_MAX_IMAGE / 8];
    char why[256];

    if (c->info.size > GVF_MG_MAX_IMAGE) {
        gen_fail(c, "an image of %u bytes (at most %u)", c->info.size,
                 GVF_MG_MAX_IMAGE);
    }
    memcpy(aligned, c->img, c->info.size);
    if (gv_isa_check((const uint8_t *)aligned, c->info.size, why,
                     sizeof(why)) != 0 ||
        gv_compute_check_module((const uint8_t *)aligned, c->info.size, why,
                                sizeof(why)) != 0) {
        gen_fail(c, "the generator wrote an invalid module: %s", why);
    }
}

void fz_run_gen(const uint8_t *p, size_t n)
{
    static struct g_case c;
    static struct g_run bench, other;
    uint8_t *img;

    if (n < 12) {
        return;
    }
    memcpy(&c.seed, p, 8);
    c.opts = p[8];
    c.by = 1 + p[11] % 2;
    c.grid = 1 + p[9] % (c.by == 2 ? 2 : 4);
    c.bx = 1 + p[10] % 128;
    c.threads = c.grid * c.bx * c.by;
    img = gvf_modgen(c.seed, c.opts, &c.info);
    if (!img) {
        return;
    }
    c.img = img;
    if (getenv("GV_FUZZ_GEN_DUMP")) {   /* the module, for gv-ptxas */
        FILE *f = fopen(getenv("GV_FUZZ_GEN_DUMP"), "wb");

        if (f) {
            fwrite(img, 1, c.info.size, f);
            fclose(f);
        }
    }
    gvf_mg_input(c.seed, c.in);
    check_module(&c);
    run_bench(&c, &bench);
    if (bench.rule == GV_RULE_COMPUTE_WATCHDOG) {
        free(img);
        return;                 /* a loaded host: nothing to compare */
    }
    if (bench.rule != c.info.fault_rule) {
        gen_fail(&c, "the launch ended with %s, the module's fault is %s",
                 rname(bench.rule), rname(c.info.fault_rule));
    }
    for (unsigned sms = 1; sms <= 4; sms++) {
        run_other(&c, sms, &other);
        compare(&c, &bench, &other, sms);
    }
    free(img);
}
