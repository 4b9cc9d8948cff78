/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harness for the command processor: the input is a script of
 * malicious-driver actions against a device that already has a bootstrap
 * channel, a normal and a secure channel with tables and pages:
 *
 *   0  MMIO write:  u16 offset, u32 value (any register, reset included)
 *   1  MMIO read:   u16 offset
 *   2  group:      u8 channel, u16 length, bytes -> guest memory, ring, PUT
 *   3  aperture:   u32 offset, u64 value (write, then read back)
 *   4  commands:   u16 length, bytes wrapped in a plaintext group on the
 *                  bootstrap channel (reaches the CH_* parsers directly)
 *   5  launch:     u8 n, n x (u16 position, u8 xor) flips of a small valid
 *                  module in channel 1's page, then a LAUNCH of it on
 *                  channel 1 with fuzzed (and shaped) u32 grid, u16 block,
 *                  u16 dynamic shared, u8 function, u8 flags, u16
 *                  parameter bytes
 *                  (the device has a 20 ms watchdog: a mutant may loop)
 *
 * After every action the device must not have crashed and gv_dev_check()
 * must pass; a failure aborts (a finding).
 *
 * Built two ways (meson option `fuzzer`): with libFuzzer
 * (LLVMFuzzerTestOneInput), or as a replay program that runs files and
 * seeded random scripts through the same entry point — the latter is a
 * regular test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gv_ktest.h"
#include "gv_testdev.h"

static struct td *td;
static struct gvrt_secure sec;
static uint64_t page1;                  /* channel 1's page (VA 0) */
static uint8_t *module;                 /* a valid GVX module */
static uint32_t module_len;
static unsigned launches;               /* launch actions submitted */
static uint64_t lane_insns;             /* ... and what they executed */


/* One EK for the whole run: key generation would dominate otherwise. */
static char ek_file[64];

static void remove_ek(void)
{
    unlink(ek_file);
}

static const char *ek_path(void)
{
    if (!ek_file[0]) {
        struct td *t = td_new(32ull << 20, 4ull << 20, 24ull << 20, true);

        snprintf(ek_file, sizeof(ek_file), "/tmp/gv-fuzz-ek-%d.pem",
                 (int)getpid());
        if (rename(t->ek_path, ek_file) != 0) {
            abort();
        }
        t->ek_path[0] = 0;      /* keep it; td_free removes the directory */
        rmdir(t->tmpdir);
        td_free(t);
        atexit(remove_ek);
    }
    return ek_file;
}

static void setup_device(void)
{
    uint64_t pte;

    td_launch_timeout_ms = 20;
    td = td_new_ek(32ull << 20, 4ull << 20, 24ull << 20, ek_path());
    td_launch_timeout_ms = 0;
    memset(&sec, 0, sizeof(sec));
    if (td_create_normal(td, 1, 1) || td_create_secure(td, 2, &sec)) {
        abort();
    }
    td_table(td, 1, 0, false);
    td_table(td, 2, 0, true);
    page1 = td_alloc_prot(td, 4096, 4096);
    pte = page1 | GV_PTE_VALID;
    td_pte(td, 1, 0, 0, 1, &pte, false, NULL, NULL);
    if (!module) {
        module = ka_store_gid(&module_len);    /* what launches mutate */
    }
    pte = td_alloc_prot(td, GV_BIG_PAGE_SIZE, GV_BIG_PAGE_SIZE) |
          GV_PTE_VALID;
    td_pte(td, 2, 0, 0, 1, &pte, true, NULL, NULL);
}

struct reader {
    const uint8_t *p;
    size_t left;
};

static bool take(struct reader *r, void *out, size_t n)
{
    if (r->left < n) {
        return false;
    }
    memcpy(out, r->p, n);
    r->p += n;
    r->left -= n;
    return true;
}

static void check_or_abort(void)
{
    char why[256];

    if (gv_dev_check(td->dev, why, sizeof(why)) != 0) {
        fprintf(stderr, "fuzz-cp: consistency check failed: %s\n", why);
        abort();
    }
}

#define GROUP_ADDR (TD_GUEST_BASE + (1ull << 20))

static uint32_t rd(uint32_t reg)
{
    return (uint32_t)gv_mmio_read(td->dev, reg, 4);
}

/* Put @g in guest memory and an entry at the device's current PUT of
 * @chid's ring (wherever the script may have moved it), then ring.  No
 * expectations: the script may have broken the channel on purpose. */
static void ring_group(unsigned chid, const uint8_t *g, uint32_t len)
{
    uint32_t entries = rd(GV_REG_CHAN(chid, GV_CHAN_RING_ENTRIES));
    uint32_t put = rd(GV_REG_CHAN(chid, GV_CHAN_PUT));
    uint64_t ring = rd(GV_REG_CHAN(chid, GV_CHAN_RING_LO)) |
                    (uint64_t)rd(GV_REG_CHAN(chid, GV_CHAN_RING_HI)) << 32;
    struct gv_gpfifo_entry e = { .addr = GROUP_ADDR, .len = len };
    uint64_t at = ring + (uint64_t)put * sizeof(e);

    memcpy(td->guest + (GROUP_ADDR - TD_GUEST_BASE), g, len);
    if (at >= TD_GUEST_BASE && at - TD_GUEST_BASE <=
        TD_GUEST_SIZE - sizeof(e)) {
        memcpy(td->guest + (at - TD_GUEST_BASE), &e, sizeof(e));
    }
    gv_mmio_write(td->dev, GV_REG_CHAN(chid, GV_CHAN_PUT),
                  entries ? (put + 1) % entries : 1, 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct reader r = { data, size };
    uint8_t op, buf[4096 + 64];

    setup_device();
    while (take(&r, &op, 1)) {
        switch (op % 6) {
        case 5: {
            uint8_t n, img[2048], cmd[sizeof(struct gv_group_hdr) + 80 + 64];
            struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC };
            struct kt_launch l = { .module_size = module_len };
            uint64_t out = 2048;        /* the rest of the page */
            uint16_t block, shared, psize;
            uint8_t func, flags;

            if (!take(&r, &n, 1) || module_len > sizeof(img)) {
                break;
            }
            memcpy(img, module, module_len);
            for (unsigned k = 0; k < (n & 7u); k++) {
                uint16_t pos;
                uint8_t x;

                if (take(&r, &pos, 2) && take(&r, &x, 1)) {
                    img[pos % module_len] ^= x;
                }
            }
            if (!take(&r, &l.grid[0], 4) || !take(&r, &block, 2) ||
                !take(&r, &shared, 2) || !take(&r, &func, 1) ||
                !take(&r, &flags, 1) || !take(&r, &psize, 2)) {
                break;
            }
            gv_debug_write(td->dev, page1, img, module_len);
            /* shaped so that random scripts often pass validation (the
             * raw extremes are covered by the unit tests) */
            l.grid[0] = func & 0x80 ? l.grid[0] : l.grid[0] % 64;
            l.block[0] = block % 1100;
            l.shared_dyn = shared % 52000;
            l.func = func % 2;
            l.flags = flags % 4;
            l.params = &out;
            l.param_size = psize % 4 ? 8 : psize % 8;   /* the module: 8 */
            h.payload_len = kt_launch_cmd(&l, cmd + sizeof(h));
            memcpy(cmd, &h, sizeof(h));
            ring_group(1, cmd, sizeof(h) + h.payload_len);
            launches++;
            break;
        }
        case 0: {
            uint16_t off;
            uint32_t val;

            if (!take(&r, &off, 2) || !take(&r, &val, 4)) {
                break;
            }
            gv_mmio_write(td->dev, off & ~3u, val, 4);
            break;
        }
        case 1: {
            uint16_t off;

            if (take(&r, &off, 2)) {
                gv_mmio_read(td->dev, off & ~3u, 4);
            }
            break;
        }
        case 2: {
            uint8_t chid;
            uint16_t len;

            if (!take(&r, &chid, 1) || !take(&r, &len, 2)) {
                break;
            }
            len = len % sizeof(buf);
            if (len > r.left) {
                len = (uint16_t)r.left;
            }
            take(&r, buf, len);
            ring_group(chid % GV_MAX_CHANNELS, buf, len);
            break;
        }
        case 3: {
            uint32_t off;
            uint64_t val;

            if (!take(&r, &off, 4) || !take(&r, &val, 8)) {
                break;
            }
            gv_aperture_write(td->dev, off % (32u << 20), val, 8);
            gv_aperture_read(td->dev, off % (32u << 20), 8);
            break;
        }
        default: {
            uint16_t len;

            if (!take(&r, &len, 2)) {
                break;
            }
            len = len % 4096;
            if (len > r.left) {
                len = (uint16_t)r.left;
            }
            take(&r, buf + sizeof(struct gv_group_hdr), len);
            {
                struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC,
                                          .payload_len = len };

                memcpy(buf, &h, sizeof(h));
                ring_group(TD_BOOT_CHID, buf, sizeof(h) + len);
            }
            break;
        }
        }
        check_or_abort();
    }
    lane_insns += gv_dev_compute_lane_insns(td->dev);
    td_free(td);
    gvrt_secure_fini(&sec);
    return 0;
}

#ifndef GV_LIBFUZZER
/* Replay: each argument is a file (or a directory of files) to run; with
 * --random N SEED, N seeded random scripts as well. */
#include <dirent.h>

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    static uint8_t data[1 << 20];
    size_t n;

    if (!f) {
        perror(path);
        return 1;
    }
    n = fread(data, 1, sizeof(data), f);
    fclose(f);
    LLVMFuzzerTestOneInput(data, n);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned ran = 0;

    for (int i = 1; i < argc; i++) {
        DIR *d;

        if (!strcmp(argv[i], "--random") && i + 2 < argc) {
            const char *env = getenv("GV_FUZZ_RUNS");   /* valgrind: fewer */
            unsigned n = (unsigned)atoi(env ? env : argv[i + 1]);
            uint64_t x = strtoull(argv[i + 2], NULL, 0) | 1;
            static uint8_t data[8192];

            for (unsigned k = 0; k < n; k++) {
                size_t len = 64 + (x % 4096);

                for (size_t j = 0; j < len; j++) {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    data[j] = (uint8_t)x;
                }
                LLVMFuzzerTestOneInput(data, len);
                ran++;
            }
            i += 2;
            continue;
        }
        d = opendir(argv[i]);
        if (d) {
            struct dirent *e;
            char p[4096];

            while ((e = readdir(d))) {
                if (e->d_name[0] == '.') {
                    continue;
                }
                snprintf(p, sizeof(p), "%s/%s", argv[i], e->d_name);
                if (run_file(p)) {
                    closedir(d);
                    return 1;
                }
                ran++;
            }
            closedir(d);
        } else if (run_file(argv[i])) {
            return 1;
        } else {
            ran++;
        }
    }
    printf("fuzz-cp: %u inputs ran, device consistent after every action "
           "(%u launches, %llu lane-instructions executed)\n", ran, launches,
           (unsigned long long)lane_insns);
    return 0;
}
#endif
