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
 *   GRAVITON_COPY_SCHEME          environment: the default copy scheme,
 *                                 one of "authdec-gcm", "authdec-kmac",
 *                                 "engine-gcm" (CUgravitonCopyScheme)
 *   CUgravitonCopyScheme          copy schemes of a secure context
 *   cuGravitonCtxSetCopyScheme    choose the current context's scheme
 *   cuGravitonCtxGetCopyScheme    read it
 *   cuGravitonCtxIsSecure         is a context secure?
 *   CUgravitonAttestation         what attestation established
 *   cuGravitonCtxGetAttestation   read it for a context
 *   cuGravitonGetLastCheck        the check that failed last (this thread)
 *   cuGravitonGetLastMessage      the message that came with it
 *   CU_GRAVITON_CHECK_*           the names of the checks
 *   cudaSecureMalloc, cudaSecureFree, cudaSecureMemcpy,
 *   cudaSecureMemcpyHtoD, cudaSecureMemcpyDtoH, cudaSecureKernelLaunch,
 *   cudaSecureStreamCreate        the paper's primitives (section 5)
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
 * well outside NVIDIA's CU_CTX_FLAGS_MASK (0xff) and every CUctx_flags
 * value, so it can never mean anything to NVIDIA's driver.
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
 *   AUTHDEC_AES_KMAC   the same kernels' other scheme: AES-256-CTR, then a
 *                      KMAC256 tag (SHA-3 family, NIST SP 800-185) over
 *                      the IV and the ciphertext (encrypt-then-MAC, keys
 *                      of their own for each).
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

/* ---- Attestation ---- */

/* *@secure = 1 if @ctx (NULL: the current context) is secure, else 0. */
CUresult CUDAAPI cuGravitonCtxIsSecure(CUcontext ctx, int *secure);

/* CUgravitonAttestation.flags */
#define CU_GRAVITON_ATTEST_SECURE       0x1  /* quote verified, CEK taken */
#define CU_GRAVITON_ATTEST_AK_CERTIFIED 0x2  /* AK certificate checked
                                              * under trustAnchor */
#define CU_GRAVITON_ATTEST_AK_ENDORSED  0x4  /* AK endorsed by a known EK
                                              * (no CA) */

/*
 * What a secure context's creation established.  Set @version to
 * CU_GRAVITON_ATTESTATION_VERSION before the call; fields are only ever
 * appended.  A context that is not secure reads as all zeros but for
 * @version.
 */
#define CU_GRAVITON_ATTESTATION_VERSION 1
typedef struct CUgravitonAttestation_st {
    unsigned int version;           /* in: CU_GRAVITON_ATTESTATION_VERSION */
    unsigned int flags;             /* CU_GRAVITON_ATTEST_* */
    unsigned int firmwareVersion;   /* the command processor's, quoted */
    unsigned int channel;           /* the channel whose quote it was */
    unsigned long long incarnation; /* that channel's, from the quote */
    unsigned char akPublicKey[65];  /* the quote's signer: P-256, SEC1
                                     * uncompressed */
    unsigned char reserved[7];
    char trustAnchor[256];          /* the CA certificate's file, or "" */
} CUgravitonAttestation;

/* Read @ctx's (NULL: the current context's) attestation result. */
CUresult CUDAAPI cuGravitonCtxGetAttestation(CUcontext ctx,
                                             CUgravitonAttestation *att);

/*
 * The checks the trusted runtime makes, by name.  When a call fails
 * because one of them failed, the calling thread's "last check" is set to
 * that name and its "last message" to a sentence saying what was checked
 * against what; both stay until the thread's next failing call.
 */
#define CU_GRAVITON_CHECK_QUOTE         "quote"        /* signature, UK,
                                                        * nonce, version,
                                                        * firmware, flags */
#define CU_GRAVITON_CHECK_CERTIFICATE   "certificate"  /* AK chain to the
                                                        * trust anchor */
#define CU_GRAVITON_CHECK_SUMMARY       "summary"      /* CH_PTE summary:
                                                        * MAC, freshness,
                                                        * all protected */
#define CU_GRAVITON_CHECK_MEASUREMENT   "measurement"  /* CH_MEASURE digest
                                                        * of a module or
                                                        * of AuthDec */
#define CU_GRAVITON_CHECK_CIPHERTEXT    "ciphertext"   /* a copy's tag */
#define CU_GRAVITON_CHECK_COMMAND       "command"      /* the device refused
                                                        * an authenticated
                                                        * command group */

/*
 * *@name = the CU_GRAVITON_CHECK_* name of the check that made the
 * calling thread's last failing call fail, or NULL if that call failed
 * for another reason or no call has failed.  The string is static.
 */
CUresult CUDAAPI cuGravitonGetLastCheck(const char **name);
/* *@message = the message of that failure (any failure, not only a
 * check's), or NULL.  Valid until the thread's next failing call. */
CUresult CUDAAPI cuGravitonGetLastMessage(const char **message);

/* ---- The paper's primitives ---- */

/* Secure device memory: every CH_PTE summary checked, all pages
 * protected. */
CUresult CUDAAPI cudaSecureMalloc(CUdeviceptr *dptr, size_t bytesize);
/* Clear with the memset kernel, then unmap with the runtime's MACs. */
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
