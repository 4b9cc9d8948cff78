/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack: the secure mode of a CUDA driver-API program, proved by scanning.
 *
 * A child runs a small cu* program (libgvcuda): cuMemcpyHtoD of a buffer
 * filled with a 16-byte plaintext marker, a kernel that writes the marker
 * XOR a constant (a second, derived marker) into its output, cuMemcpyDtoH
 * of the output.  At three points (after HtoD, after the launch, after
 * DtoH, before anything is freed) it stops and the attacker scans
 * everything it can read for either marker: all of unprotected memory
 * through BAR2, the child's command buffers (host windows) and the
 * driver's bootstrap buffer in guest RAM, its own DMA buffer, the
 * registers.
 *
 * Secure run (GRAVITON_SECURE=1): neither marker anywhere, at any point.
 * Plain run, the positive control that proves the scan sees the data: the
 * input marker is found after HtoD and the output marker after DtoH (a
 * plain copy stages its data in the channel's host window in guest RAM).
 */
#define GRAVITON_CUDA_VERSION 12080
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "graviton_cuda.h"
#include "atk.h"

#define MARKER_LEN  16
#define NWORDS      (16u << 10)         /* 64 KiB */
#define XOR_K       0x5a5aa5a5u

static const uint8_t marker_in[MARKER_LEN] = {
    0xc3, 0x9e, 0x51, 0x7a, 0x0d, 0xb4, 0x26, 0xe8,
    0x93, 0x4f, 0x1c, 0xd7, 0x62, 0xab, 0x38, 0xf5,
};
static uint8_t marker_out[MARKER_LEN];

/* out[i] = in[i] ^ k, i < n */
static const char xor_ptx[] =
    ".version 7.0\n.target sm_70\n.address_size 64\n"
    ".visible .entry xor_copy(.param .u64 p_in, .param .u64 p_out,\n"
    "    .param .u32 p_k, .param .u32 p_n)\n{\n"
    "    .reg .pred %p<2>;\n"
    "    .reg .b32 %r<10>;\n"
    "    .reg .b64 %rd<8>;\n"
    "    ld.param.u32 %r1, [p_n];\n"
    "    mov.u32 %r2, %ntid.x;\n"
    "    mov.u32 %r3, %ctaid.x;\n"
    "    mov.u32 %r4, %tid.x;\n"
    "    mad.lo.s32 %r5, %r2, %r3, %r4;\n"
    "    setp.ge.s32 %p1, %r5, %r1;\n"
    "    @%p1 bra DONE;\n"
    "    ld.param.u64 %rd1, [p_in];\n"
    "    ld.param.u64 %rd2, [p_out];\n"
    "    ld.param.u32 %r6, [p_k];\n"
    "    cvta.to.global.u64 %rd1, %rd1;\n"
    "    cvta.to.global.u64 %rd2, %rd2;\n"
    "    mul.wide.s32 %rd3, %r5, 4;\n"
    "    add.s64 %rd4, %rd1, %rd3;\n"
    "    add.s64 %rd5, %rd2, %rd3;\n"
    "    ld.global.u32 %r7, [%rd4];\n"
    "    xor.b32 %r8, %r7, %r6;\n"
    "    st.global.u32 [%rd5], %r8;\n"
    "DONE:\n"
    "    ret;\n}\n";

enum { PT_HTOD, PT_LAUNCH, PT_DTOH, NPOINTS };
static const char *const point_name[NPOINTS] = {
    "after cuMemcpyHtoD", "after the launch", "after cuMemcpyDtoH",
};

static const char *cu_name(CUresult r)
{
    const char *s = NULL;

    cuGetErrorName(r, &s);
    return s ? s : "?";
}

#define CU_OK(call, what)                                                 \
    do {                                                                  \
        CUresult r_ = (call);                                             \
        CHECK(r_ == CUDA_SUCCESS, "child: %s (%s)", what, cu_name(r_));   \
        if (r_ != CUDA_SUCCESS) {                                         \
            _exit(2);                                                     \
        }                                                                 \
    } while (0)

/* Child -> parent: one byte per point; parent -> child: go on. */
static void sync_point(int to_parent, int from_parent, uint8_t point)
{
    uint8_t go;

    if (write(to_parent, &point, 1) != 1 ||
        read(from_parent, &go, 1) != 1) {
        _exit(3);
    }
}

static void child(bool secure, int to_parent, int from_parent)
{
    size_t sz = NWORDS * sizeof(uint32_t);
    uint8_t *in = malloc(sz), *out = malloc(sz);
    CUcontext ctx;
    CUmodule mod;
    CUfunction f;
    CUdeviceptr din, dout;
    uint32_t k = XOR_K, n = NWORDS;
    void *args[] = { &din, &dout, &k, &n };
    int sec = -1;

    if (secure) {
        setenv("GRAVITON_SECURE", "1", 1);
    } else {
        unsetenv("GRAVITON_SECURE");
    }
    for (size_t i = 0; i < sz; i++) {
        in[i] = marker_in[i % MARKER_LEN];
    }
    memset(out, 0, sz);
    CU_OK(cuInit(0), "cuInit");
    CU_OK(cuCtxCreate(&ctx, 0, 0), "cuCtxCreate");
    CU_OK(cuGravitonCtxIsSecure(NULL, &sec), "cuGravitonCtxIsSecure");
    CHECK(sec == secure, "child: the context is %ssecure",
          sec ? "" : "not ");
    CU_OK(cuModuleLoadData(&mod, xor_ptx), "cuModuleLoadData (PTX)");
    CU_OK(cuModuleGetFunction(&f, mod, "xor_copy"), "cuModuleGetFunction");
    CU_OK(cuMemAlloc(&din, sz), "cuMemAlloc in");
    CU_OK(cuMemAlloc(&dout, sz), "cuMemAlloc out");
    CU_OK(cuMemcpyHtoD(din, in, sz), "cuMemcpyHtoD of the marker");
    sync_point(to_parent, from_parent, PT_HTOD);
    CU_OK(cuLaunchKernel(f, NWORDS / 256, 1, 1, 256, 1, 1, 0, NULL, args,
                         NULL), "cuLaunchKernel out = in ^ k");
    CU_OK(cuCtxSynchronize(), "cuCtxSynchronize");
    sync_point(to_parent, from_parent, PT_LAUNCH);
    CU_OK(cuMemcpyDtoH(out, dout, sz), "cuMemcpyDtoH");
    sync_point(to_parent, from_parent, PT_DTOH);
    bool good = true;
    for (size_t i = 0; i < sz; i++) {
        good &= out[i] == marker_out[i % MARKER_LEN];
    }
    CHECK(good, "child: the output is the marker ^ 0x%08x everywhere", XOR_K);
    cuMemFree(din);
    cuMemFree(dout);
    cuModuleUnload(mod);
    cuCtxDestroy(ctx);
    free(in);
    free(out);
    _exit(gvtest_done());
}

static bool scan_hostwin(struct gva *a, unsigned chid, const uint8_t *m)
{
    uint64_t base = gva_chan_rd(a, chid, GV_CHAN_HOSTWIN_LO) |
                    (uint64_t)gva_chan_rd(a, chid, GV_CHAN_HOSTWIN_HI) << 32;
    uint32_t size = gva_chan_rd(a, chid, GV_CHAN_HOSTWIN_SIZE);
    uint8_t *b = size ? malloc(size) : NULL;
    bool found = false;

    if (b && gva_phys_read(a, base, b, size) == 0) {
        found = gva_scan(b, size, m, MARKER_LEN);
    }
    free(b);
    return found;
}

/* Where the attacker finds marker @m (bit 0: BAR2, 1: host windows of
 * @pid's channels, 2: the driver's bootstrap buffer, 3: its own buffer,
 * 4: registers); *@nwin: how many of @pid's channels were scanned. */
static unsigned scan_all(struct gva *a, pid_t pid, const uint8_t *m,
                         unsigned *nwin)
{
    struct gva_drv_state *s = calloc(1, sizeof(*s));
    uint8_t *boot = malloc(64u << 10);
    struct gv_gpfifo_entry e;
    uint8_t *g = NULL;
    unsigned where = 0;

    *nwin = 0;
    if (gva_scan_bar2(a, 0, a->unprot, m, MARKER_LEN)) {
        where |= 1;
    }
    if (s && gva_drv_state(s) == 0) {
        for (unsigned i = 0; i < s->nchans; i++) {
            if (s->chan[i].pid != pid) {
                continue;
            }
            (*nwin)++;
            if (scan_hostwin(a, s->chan[i].chid, m)) {
                where |= 2;
            }
        }
    }
    if (boot && gva_record(a, 0, -1, &e, &g) == 0 &&
        gva_phys_read(a, e.addr, boot, 64u << 10) == 0 &&
        gva_scan(boot, 64u << 10, m, MARKER_LEN)) {
        where |= 4;
    }
    if (gva_scan(a->boot_buf.cpu, a->boot_buf.size, m, MARKER_LEN)) {
        where |= 8;
    }
    if (gva_scan_regs(a, m, MARKER_LEN)) {
        where |= 16;
    }
    free(g);
    free(boot);
    free(s);
    return where;
}

static const char *where_str(unsigned w, char *buf, size_t len)
{
    static const char *const names[] = {
        "BAR2", "host window", "bootstrap buffer", "own buffer", "registers",
    };

    buf[0] = 0;
    for (unsigned i = 0; i < 5; i++) {
        if (w & 1u << i) {
            snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
                     buf[0] ? ", " : "", names[i]);
        }
    }
    if (!buf[0]) {
        snprintf(buf, len, "nowhere");
    }
    return buf;
}

static void run(struct gva *a, bool secure)
{
    int c2p[2], p2c[2], st = -1;
    const char *mode = secure ? "secure" : "plain";
    unsigned found_in[NPOINTS] = { 0 }, found_out[NPOINTS] = { 0 };
    pid_t pid;
    uint8_t pt;

    printf("  -- %s run\n", mode);
    fflush(stdout);
    if (pipe(c2p) || pipe(p2c)) {
        CHECK(0, "%s: pipes", mode);
        return;
    }
    pid = fork();
    if (pid == 0) {
        close(c2p[0]);
        close(p2c[1]);
        child(secure, c2p[1], p2c[0]);
    }
    close(c2p[1]);
    close(p2c[0]);
    CHECK(pid > 0, "%s: child forked", mode);
    for (int i = 0; pid > 0 && i < NPOINTS; i++) {
        char b1[128], b2[128];
        unsigned nwin = 0, nwin2;

        if (read(c2p[0], &pt, 1) != 1 || pt != i) {
            CHECK(0, "%s: the child reached %s", mode, point_name[i]);
            break;
        }
        found_in[i] = scan_all(a, pid, marker_in, &nwin);
        found_out[i] = scan_all(a, pid, marker_out, &nwin2);
        printf("  # %s, %s: %u channel(s) of the child; input marker: %s; "
               "output marker: %s\n", mode, point_name[i], nwin,
               where_str(found_in[i], b1, sizeof(b1)),
               where_str(found_out[i], b2, sizeof(b2)));
        CHECK(nwin > 0, "%s, %s: the child's channels found in the "
              "driver's state", mode, point_name[i]);
        if (secure) {
            CHECK(!found_in[i] && !found_out[i], "secure, %s: neither "
                  "marker anywhere the attacker reads (all %llu MiB of "
                  "unprotected memory through BAR2, the child's command "
                  "buffers, the driver's bootstrap buffer, the attacker's "
                  "own DMA buffer, the registers)", point_name[i],
                  (unsigned long long)(a->unprot >> 20));
        }
        pt = 1;
        if (write(p2c[1], &pt, 1) != 1) {
            break;
        }
    }
    if (!secure) {
        CHECK(found_in[PT_HTOD] != 0, "plain, after cuMemcpyHtoD: the "
              "input marker is visible to the attacker (the scan sees "
              "plaintext)");
        CHECK(found_out[PT_DTOH] != 0, "plain, after cuMemcpyDtoH: the "
              "kernel's output marker is visible to the attacker");
    }
    close(c2p[0]);
    close(p2c[1]);
    if (pid > 0) {
        waitpid(pid, &st, 0);
    }
    CHECK(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "%s: the child's program ran correctly (status 0x%x)", mode, st);
}

int main(void)
{
    struct gva a;
    int r;

    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("cuda_marker: a CUDA driver-API program's data, secure and "
           "plain, against everything the attacker reads\n");
    for (int i = 0; i < MARKER_LEN; i += 4) {
        uint32_t w;

        memcpy(&w, marker_in + i, 4);
        w ^= XOR_K;
        memcpy(marker_out + i, &w, 4);
    }
    r = gva_open(&a);
    CHECK(r == 0, "attacker: /dev/gv_attack, BARs mapped (%d)", r);
    if (r) {
        return gvtest_done();
    }
    run(&a, true);
    run(&a, false);
    gva_close(&a);
    CHECK(gvtest_kernel_clean(), "no kernel warnings");
    return gvtest_done();
}
