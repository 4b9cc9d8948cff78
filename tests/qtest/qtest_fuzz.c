/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest-mmio-fuzz: the QEMU device's register file, aperture and DMA
 * paths under a seeded stream of malicious-driver accesses, through
 * QEMU's qtest accelerator (no guest): BAR0 reads and writes of every
 * size at known registers and anywhere, BAR2 accesses in and past the
 * aperture, region sizes and the lock, bootstrap channels, rings and
 * command groups in guest RAM with their doorbells, PCI command-register
 * toggles and resets.  Oracles: QEMU stays alive and answers, the device
 * still identifies itself, and its consistency check (the debug block's
 * DBG_CHECK) passes every 32 steps and at the end.
 *
 *   qtest-mmio-fuzz [--seed S] [--steps N] [--seconds T] [--trace FILE]
 *                   [--kill-at N]
 *
 * GV_QEMU names the QEMU binary (an ASan/UBSan build of QEMU makes every
 * memory error a finding too).  --trace writes every qtest command sent,
 * so a failure replays with "qemu-system-x86_64 -M q35 -accel qtest
 * -qtest stdio -nodefaults ARGS < FILE" (ARGS: the -device line printed
 * at start).  Exit status 1 on a finding, with the seed and step.
 * --kill-at N kills QEMU at step N and waits for it to be gone: the
 * harness's own check that a dead QEMU is a finding (test
 * qtest-mmio-fuzz-selftest; exit status 0 only if the harness reported
 * exactly that, at step N + 1, whose first command meets a closed pipe).
 */
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "graviton/gv_cmds.h"
#include "graviton/gv_regs.h"
#include "qtest_client.h"

#define DEV     4
#define BAR0    0xc0000000ull
#define BAR2    0x100000000ull
#define VRAM    (64ull << 20)
#define RING(c) (0x200000ull + (uint64_t)(c) * 0x1000)
#define GROUP   0x210000ull
#define RESULT  0x300000ull

static struct qt *qt;
static uint64_t rng;
static uint32_t put[GV_MAX_CHANNELS];
/* The rules hit so far, OR-ed over every check (a reset, or the fuzzer
 * writing DBG_CTRL, clears the device's own counters). */
static uint32_t hit_map[GV_DBG_HIT_MAP_WORDS];

static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint32_t below(uint32_t n)
{
    return (uint32_t)(rnd() % n);
}

static uint32_t rd(uint32_t reg)
{
    return (uint32_t)qt_read(qt, BAR0 + reg, 4);
}

static void wr(uint32_t reg, uint32_t val)
{
    qt_write(qt, BAR0 + reg, 4, val);
}

/* A register worth touching: global ones, the debug block, the channel
 * registers of channels 0-3 and 63; sometimes any offset. */
static uint32_t pick_reg(void)
{
    static const uint16_t glob[] = {
        GV_REG_ID, GV_REG_SCRATCH, GV_REG_CAPS, GV_REG_RESET,
        GV_REG_INTR_STATUS, GV_REG_INTR_ACK, GV_REG_INTR_MASK,
        GV_REG_INTR_RAISE, GV_REG_ERROR_CODE, GV_REG_ERROR_ACK,
        GV_REG_ERROR_RULE, GV_REG_UNPROT_SIZE_LO, GV_REG_UNPROT_SIZE_HI,
        GV_REG_PROT_SIZE_LO, GV_REG_PROT_SIZE_HI, GV_REG_REGION_LOCK,
        GV_REG_DBG_RULE_SEL, GV_REG_DBG_RULE_HITS_LO, GV_REG_DBG_CTRL,
        GV_REG_DBG_CHECK, GV_REG_DBG_HIT_MAP, GV_REG_DBG_CHECK_WHY,
    };
    static const uint8_t chans[] = { 0, 1, 2, 3, GV_MAX_CHANNELS - 1 };
    uint32_t k = below(10);

    if (k < 4) {
        return glob[below(sizeof(glob) / sizeof(glob[0]))];
    }
    if (k < 8) {
        return GV_REG_CHAN(chans[below(sizeof(chans))], 4 * below(14));
    }
    return k == 8 ? below(GV_REGS_SIZE) : below(GV_REGS_SIZE) & ~3u;
}

/* A value worth writing: magics one letter off or right, sizes, guest
 * and device addresses of ours, edges, or anything. */
static uint64_t pick_val(void)
{
    static const uint64_t vals[] = {
        0, 1, 2, 64, 0xffffffffull, 0x80000000ull, GV_RESET_MAGIC,
        GV_RESET_MAGIC ^ 1, GV_LOCK_MAGIC, GV_LOCK_MAGIC + 1, 8u << 20,
        48u << 20, 56u << 20, VRAM, RING(0), GROUP, RESULT, 0x10000,
        0x20000, (8u << 20) + 0x4000, GV_CHAN_CTRL_RELEASE,
        GV_CHAN_CTRL_CLEAR_ERR, ~0ull, 0xfffffffffffffff8ull,
    };

    return below(4) ? vals[below(sizeof(vals) / sizeof(vals[0]))] : rnd();
}

static unsigned pick_size(void)
{
    static const unsigned sizes[] = { 4, 4, 4, 4, 1, 2, 8 };

    return sizes[below(sizeof(sizes) / sizeof(sizes[0]))];
}

/* Sometimes a size field that lies. */
static uint32_t maybe_lie(uint8_t *out, uint32_t len)
{
    if (!below(8)) {
        uint32_t lie = (uint32_t)pick_val();

        memcpy(out + 4, &lie, 4);
    }
    return len;
}

/* One CH_* or engine command, mostly well formed, into @out. */
static uint32_t mk_cmd(uint8_t *out)
{
    union {
        struct gv_cmd_ch_create cr;
        struct gv_cmd_ch_pde pde;
        struct gv_cmd_ch_pte pte;
        struct gv_cmd_ch_destroy de;
        struct gv_cmd_fence f;
        struct gv_cmd_hdr h;
    } c;
    uint32_t len;

    memset(&c, 0, sizeof(c));
    switch (below(6)) {
    case 0:
        c.cr.hdr = (struct gv_cmd_hdr){ GV_OP_CH_CREATE, sizeof(c.cr) };
        c.cr.chid = below(6);
        c.cr.desc_addr = (8u << 20) + 0x1000 * below(64);
        c.cr.pgd_addr = below(4) ? (8u << 20) + 0x10000 * below(64)
                                 : pick_val();
        c.cr.result_addr = RESULT;
        len = sizeof(c.cr);
        break;
    case 1:
        c.pde.hdr = (struct gv_cmd_hdr){ GV_OP_CH_PDE, sizeof(c.pde) };
        c.pde.chid = below(6);
        c.pde.pgd_index = below(8);
        c.pde.flags = below(2);
        c.pde.pgt_addr = (8u << 20) + 0x40000 * below(96);
        len = sizeof(c.pde);
        break;
    case 2:                         /* with up to 4 entries */
        c.pte.chid = below(6);
        c.pte.pgd_index = below(4);
        c.pte.pgt_index = below(16);
        c.pte.flags = below(2);
        c.pte.count = below(5);
        c.pte.result_addr = RESULT;
        len = sizeof(c.pte);
        c.pte.hdr = (struct gv_cmd_hdr){ GV_OP_CH_PTE,
                                         len + 8 * c.pte.count };
        for (uint32_t i = 0; i < c.pte.count; i++) {
            uint64_t pte = ((8u << 20) + 0x1000 * (uint64_t)below(2048)) |
                           below(4);

            memcpy(out + len + 8 * i, &pte, 8);
        }
        memcpy(out, &c, len);
        return maybe_lie(out, len + 8 * c.pte.count);
    case 3:
        c.de.hdr = (struct gv_cmd_hdr){ GV_OP_CH_DESTROY, sizeof(c.de) };
        c.de.chid = below(6);
        len = sizeof(c.de);
        break;
    case 4:
        c.f.hdr = (struct gv_cmd_hdr){ GV_OP_FENCE, sizeof(c.f) };
        c.f.va = pick_val();
        c.f.value = rnd();
        len = sizeof(c.f);
        break;
    default:
        c.h = (struct gv_cmd_hdr){ (uint32_t)pick_val(), 8 + 8 * below(8) };
        len = sizeof(c.h);
        break;
    }
    memcpy(out, &c, len);
    return maybe_lie(out, len);
}

/* A group of commands into guest RAM, an entry into channel @chid's
 * ring (sometimes pointing elsewhere or with odd flags), the doorbell. */
static void submit(unsigned chid)
{
    uint8_t g[1024];
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC };
    struct gv_gpfifo_entry e = { .addr = GROUP };
    uint32_t len = sizeof(h), n = 1 + below(4);

    for (uint32_t i = 0; i < n; i++) {
        len += mk_cmd(g + len);
    }
    h.payload_len = len - sizeof(h);
    if (!below(8)) {
        h.magic ^= 1u << below(32);
    }
    if (!below(8)) {
        h.flags = (uint32_t)pick_val();
    }
    memcpy(g, &h, sizeof(h));
    e.len = below(8) ? len : (uint32_t)pick_val();
    e.flags = below(8) ? 0 : (uint32_t)pick_val();
    if (!below(16)) {
        e.addr = below(2) ? BAR0 : pick_val();  /* at the device itself */
    }
    qt_memwrite(qt, GROUP, g, len);
    qt_memwrite(qt, RING(chid) + put[chid % GV_MAX_CHANNELS] * sizeof(e), &e,
                sizeof(e));
    put[chid] = (put[chid] + 1) % 64;
    wr(GV_REG_CHAN(chid, GV_CHAN_PUT), below(8) ? put[chid] : below(128));
}

/* Regions and a bootstrap channel as a driver sets them up, with a field
 * sometimes off. */
static void boot(void)
{
    unsigned chid = below(4);

    if (!below(4)) {
        wr(GV_REG_UNPROT_SIZE_LO, below(4) ? 8u << 20 : (uint32_t)pick_val());
        wr(GV_REG_PROT_SIZE_LO, below(4) ? 48u << 20 : (uint32_t)pick_val());
        wr(GV_REG_REGION_LOCK, below(4) ? GV_LOCK_MAGIC : pick_val());
    }
    wr(GV_REG_CHAN(chid, GV_CHAN_DESC_LO),
       below(4) ? 0x10000 + 0x1000 * chid : (uint32_t)pick_val());
    wr(GV_REG_CHAN(chid, GV_CHAN_DESC_HI), 0);
    wr(GV_REG_CHAN(chid, GV_CHAN_RING_LO), (uint32_t)RING(chid));
    wr(GV_REG_CHAN(chid, GV_CHAN_RING_HI), 0);
    wr(GV_REG_CHAN(chid, GV_CHAN_RING_ENTRIES), below(4) ? 64 : below(256));
    put[chid] = rd(GV_REG_CHAN(chid, GV_CHAN_GET)) % 64;
}

/* One step of the stream. */
static void step(void)
{
    uint32_t k = below(100);
    uint64_t off;

    if (k < 35) {
        qt_write(qt, BAR0 + pick_reg(), pick_size(), pick_val());
    } else if (k < 50) {
        qt_read(qt, BAR0 + pick_reg(), pick_size());
    } else if (k < 60) {
        off = below(3) ? rnd() % VRAM : VRAM - 8 + below(16);
        if (below(2)) {
            qt_write(qt, BAR2 + off, pick_size(), pick_val());
        } else {
            qt_read(qt, BAR2 + off, pick_size());
        }
    } else if (k < 82) {
        submit(below(5));
    } else if (k < 92) {
        boot();
    } else if (k < 96) {            /* PCI COMMAND off and on around */
        qt_cfg_write16(qt, DEV, 0x04, (uint16_t)below(8));  /* an access */
        qt_write(qt, BAR0 + pick_reg(), 4, pick_val());
        qt_cfg_write16(qt, DEV, 0x04, 0x6);
    } else if (k < 98) {
        wr(GV_REG_INTR_MASK, (uint32_t)pick_val());
    } else {
        wr(GV_REG_RESET, GV_RESET_MAGIC);
        memset(put, 0, sizeof(put));
    }
}

/* The oracles; a message, or NULL. */
static const char *check(void)
{
    static char why[GV_DBG_WHY_LEN + 64];
    uint32_t v;

    if (qt->broken) {
        return "QEMU died or stopped answering";
    }
    qt_cfg_write16(qt, DEV, 0x04, 0x6);     /* memory and bus master on */
    if ((v = rd(GV_REG_ID)) != GV_ID_MAGIC) {
        snprintf(why, sizeof(why), "ID reads %#x", v);
        return qt->broken ? "QEMU died or stopped answering" : why;
    }
    for (unsigned i = 0; i < GV_DBG_HIT_MAP_WORDS; i++) {
        hit_map[i] |= rd(GV_REG_DBG_HIT_MAP + 4 * i);
    }
    v = rd(GV_REG_DBG_CHECK);
    if (v != GV_DBG_CHECK_OK) {
        char r[GV_DBG_WHY_LEN + 1] = { 0 };

        for (unsigned i = 0; i < GV_DBG_WHY_LEN; i += 4) {
            uint32_t w = rd(GV_REG_DBG_CHECK_WHY + i);

            memcpy(r + i, &w, 4);
        }
        snprintf(why, sizeof(why), "consistency check %u: %s", v, r);
        return why;
    }
    return NULL;
}

static unsigned rules_reached(void)
{
    unsigned n = 0;

    for (unsigned i = 0; i < GV_DBG_HIT_MAP_WORDS; i++) {
        n += (unsigned)__builtin_popcount(hit_map[i]);
    }
    return n;
}

int main(int argc, char **argv)
{
    uint64_t seed = 1, steps = 2000, n = 0, kill_at = 0;
    double secs = 0, t0;
    const char *trace = NULL, *why = NULL;
    char args[256];
    struct timespec ts;

    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--seed")) {
            seed = strtoull(argv[i + 1], NULL, 0);
        } else if (!strcmp(argv[i], "--steps")) {
            steps = strtoull(argv[i + 1], NULL, 0);
        } else if (!strcmp(argv[i], "--seconds")) {
            secs = atof(argv[i + 1]);
        } else if (!strcmp(argv[i], "--trace")) {
            trace = argv[i + 1];
        } else if (!strcmp(argv[i], "--kill-at")) {
            kill_at = strtoull(argv[i + 1], NULL, 0);
        } else {
            fprintf(stderr, "usage: qtest-mmio-fuzz [--seed S] [--steps N] "
                    "[--seconds T] [--trace FILE] [--kill-at N]\n");
            return 2;
        }
    }
    rng = seed;
    snprintf(args, sizeof(args), "-m 256M -device graviton-gpu,addr=%02x.0,"
             "vram-size=64M,debug=on", DEV);
    printf("qtest-mmio-fuzz: seed %" PRIu64 ", QEMU %s\n", seed, args);
    qt = qt_start(args);
    if (!qt) {
        fprintf(stderr, "qtest-mmio-fuzz: QEMU did not start ($GV_QEMU)\n");
        return 2;
    }
    if (trace) {
        qt->trace = fopen(trace, "w");
    }
    qt_place_bars(qt, DEV, (uint32_t)BAR0, BAR2);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    t0 = (double)ts.tv_sec + ts.tv_nsec / 1e9;
    while (!why && (secs > 0 || n < steps)) {
        step();
        n++;
        if (n == kill_at) {
            /* reaped: the next command is written to a dead QEMU, which
             * must be a finding (EPIPE), not the harness's SIGPIPE */
            kill(qt->pid, SIGKILL);
            waitpid(qt->pid, NULL, 0);
            qt->pid = 0;
        }
        if (n % 32 == 0 || qt->broken) {
            why = check();
        }
        clock_gettime(CLOCK_MONOTONIC, &ts);
        if (secs > 0 && (double)ts.tv_sec + ts.tv_nsec / 1e9 - t0 > secs) {
            break;
        }
    }
    if (!why) {
        why = check();
    }
    clock_gettime(CLOCK_MONOTONIC, &ts);
    secs = (double)ts.tv_sec + ts.tv_nsec / 1e9 - t0;
    if (why) {
        printf("qtest-mmio-fuzz: FINDING at step %" PRIu64 " (seed %" PRIu64
               "): %s%s%s\n", n, seed, why, trace ? "; replay: " : "",
               trace ? trace : "");
    } else {
        printf("qtest-mmio-fuzz: %" PRIu64 " steps in %.1f s (%.0f/s), "
               "%u of %u rules reached, QEMU alive, consistent\n", n, secs,
               n / (secs > 0 ? secs : 1), rules_reached(),
               rd(GV_REG_DBG_RULE_COUNT) - 1);
    }
    printf("@@QF-MAP");                 /* for scripts/fuzz.sh qtest */
    for (unsigned i = 0; i < GV_DBG_HIT_MAP_WORDS; i++) {
        printf(" %08x", hit_map[i]);
    }
    printf("\n@@QF-STEPS %" PRIu64 "\n", n);
    if (qt->trace) {
        fclose(qt->trace);
        qt->trace = NULL;
    }
    qt_quit(qt);
    if (kill_at) {
        return why && strstr(why, "QEMU died") && n == kill_at + 1 ? 0 : 1;
    }
    return why ? 1 : 0;
}
