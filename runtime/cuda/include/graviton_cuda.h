/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * graviton_cuda.h: libgvcuda's extensions to the CUDA driver API — secure
 * contexts, the Graviton paper's cudaSecure* calls, the choice of secure
 * copy scheme, and what attestation found.  Includes cuda.h.
 *
 * Names (the contract between this header and libgvcuda):
 *
 *   CU_CTX_GRAVITON_SECURE        context flag: create a secure context
 *   GRAVITON_SECURE=1             environment: every context is secure
 *   GRAVITON_CA                   environment: the trust anchor (CA
 *                                 certificate file) for the AK's chain;
 *                                 unset: the EK's endorsement of the AK
 *   GRAVITON_COPY_SCHEME          environment: the default copy scheme,
 *                                 one of "authdec-gcm", "authdec-kmac",
 *                                 "engine-gcm" (CUgravitonCopyScheme)
 *   CUgravitonCopyScheme          copy schemes of a secure context
 *   cuGravitonCtxSetCopyScheme    choose the current context's scheme
 *   cuGravitonCtxGetCopyScheme    read it
 *   cuGravitonCtxGetCopyCryptoTime  host time spent in copy crypto
 *   cuGravitonCtxIsSecure         is a context secure?
 *   cuGravitonCtxGetAttestation   what attestation established (a line)
 *   cuGravitonGetLastCheck        the check that failed last (this thread)
 *   cuGravitonGetLastMessage      the message of the last failure
 *   CU_GRAVITON_CHECK_*           the kinds of check (a word of each name)
 *   cudaSecureMalloc, cudaSecureFree, cudaSecureMemcpy,
 *   cudaSecureMemcpyHtoD, cudaSecureMemcpyDtoH, cudaSecureKernelLaunch,
 *   cudaSecureStreamCreate        the Graviton paper's primitives
 *
 * A context is secure when it is created with CU_CTX_GRAVITON_SECURE or
 * while GRAVITON_SECURE=1 is set.  In a secure context every cu* call
 * takes the secure path (cuMemAlloc is cudaSecureMalloc, cuMemcpyHtoD is
 * a secure copy, ...), so an unmodified program runs securely; the
 * cudaSecure* names exist for programs that want to say so, and fail
 * with CUDA_ERROR_NOT_PERMITTED in a context that is not secure.
 * docs/runtime.md describes the protocol behind each call.
 */
#ifndef GRAVITON_CUDA_H
#define GRAVITON_CUDA_H

#include "cuda.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Context flag for cuCtxCreate (either form): a secure context.  Bit 30,
 * well outside NVIDIA's CU_CTX_FLAGS_MASK (0xff), so it is none of
 * NVIDIA's context flags (check_cuda_h.py checks it against them).
 */
#define CU_CTX_GRAVITON_SECURE  0x40000000

/* ---- Secure copies ---- */

/*
 * How a secure context moves data between host and device memory.  The
 * data is encrypted in the trusted process and only ciphertext crosses
 * untrusted memory; the schemes differ in who decrypts on the device and
 * in the cipher (the paper's "crypto agility", Figure 9):
 *
 *   AUTHDEC_AES_GCM    the paper's way: the AuthDec kernel (AuthEnc for
 *                      device to host), measured with CH_MEASURE when the
 *                      context is created, decrypts and checks the tag in
 *                      device memory; AES-256-GCM.
 *   AUTHDEC_AES_KMAC   the same way with AES-256-CTR, then a KMAC256 tag
 *                      (SHA-3 family, NIST SP 800-185) over the IV and the
 *                      ciphertext: encrypt-then-MAC, a fresh key for each;
 *                      the tag is a tree (a KMAC256 per 8 KiB chunk, one
 *                      device thread each, then one over those), so the
 *                      MAC runs in parallel on the device.
 *   ENGINE_AES_GCM     the copy engine's crypto mode (as NVIDIA H100's
 *                      confidential computing): AES-256-GCM under a
 *                      per-stream key set by an authenticated command.
 *
 * CU_GRAVITON_COPY_DEFAULT means the context's default: GRAVITON_COPY_SCHEME
 * if set, else libgvcuda's choice (docs/runtime.md).
 */
typedef enum CUgravitonCopyScheme_enum {
    CU_GRAVITON_COPY_DEFAULT = 0,
    CU_GRAVITON_COPY_AUTHDEC_AES_GCM = 1,
    CU_GRAVITON_COPY_AUTHDEC_AES_KMAC = 2,
    CU_GRAVITON_COPY_ENGINE_AES_GCM = 3
} CUgravitonCopyScheme;

/* Choose the scheme of the current context's later copies.  Not secure:
 * CUDA_ERROR_NOT_PERMITTED; an unknown scheme: CUDA_ERROR_INVALID_VALUE. */
CUresult CUDAAPI cuGravitonCtxSetCopyScheme(CUgravitonCopyScheme scheme);
/* The scheme in force (never CU_GRAVITON_COPY_DEFAULT). */
CUresult CUDAAPI cuGravitonCtxGetCopyScheme(CUgravitonCopyScheme *scheme);
/*
 * Profiling: the host time the current context's copies have spent in
 * cryptography (sealing data for the device, opening data from it, for
 * every scheme), in microseconds since the context was created.  The
 * Graviton paper's Table 2 splits a secure copy into the plain copy, the
 * CPU-side and the GPU-side cryptography; gv-cuda-bench does the same.
 */
CUresult CUDAAPI cuGravitonCtxGetCopyCryptoTime(unsigned long long *us);

/* ---- Attestation and failed checks ---- */

/* *@secure = 1 if @ctx (NULL: the current context) is secure, else 0. */
CUresult CUDAAPI cuGravitonCtxIsSecure(CUcontext ctx, int *secure);

/*
 * *@text = one line saying what attestation established for @ctx (NULL:
 * the current context): how the AK was trusted (certificate chain to the
 * trust anchor, or the EK's endorsement), the quoted firmware, the
 * channel; "" for a context that is not secure.  Valid while @ctx lives.
 */
CUresult CUDAAPI cuGravitonCtxGetAttestation(CUcontext ctx,
                                             const char **text);

/*
 * The kinds of check the trusted runtime makes.  Each check has a name of
 * its own (a constant string such as "quote signature", "AK certificate
 * chain", "summary MAC", "measurement digest"), and the name contains the
 * word of its kind, so a program or a test can tell what failed without
 * knowing every name.
 */
#define CU_GRAVITON_CHECK_QUOTE         "quote"        /* signature, UK,
                                                        * nonce, firmware,
                                                        * flags, key */
#define CU_GRAVITON_CHECK_CERTIFICATE   "certificate"  /* AK chain to the
                                                        * trust anchor */
#define CU_GRAVITON_CHECK_SUMMARY       "summary"      /* CH_PTE summary:
                                                        * MAC, counter,
                                                        * all protected */
#define CU_GRAVITON_CHECK_MEASUREMENT   "measurement"  /* CH_MEASURE digest
                                                        * of a module or
                                                        * of AuthDec */
#define CU_GRAVITON_CHECK_CIPHERTEXT    "ciphertext"   /* a secure copy's
                                                        * tag */

/*
 * *@name = the name of the check that made the calling thread's last
 * failing cu* call fail, or NULL if that call failed for another reason
 * (or none has failed).  A context's creation counts: its attestation
 * failures are read here, as no context exists to ask.  Static string.
 */
CUresult CUDAAPI cuGravitonGetLastCheck(const char **name);
/* *@message = the message of the calling thread's last failing call (any
 * failure: the translator's error for bad PTX, the check and what it
 * compared for a failed check), or NULL.  Valid until the thread's next
 * failing call. */
CUresult CUDAAPI cuGravitonGetLastMessage(const char **message);

/* ---- The paper's primitives ---- */

/* Secure device memory: every CH_PTE summary checked, all pages
 * protected. */
CUresult CUDAAPI cudaSecureMalloc(CUdeviceptr *dptr, size_t bytesize);
/* Clear through the copy engine (the paper's memset, as a fill), then unmap
 * with the runtime's MACs (docs/security.md, "Secure free"). */
CUresult CUDAAPI cudaSecureFree(CUdeviceptr dptr);

/* Direction of cudaSecureMemcpy. */
typedef enum cudaSecureMemcpyKind_enum {
    cudaSecureMemcpyHostToDevice = 1,
    cudaSecureMemcpyDeviceToHost = 2
} cudaSecureMemcpyKind;

/* Copy with the context's copy scheme.  The device side is a CUdeviceptr
 * cast to a pointer: (void *)(uintptr_t)dptr. */
CUresult CUDAAPI cudaSecureMemcpy(void *dst, const void *src,
                                  size_t ByteCount,
                                  cudaSecureMemcpyKind kind);
CUresult CUDAAPI cudaSecureMemcpyHtoD(CUdeviceptr dstDevice,
                                      const void *srcHost, size_t ByteCount);
CUresult CUDAAPI cudaSecureMemcpyDtoH(void *dstHost, CUdeviceptr srcDevice,
                                      size_t ByteCount);

/* An encrypted launch; the arguments are cuLaunchKernel's. */
CUresult CUDAAPI cudaSecureKernelLaunch(CUfunction f, unsigned int gridDimX,
                                        unsigned int gridDimY,
                                        unsigned int gridDimZ,
                                        unsigned int blockDimX,
                                        unsigned int blockDimY,
                                        unsigned int blockDimZ,
                                        unsigned int sharedMemBytes,
                                        CUstream hStream, void **kernelParams,
                                        void **extra);

/* A stream of the current secure context: a secure channel sharing its
 * page tables, with summaries checked when memory is mapped into it.
 * @Flags as cuStreamCreate's. */
CUresult CUDAAPI cudaSecureStreamCreate(CUstream *phStream,
                                        unsigned int Flags);

#ifdef __cplusplus
}
#endif

#endif /* GRAVITON_CUDA_H */
