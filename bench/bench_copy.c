/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmark: secure host-to-device copy with the copy engine's crypto mode,
 * beside the paper's Table 2 (secure memcpy, AES-256 + Marsupilami14, ms).
 *
 * For each size: the plain copy (host window -> device memory), the
 * runtime's AES-256-GCM encryption on the CPU, and the copy engine copying
 * with AES-256-GCM decryption; all in the device core, median of the runs.
 * The paper's secure memcpy instead decrypts on the GPU with an AuthDec
 * kernel (that variant arrives with the compute engine).
 *
 *   bench-copy [--runs N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gv_crypto.h"
#include "gv_testdev.h"

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, n, sizeof(*v), cmp);
    return v[n / 2];
}

/* Host window: a buffer of our own standing for guest memory. */
static uint8_t *window;
static size_t window_size;

static int win_read(void *opaque, uint64_t addr, void *buf, uint64_t len)
{
    struct td *td = opaque;

    if (addr >= (1ull << 40)) {
        uint64_t off = addr - (1ull << 40);

        if (off > window_size || len > window_size - off) {
            return -1;
        }
        memcpy(buf, window + off, len);
        return 0;
    }
    if (addr < TD_GUEST_BASE || addr - TD_GUEST_BASE + len > TD_GUEST_SIZE) {
        return -1;
    }
    memcpy(buf, td->guest + (addr - TD_GUEST_BASE), len);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct { uint64_t size; double base, aes_cpu, total; }
    sizes[] = {     /* paper Table 2, ms: Base, AES on CPU, Total */
        { 4 << 10, 0.02, 0.01, 0.46 },
        { 64 << 10, 0.03, 0.05, 0.70 },
        { 256 << 10, 0.08, 0.10, 1.43 },
        { 4 << 20, 1.07, 1.46, 12.57 },
        { 64 << 20, 11.05, 25.45, 176.87 },
    };
    int runs = argc > 2 && !strcmp(argv[1], "--runs") ? atoi(argv[2]) : 9;
    struct gvrt_secure s = { 0 };
    struct td *td;
    uint8_t key[32], iv[12] = { 7 };
    uint64_t prot = 192ull << 20;
    static uint64_t ptes[GV_PTE_MAX_COUNT];
    double *t = calloc(runs > 0 ? runs : 1, sizeof(double));

    if (runs < 1 || runs > 1000) {
        fprintf(stderr, "usage: bench-copy [--runs N]\n");
        return 2;
    }
    window_size = (64 << 20) + 64;
    window = calloc(1, window_size);
    td = td_new(256ull << 20, 16ull << 20, prot, true);
    if (td_create_secure(td, 1, &s) != GV_ERR_NONE) {
        return 1;
    }
    /* 64 MiB of secure memory at VA 0: one small table of 16384 pages */
    td_table(td, 1, 0, false);
    for (unsigned done = 0; done < (64u << 20) / 4096;) {
        unsigned n = GV_PTE_MAX_COUNT;

        for (unsigned i = 0; i < n; i++) {
            ptes[i] = td_alloc_prot(td, 4096, 4096) | GV_PTE_VALID;
        }
        if (td_pte(td, 1, 0, done, n, ptes, false, NULL, NULL)) {
            return 1;
        }
        done += n;
    }
    gvc_random(key, sizeof(key));
    {
        struct gv_cmd_set_copy_key k = { .hdr = { GV_OP_SET_COPY_KEY,
                                                  sizeof(k) } };

        memcpy(k.key, key, 32);
        if (td_submit_secure(td, &s, 1, &k, sizeof(k))) {
            return 1;
        }
    }
    /* the host window: the test bench's guest memory cannot hold 64 MiB,
     * so the window is a buffer reached through a second DMA route */
    td_wr(td, GV_REG_CHAN(1, GV_CHAN_HOSTWIN_LO), 0);
    td_wr(td, GV_REG_CHAN(1, GV_CHAN_HOSTWIN_HI), 1u << 8);
    td_wr(td, GV_REG_CHAN(1, GV_CHAN_HOSTWIN_SIZE), (uint32_t)window_size);
    td_set_dma_read(td, win_read);

    printf("Host -> device copy of secure data, median of %d runs (ms)\n\n",
           runs);
    printf("%8s | %10s %10s %14s %12s | %12s %12s %12s\n", "size",
           "plain copy", "AES on CPU", "engine decrypt", "secure total",
           "paper Base", "paper AES", "paper Total");
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        uint64_t n = sizes[i].size, dst = 0;
        double plain, aes, dec;
        struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) },
                                 .flags = GV_COPY_SRC_HOST, .src = 0,
                                 .dst = 0, .size = n };
        uint8_t *pt = malloc(n);

        memset(pt, 0x42, n);
        for (int k = 0; k < runs; k++) {
            double t0 = now_ms();

            td_submit_secure(td, &s, 1, &c, sizeof(c));
            t[k] = now_ms() - t0;
        }
        plain = median(t, runs);
        for (int k = 0; k < runs; k++) {
            double t0 = now_ms();

            gvc_gcm_seal(key, iv, &dst, 8, pt, n, window, window + n);
            t[k] = now_ms() - t0;
        }
        aes = median(t, runs);
        c.flags = GV_COPY_SRC_HOST | GV_COPY_DECRYPT;
        memcpy(c.iv, iv, sizeof(iv));
        for (int k = 0; k < runs; k++) {
            double t0 = now_ms();
            int r = td_submit_secure(td, &s, 1, &c, sizeof(c));

            t[k] = now_ms() - t0;
            if (r) {
                fprintf(stderr, "bench-copy: decrypting copy failed: %d\n", r);
                return 1;
            }
        }
        dec = median(t, runs);
        printf("%6llu K | %10.3f %10.3f %14.3f %12.3f | %12.2f %12.2f %12.2f\n",
               (unsigned long long)(n >> 10), plain, aes, dec, aes + dec,
               sizes[i].base, sizes[i].aes_cpu, sizes[i].total);
        free(pt);
    }
    printf("\nsecure total = AES on CPU + engine decrypt; the paper's total "
           "adds its GPU AuthDec kernel and a SHA-3 MAC.\n");
    free(t);
    free(window);
    gvrt_secure_fini(&s);
    td_free(td);
    return 0;
}
