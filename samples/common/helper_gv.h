/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the samples, in the manner of NVIDIA's
 * helper_cuda_drvapi.h: stop on the first failing call with its name and
 * message, pick the device from -device=N, find a module file, say what
 * kind of context the program got.
 *
 * The samples are driver-API programs that build against NVIDIA's cuda.h
 * as well as ours; what is Graviton's (secure contexts, the message of the
 * check that failed) is used only when graviton_cuda.h is there.
 */
#ifndef HELPER_GV_H
#define HELPER_GV_H

#include <cuda.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<graviton_cuda.h>)
#include <graviton_cuda.h>
#endif
#endif

#define checkCudaErrors(call) \
    helperCheck((call), #call, __FILE__, __LINE__)

static inline void helperCheck(CUresult r, const char *call,
                               const char *file, int line)
{
    const char *name = NULL, *text = NULL;

    if (r == CUDA_SUCCESS) {
        return;
    }
    cuGetErrorName(r, &name);
    cuGetErrorString(r, &text);
    fprintf(stderr, "%s:%d: %s failed: %s (%d): %s\n", file, line, call,
            name ? name : "unknown error", (int)r, text ? text : "");
#ifdef GRAVITON_CUDA_H
    {
        const char *check = NULL, *msg = NULL;

        cuGravitonGetLastCheck(&check);
        cuGravitonGetLastMessage(&msg);
        if (msg) {
            fprintf(stderr, "  %s%s%s\n", check ? check : "",
                    check ? " check: " : "", msg);
        }
    }
#endif
    exit(EXIT_FAILURE);
}

/* The device named by -device=N (default 0). */
static inline CUdevice findCudaDeviceDRV(int argc, char **argv)
{
    CUdevice dev;
    int n = 0, ordinal = 0;

    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "-device=", 8) == 0) {
            ordinal = atoi(argv[i] + 8);
        }
    }
    checkCudaErrors(cuDeviceGetCount(&n));
    if (n == 0 || ordinal < 0 || ordinal >= n) {
        fprintf(stderr, "no CUDA device %d (%d present)\n", ordinal, n);
        exit(EXIT_FAILURE);
    }
    checkCudaErrors(cuDeviceGet(&dev, ordinal));
    return dev;
}

/* An integer option -name=N, or @def. */
static inline int getCmdLineInt(int argc, char **argv, const char *name,
                                int def)
{
    size_t len = strlen(name);

    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && strncmp(argv[i] + 1, name, len) == 0 &&
            argv[i][len + 1] == '=') {
            return atoi(argv[i] + len + 2);
        }
    }
    return def;
}

/*
 * A module file: @name in the working directory, else beside the program
 * (as gv-build.sh and the guest image put them).  Returns @name or @buf.
 */
static inline const char *findModulePath(const char *name, char *buf,
                                         size_t len)
{
    ssize_t n;
    char *slash;

    if (access(name, R_OK) == 0) {
        return name;
    }
    n = readlink("/proc/self/exe", buf, len - 1);
    if (n > 0) {
        buf[n] = '\0';
        slash = strrchr(buf, '/');
        if (slash && (size_t)(slash + 1 - buf) + strlen(name) < len) {
            strcpy(slash + 1, name);
            if (access(buf, R_OK) == 0) {
                return buf;
            }
        }
    }
    fprintf(stderr, "module %s not found (in the working directory or "
            "beside the program)\n", name);
    exit(EXIT_FAILURE);
}

/* The device's clock since event @base was recorded (ms), through @mark
 * (recorded on the default stream and waited for): modelled device time
 * when the device models it (docs/devtime.md), else the host's. */
static inline double deviceClockMs(CUevent base, CUevent mark)
{
    float ms = 0;

    checkCudaErrors(cuEventRecord(mark, 0));
    checkCudaErrors(cuEventSynchronize(mark));
    checkCudaErrors(cuEventElapsedTime(&ms, base, mark));
    return ms;
}

/* The host time the current context's copies spent in cryptography so
 * far (ms; 0 in a normal context, or without graviton_cuda.h). */
static inline double copyCryptoMs(void)
{
    unsigned long long us = 0;

#ifdef GRAVITON_CUDA_H
    checkCudaErrors(cuGravitonCtxGetCopyCryptoTime(&us));
#endif
    return us / 1e3;
}

/* One line: what kind of context the current one is (Graviton: secure
 * or normal, and for a secure one what its attestation established). */
static inline void printContextKind(const char *prog)
{
#ifdef GRAVITON_CUDA_H
    const char *att = NULL;
    int secure = 0;

    checkCudaErrors(cuGravitonCtxIsSecure(NULL, &secure));
    if (!secure) {
        printf("%s: normal context\n", prog);
        return;
    }
    checkCudaErrors(cuGravitonCtxGetAttestation(NULL, &att));
    printf("%s: secure context: %s\n", prog, att ? att : "");
#else
    (void)prog;
#endif
}

#endif /* HELPER_GV_H */
