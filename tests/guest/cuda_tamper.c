/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test: the driver lies once, and the secure cu* call that relied on
 * what it relayed fails with a CUresult and the failed check named.
 *
 * The honest driver has a test-only malicious mode (module parameter
 * x_tamper, off by default, taints the kernel): each bit corrupts one
 * byte of the next relayed quote, CH_PTE summary, measurement or AK
 * certificate, inside what the device (or the CA) signed or MAC'd, or of
 * the ciphertext of a copy in its command buffer, on its way to the device
 * or back.  In a secure context (GRAVITON_SECURE) the runtime must refuse:
 * cuCtxCreate on a tampered quote or certificate (with GRAVITON_CA set),
 * cuMemAlloc on a tampered summary, cuModuleLoadData on a tampered
 * measurement, cuMemcpyHtoD and cuMemcpyDtoH on tampered ciphertext.  The
 * same calls succeed once the driver is honest again.
 */
#define GRAVITON_CUDA_VERSION 12080     /* the 3-argument cuCtxCreate */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graviton_cuda.h"
#include "gv_kernels_embed.h"
#include "gvtest.h"

#define PARAM "/sys/module/graviton/parameters/x_tamper"
#define TAMPER_QUOTE       1u
#define TAMPER_SUMMARY     2u
#define TAMPER_MEASUREMENT 4u
#define TAMPER_CERT        8u
#define TAMPER_COPY_IN     16u
#define TAMPER_COPY_OUT    32u
#define CA                 "/pki/ca.crt"

static const char *name_of(CUresult r)
{
    const char *s = NULL;

    cuGetErrorName(r, &s);
    return s ? s : "?";
}

static int set_tamper(unsigned bits)
{
    FILE *f = fopen(PARAM, "w");
    int ok = f && fprintf(f, "%u\n", bits) > 0;

    if (f && fclose(f) != 0) {
        ok = 0;
    }
    return ok ? 0 : -1;
}

static unsigned get_tamper(void)
{
    FILE *f = fopen(PARAM, "r");
    unsigned v = ~0u;

    if (f) {
        if (fscanf(f, "%u", &v) != 1) {
            v = ~0u;
        }
        fclose(f);
    }
    return v;
}

/* The check the runtime says failed last contains @kind. */
static int check_named(const char *kind, const char **name)
{
    *name = NULL;
    return cuGravitonGetLastCheck(name) == CUDA_SUCCESS && *name &&
           strstr(*name, kind) != NULL;
}

/* One lie of @bit; @step does the call that must fail. */
static void one_lie(unsigned bit, const char *kind, CUdevice dev,
                    CUresult (*step)(CUcontext *ctx, CUdevice dev, bool lie))
{
    CUcontext ctx = NULL;
    const char *name;
    CUresult r;

    CHECK(set_tamper(0) == 0, "the driver's test mode is there");
    printf("  # driver told to corrupt the next relayed %s (x_tamper=%u)\n",
           kind, bit);
    r = step(&ctx, dev, true);
    CHECK(r != CUDA_SUCCESS, "the call relying on the %s fails: %s", kind,
          name_of(r));
    CHECK(check_named(kind, &name), "the failed check is named: \"%s\"",
          name ? name : "(none)");
    CHECK(get_tamper() == 0, "the driver lied once (x_tamper consumed)");
    if (ctx) {
        cuCtxDestroy(ctx);
        ctx = NULL;
    }
    r = step(&ctx, dev, false);
    CHECK(r == CUDA_SUCCESS, "the same call with an honest driver: %s",
          name_of(r));
    if (ctx) {
        cuCtxDestroy(ctx);
    }
}

static CUresult create(CUcontext *ctx, CUdevice dev, bool lie)
{
    set_tamper(lie ? TAMPER_QUOTE : 0);
    return cuCtxCreate(ctx, 0, dev);
}

static CUresult create_alloc(CUcontext *ctx, CUdevice dev, bool lie)
{
    CUdeviceptr p = 0;
    CUresult r;

    set_tamper(0);              /* the context's own setup stays honest */
    r = cuCtxCreate(ctx, 0, dev);
    if (r == CUDA_SUCCESS) {
        set_tamper(lie ? TAMPER_SUMMARY : 0);
        r = cuMemAlloc(&p, 4096);
        set_tamper(0);
    }
    return r;
}

static CUresult create_load(CUcontext *ctx, CUdevice dev, bool lie)
{
    const char *ptx = gv_embedded_ptx("vector_add");
    CUmodule mod = NULL;
    CUresult r;

    if (!ptx) {
        return CUDA_ERROR_FILE_NOT_FOUND;
    }
    set_tamper(0);
    r = cuCtxCreate(ctx, 0, dev);
    if (r == CUDA_SUCCESS) {
        set_tamper(lie ? TAMPER_MEASUREMENT : 0);
        r = cuModuleLoadData(&mod, ptx);
        set_tamper(0);
    }
    return r;
}

/* With the CA as trust anchor, the context checks the AK certificate the
 * driver relays. */
static CUresult create_ca(CUcontext *ctx, CUdevice dev, bool lie)
{
    CUresult r;

    setenv("GRAVITON_CA", CA, 1);
    set_tamper(lie ? TAMPER_CERT : 0);
    r = cuCtxCreate(ctx, 0, dev);
    set_tamper(0);
    unsetenv("GRAVITON_CA");
    return r;
}

/* A copy (the copy engine's crypto mode, the default scheme) with the
 * driver told to flip a byte of its sealed data in @bit's direction. */
static CUresult create_copy(CUcontext *ctx, CUdevice dev, bool lie,
                            unsigned bit)
{
    static unsigned char data[4096], back[4096];
    CUdeviceptr p = 0;
    CUresult r;

    set_tamper(0);
    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = (unsigned char)(i * 13);
    }
    r = cuCtxCreate(ctx, 0, dev);
    r = r ? r : cuMemAlloc(&p, sizeof(data));
    if (r == CUDA_SUCCESS && bit == TAMPER_COPY_IN) {
        set_tamper(lie ? bit : 0);
        r = cuMemcpyHtoD(p, data, sizeof(data));
        set_tamper(0);
    } else if (r == CUDA_SUCCESS) {
        r = cuMemcpyHtoD(p, data, sizeof(data));
        set_tamper(lie ? bit : 0);
        r = r ? r : cuMemcpyDtoH(back, p, sizeof(back));
        set_tamper(0);
        if (r == CUDA_SUCCESS && memcmp(back, data, sizeof(data)) != 0) {
            r = CUDA_ERROR_UNKNOWN;     /* accepted, and wrong */
        }
    }
    return r;
}

static CUresult create_copy_in(CUcontext *ctx, CUdevice dev, bool lie)
{
    return create_copy(ctx, dev, lie, TAMPER_COPY_IN);
}

static CUresult create_copy_out(CUcontext *ctx, CUdevice dev, bool lie)
{
    return create_copy(ctx, dev, lie, TAMPER_COPY_OUT);
}

/* The driver holds the CA's certificate of this device's AK. */
static void install_certificate(void)
{
    CHECK(system("gv-attest info /tmp/tamper.info && "
                 "gv-ca issue /pki /pki/manufacturer.crt /pki/gpu0-ek.crt "
                 "/tmp/tamper.info /tmp/tamper.crt && "
                 "gv-attest install /tmp/tamper.crt") == 0,
          "the CA's certificate of the AK is installed in the driver");
}

int main(void)
{
    CUdevice dev;

    setenv("GRAVITON_SECURE", "1", 1);
    CHECK(cuInit(0) == CUDA_SUCCESS && cuDeviceGet(&dev, 0) == CUDA_SUCCESS,
          "cuInit, device 0");
    if (access(PARAM, W_OK) != 0) {
        CHECK(0, "%s is writable (the driver's test mode)", PARAM);
        return gvtest_done();
    }
    printf("  -- a tampered quote\n");
    one_lie(TAMPER_QUOTE, "quote", dev, create);
    printf("  -- a tampered CH_PTE summary\n");
    one_lie(TAMPER_SUMMARY, "summary", dev, create_alloc);
    printf("  -- a tampered measurement\n");
    one_lie(TAMPER_MEASUREMENT, "measurement", dev, create_load);
    printf("  -- a tampered AK certificate\n");
    install_certificate();
    one_lie(TAMPER_CERT, "certificate", dev, create_ca);
    printf("  -- tampered ciphertext on its way to the device\n");
    one_lie(TAMPER_COPY_IN, "ciphertext", dev, create_copy_in);
    printf("  -- tampered ciphertext on its way to the host\n");
    one_lie(TAMPER_COPY_OUT, "ciphertext", dev, create_copy_out);
    set_tamper(0);
    return gvtest_done();
}
