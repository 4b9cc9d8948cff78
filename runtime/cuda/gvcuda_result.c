/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libgvcuda: the one place where the runtime's results (0, -errno, a
 * device's GV_ERR_* code) become CUresults, and where the calling
 * thread's last failure is kept (cuGravitonGetLastCheck/Message).
 * docs/runtime.md has the table.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "graviton/gv_cmds.h"
#include "gvcuda_int.h"

static __thread const char *last_check;
static __thread char last_message[512];
static __thread bool have_message;

static void record(const char *call, CUresult res, const char *check,
                   const char *fmt, va_list ap)
{
    int n = snprintf(last_message, sizeof(last_message), "%s: ", call);

    if (n < 0 || (size_t)n >= sizeof(last_message)) {
        n = 0;
    }
    if (fmt) {
        vsnprintf(last_message + n, sizeof(last_message) - n, fmt, ap);
    } else {
        const char *s = NULL;

        cuGetErrorString(res, &s);
        snprintf(last_message + n, sizeof(last_message) - n, "%s",
                 s ? s : "error");
    }
    last_check = check;
    have_message = true;
}

static void record_f(const char *call, CUresult res, const char *check,
                     const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    record(call, res, check, fmt, ap);
    va_end(ap);
}

CUresult gvcuda_fail(const char *call, CUresult res, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    record(call, res, NULL, fmt, ap);
    va_end(ap);
    return res;
}

CUresult gvcuda_err(const char *call, CUresult res)
{
    if (res != CUDA_SUCCESS) {
        record_f(call, res, NULL, NULL);
    }
    return res;
}

CUresult gvcuda_sticky_result(int code)
{
    switch (code) {
    case GV_ERR_FAULT:
        return CUDA_ERROR_ILLEGAL_ADDRESS;
    case GV_ERR_TIMEOUT:
        return CUDA_ERROR_LAUNCH_TIMEOUT;
    default:
        return CUDA_ERROR_LAUNCH_FAILED;
    }
}

/* A device error code (GV_ERR_*). */
static CUresult device_result(const char *call, int code)
{
    switch (code) {
    case GV_ERR_FAULT:
        record_f(call, CUDA_ERROR_ILLEGAL_ADDRESS, NULL,
                 "the kernel or copy accessed memory it may not "
                 "(device error %d, fault)", code);
        return CUDA_ERROR_ILLEGAL_ADDRESS;
    case GV_ERR_TIMEOUT:
        record_f(call, CUDA_ERROR_LAUNCH_TIMEOUT, NULL,
                 "the launch was stopped by the device's watchdog");
        return CUDA_ERROR_LAUNCH_TIMEOUT;
    case GV_ERR_BAD_MODULE:
        record_f(call, CUDA_ERROR_INVALID_IMAGE, NULL,
                 "the device refused the module or the launch");
        return CUDA_ERROR_INVALID_IMAGE;
    case GV_ERR_AUTH:
    case GV_ERR_MAC:
        record_f(call, CUDA_ERROR_NOT_PERMITTED, NULL,
                 "the device refused an authenticated command (device "
                 "error %d: %s)", code,
                 code == GV_ERR_AUTH ? "group authentication" : "MAC");
        return CUDA_ERROR_NOT_PERMITTED;
    case GV_ERR_DATA_AUTH:
        record_f(call, CUDA_ERROR_NOT_PERMITTED,
                 "ciphertext tag (checked by the copy engine)",
                 "ciphertext tag (checked by the copy engine): the data "
                 "was changed in untrusted memory");
        return CUDA_ERROR_NOT_PERMITTED;
    case GV_ERR_NO_RESOURCES:
        record_f(call, CUDA_ERROR_OUT_OF_MEMORY, NULL,
                 "the device is out of resources");
        return CUDA_ERROR_OUT_OF_MEMORY;
    case GV_ERR_NO_ATTESTATION:
        record_f(call, CUDA_ERROR_NOT_SUPPORTED, NULL,
                 "the device has no attestation key: no secure context");
        return CUDA_ERROR_NOT_SUPPORTED;
    default:
        record_f(call, CUDA_ERROR_LAUNCH_FAILED, NULL,
                 "the device refused the work (device error %d)", code);
        return CUDA_ERROR_LAUNCH_FAILED;
    }
}

/* A negative errno, with the CUresult it means and a message. */
static CUresult errno_result(const char *call, int e, const char *failed)
{
    switch (e) {
    case EINVAL:
    case EFAULT:
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "an argument is invalid");
    case ERANGE:
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "the device range is not inside one allocation "
                           "of the context");
    case E2BIG:
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "more kernel parameters than the kernel takes");
    case EDOM:
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "the launch shape is beyond the device's or the "
                           "kernel's limits (block, grid or shared memory)");
    case EBADF:
        return gvcuda_fail(call, CUDA_ERROR_INVALID_HANDLE,
                           "the handle is not an object of this context");
    case ENOENT:
        return gvcuda_fail(call, CUDA_ERROR_NOT_FOUND,
                           "no such function or variable in the module");
    case ENOEXEC:
        return gvcuda_fail(call, CUDA_ERROR_NO_BINARY_FOR_GPU,
                           "a binary for another GPU: PTX is needed");
    case EILSEQ:
        return gvcuda_fail(call, CUDA_ERROR_INVALID_PTX,
                           "the PTX translator refused the module");
    case ENOMEM:
    case ENOSPC:
        return gvcuda_fail(call, CUDA_ERROR_OUT_OF_MEMORY,
                           "out of memory (%s)", strerror(e));
    case EBUSY:
    case EAGAIN:
        return gvcuda_fail(call, CUDA_ERROR_NOT_READY,
                           "the work has not completed yet");
    case ETIMEDOUT:
        return gvcuda_fail(call, CUDA_ERROR_LAUNCH_TIMEOUT,
                           "the device did not finish in time");
    case ENODEV:
    case ENXIO:
        return gvcuda_fail(call, CUDA_ERROR_NO_DEVICE,
                           "the device is not available (%s)", strerror(e));
    case EPERM:
    case EACCES:
        return gvcuda_fail(call, CUDA_ERROR_NOT_PERMITTED,
                           "the driver refused: %s", strerror(e));
    case ENOTTY:
        return gvcuda_fail(call, CUDA_ERROR_SYSTEM_DRIVER_MISMATCH,
                           "the driver does not know this request");
    case ENOSYS:
    case EOPNOTSUPP:
        return gvcuda_fail(call, CUDA_ERROR_NOT_SUPPORTED, "not supported");
    case EBADMSG:
        record_f(call, CUDA_ERROR_NOT_PERMITTED, failed,
                 "secure check failed: %s (refused by the trusted runtime)",
                 failed ? failed : "an authenticated report");
        return CUDA_ERROR_NOT_PERMITTED;
    default:
        return gvcuda_fail(call, CUDA_ERROR_UNKNOWN, "%s", strerror(e));
    }
}

CUresult gvcuda_ret_check(const char *call, int r, const char *failed)
{
    if (r == 0) {
        return CUDA_SUCCESS;
    }
    return r > 0 ? device_result(call, r) : errno_result(call, -r, failed);
}

CUresult gvcuda_ret(const char *call, int r, struct gvrt_ctx *core)
{
    return gvcuda_ret_check(call, r,
                            r == -EBADMSG && core ? gvrt_ctx_failed(core) :
                            NULL);
}

CUresult CUDAAPI cuGravitonGetLastCheck(const char **name)
{
    if (!name) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    *name = last_check;
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuGravitonGetLastMessage(const char **message)
{
    if (!message) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    *message = have_message ? last_message : NULL;
    return CUDA_SUCCESS;
}
