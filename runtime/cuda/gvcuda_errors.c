/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libgvcuda: cuGetErrorName and cuGetErrorString for every CUresult.
 *
 * Names are the enumerators' own; the descriptions are ours, one line
 * each, meaning what NVIDIA documents for the code.  Both calls work
 * without cuInit, and take no lock: the table is constant.  An unknown
 * code, or a NULL @pStr, is CUDA_ERROR_INVALID_VALUE (with *pStr = NULL
 * for an unknown code), as in NVIDIA's driver.
 */
#include <stddef.h>

#include "cuda.h"

struct gvcuda_error {
    CUresult code;
    const char *name;
    const char *text;
};

#define GVCUDA_ERROR(code, text) { code, #code, text }

static const struct gvcuda_error gvcuda_errors[] = {
    GVCUDA_ERROR(CUDA_SUCCESS, "no error"),
    GVCUDA_ERROR(CUDA_ERROR_INVALID_VALUE,
                 "an argument is invalid or out of range"),
    GVCUDA_ERROR(CUDA_ERROR_OUT_OF_MEMORY,
                 "not enough memory or other resources for the operation"),
    GVCUDA_ERROR(CUDA_ERROR_NOT_INITIALIZED,
                 "the driver API is not initialised (cuInit was not "
                 "called, or failed)"),
    GVCUDA_ERROR(CUDA_ERROR_DEINITIALIZED, "the driver is shutting down"),
    GVCUDA_ERROR(CUDA_ERROR_PROFILER_DISABLED,
                 "profiling is disabled for this run (an external "
                 "profiler is in use)"),
    GVCUDA_ERROR(CUDA_ERROR_PROFILER_NOT_INITIALIZED,
                 "the profiler is not initialised (deprecated code)"),
    GVCUDA_ERROR(CUDA_ERROR_PROFILER_ALREADY_STARTED,
                 "profiling has already started (deprecated code)"),
    GVCUDA_ERROR(CUDA_ERROR_PROFILER_ALREADY_STOPPED,
                 "profiling has already stopped (deprecated code)"),
    GVCUDA_ERROR(CUDA_ERROR_STUB_LIBRARY,
                 "the program loaded a stub library, not a driver"),
    GVCUDA_ERROR(CUDA_ERROR_CALL_REQUIRES_NEWER_DRIVER,
                 "the call needs a newer driver than this one"),
    GVCUDA_ERROR(CUDA_ERROR_DEVICE_UNAVAILABLE,
                 "the device is unavailable at present (its compute mode "
                 "admits no more work)"),
    GVCUDA_ERROR(CUDA_ERROR_NO_DEVICE, "no CUDA-capable device was found"),
    GVCUDA_ERROR(CUDA_ERROR_INVALID_DEVICE,
                 "no device has this ordinal, or the operation is invalid "
                 "for the device"),
    GVCUDA_ERROR(CUDA_ERROR_DEVICE_NOT_LICENSED,
                 "the device's Grid licence is not applied"),
    GVCUDA_ERROR(CUDA_ERROR_INVALID_IMAGE,
                 "the module's kernel image is invalid"),
    GVCUDA_ERROR(CUDA_ERROR_INVALID_CONTEXT,
                 "no context is current to this thread, or the context "
                 "handle is invalid"),
    GVCUDA_ERROR(CUDA_ERROR_CONTEXT_ALREADY_CURRENT,
                 "the context is already current (deprecated code)"),
    GVCUDA_ERROR(CUDA_ERROR_MAP_FAILED, "a map or register operation failed"),
    GVCUDA_ERROR(CUDA_ERROR_UNMAP_FAILED,
                 "an unmap or unregister operation failed"),
    GVCUDA_ERROR(CUDA_ERROR_ARRAY_IS_MAPPED,
                 "the array is mapped, so it cannot be destroyed"),
    GVCUDA_ERROR(CUDA_ERROR_ALREADY_MAPPED, "the resource is already mapped"),
    GVCUDA_ERROR(CUDA_ERROR_NO_BINARY_FOR_GPU,
                 "the module has no kernel image suitable for the device"),
    GVCUDA_ERROR(CUDA_ERROR_ALREADY_ACQUIRED,
                 "the resource has already been acquired"),
    GVCUDA_ERROR(CUDA_ERROR_NOT_MAPPED, "the resource is not mapped"),
    GVCUDA_ERROR(CUDA_ERROR_NOT_MAPPED_AS_ARRAY,
                 "the mapped resource cannot be accessed as an array"),
    GVCUDA_ERROR(CUDA_ERROR_NOT_MAPPED_AS_POINTER,
                 "the mapped resource cannot be accessed through a pointer"),
    GVCUDA_ERROR(CUDA_ERROR_ECC_UNCORRECTABLE,
                 "an uncorrectable ECC error was detected"),
    GVCUDA_ERROR(CUDA_ERROR_UNSUPPORTED_LIMIT,
                 "the device does not support this limit"),
    GVCUDA_ERROR(CUDA_ERROR_CONTEXT_ALREADY_IN_USE,
                 "the context is already bound to another CPU thread"),
    GVCUDA_ERROR(CUDA_ERROR_PEER_ACCESS_UNSUPPORTED,
                 "these devices cannot access each other's memory"),
    GVCUDA_ERROR(CUDA_ERROR_INVALID_PTX,
                 "the PTX could not be compiled by the JIT"),
    GVCUDA_ERROR(CUDA_ERROR_INVALID_GRAPHICS_CONTEXT,
                 "the OpenGL or DirectX context is invalid"),
    GVCUDA_ERROR(CUDA_ERROR_NVLINK_UNCORRECTABLE,
                 "an uncorrectable NVLink error was detected"),
    GVCUDA_ERROR(CUDA_ERROR_JIT_COMPILER_NOT_FOUND,
                 "the PTX JIT compiler library is missing"),
    GVCUDA_ERROR(CUDA_ERROR_UNSUPPORTED_PTX_VERSION,
                 "the PTX comes from an unsupported toolchain"),
    GVCUDA_ERROR(CUDA_ERROR_JIT_COMPILATION_DISABLED,
                 "PTX JIT compilation is disabled"),
    GVCUDA_ERROR(CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY,
                 "the device does not support this execution affinity type"),
    GVCUDA_ERROR(CUDA_ERROR_UNSUPPORTED_DEVSIDE_SYNC,
                 "the code calls cudaDeviceSynchronize on the device, which "
                 "is not supported"),
    GVCUDA_ERROR(CUDA_ERROR_CONTAINED,
                 "a device exception was contained; the process must be "
                 "restarted to use the device again"),
    GVCUDA_ERROR(CUDA_ERROR_INVALID_SOURCE,
                 "the device source is invalid (a compile or link error)"),
    GVCUDA_ERROR(CUDA_ERROR_FILE_NOT_FOUND, "the file was not found"),
    GVCUDA_ERROR(CUDA_ERROR_SHARED_OBJECT_SYMBOL_NOT_FOUND,
                 "a symbol of a shared object could not be resolved"),
    GVCUDA_ERROR(CUDA_ERROR_SHARED_OBJECT_INIT_FAILED,
                 "a shared object failed to initialise"),
    GVCUDA_ERROR(CUDA_ERROR_OPERATING_SYSTEM,
                 "a call to the operating system failed"),
    GVCUDA_ERROR(CUDA_ERROR_INVALID_HANDLE,
                 "the resource handle (stream, event, module, ...) is "
                 "invalid"),
    GVCUDA_ERROR(CUDA_ERROR_ILLEGAL_STATE,
                 "a resource is not in a state that allows the operation"),
    GVCUDA_ERROR(CUDA_ERROR_LOSSY_QUERY,
                 "the query would lose information (an older API version, "
                 "or an output left out)"),
    GVCUDA_ERROR(CUDA_ERROR_NOT_FOUND, "the named symbol was not found"),
    GVCUDA_ERROR(CUDA_ERROR_NOT_READY,
                 "the work queried has not finished yet (not an error)"),
    GVCUDA_ERROR(CUDA_ERROR_ILLEGAL_ADDRESS,
                 "a kernel loaded or stored at an invalid address; the "
                 "context cannot be used any more"),
    GVCUDA_ERROR(CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES,
                 "the launch needs more resources than there are (threads, "
                 "registers or parameter space)"),
    GVCUDA_ERROR(CUDA_ERROR_LAUNCH_TIMEOUT,
                 "the kernel ran past the time limit and was stopped; the "
                 "context cannot be used any more"),
    GVCUDA_ERROR(CUDA_ERROR_LAUNCH_INCOMPATIBLE_TEXTURING,
                 "the launch uses an incompatible texturing mode"),
    GVCUDA_ERROR(CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED,
                 "peer access to the context is already enabled"),
    GVCUDA_ERROR(CUDA_ERROR_PEER_ACCESS_NOT_ENABLED,
                 "peer access to the context has not been enabled"),
    GVCUDA_ERROR(CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE,
                 "the device's primary context is already initialised"),
    GVCUDA_ERROR(CUDA_ERROR_CONTEXT_IS_DESTROYED,
                 "the current context has been destroyed (or is a primary "
                 "context not yet initialised)"),
    GVCUDA_ERROR(CUDA_ERROR_ASSERT,
                 "a device-side assertion failed; the context cannot be "
                 "used any more"),
    GVCUDA_ERROR(CUDA_ERROR_TOO_MANY_PEERS,
                 "the hardware has no more resources for peer access"),
    GVCUDA_ERROR(CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED,
                 "the host memory range is already registered"),
    GVCUDA_ERROR(CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED,
                 "the host pointer is not in a registered memory range"),
    GVCUDA_ERROR(CUDA_ERROR_HARDWARE_STACK_ERROR,
                 "a kernel hit a stack error (corruption, or the stack "
                 "limit)"),
    GVCUDA_ERROR(CUDA_ERROR_ILLEGAL_INSTRUCTION,
                 "a kernel executed an illegal instruction"),
    GVCUDA_ERROR(CUDA_ERROR_MISALIGNED_ADDRESS,
                 "a kernel loaded or stored at a misaligned address"),
    GVCUDA_ERROR(CUDA_ERROR_INVALID_ADDRESS_SPACE,
                 "a kernel used an address outside the address spaces its "
                 "instruction allows"),
    GVCUDA_ERROR(CUDA_ERROR_INVALID_PC,
                 "a kernel's program counter wrapped around its address "
                 "space"),
    GVCUDA_ERROR(CUDA_ERROR_LAUNCH_FAILED,
                 "an exception occurred on the device while a kernel ran; "
                 "the context cannot be used any more"),
    GVCUDA_ERROR(CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE,
                 "a cooperative launch has more blocks than can be "
                 "resident at once"),
    GVCUDA_ERROR(CUDA_ERROR_TENSOR_MEMORY_LEAK,
                 "a kernel exited without freeing all its tensor memory"),
    GVCUDA_ERROR(CUDA_ERROR_NOT_PERMITTED, "the operation is not permitted"),
    GVCUDA_ERROR(CUDA_ERROR_NOT_SUPPORTED,
                 "the operation is not supported on this system or device"),
    GVCUDA_ERROR(CUDA_ERROR_SYSTEM_NOT_READY,
                 "the system is not ready for CUDA work (configuration, or "
                 "a driver daemon not running)"),
    GVCUDA_ERROR(CUDA_ERROR_SYSTEM_DRIVER_MISMATCH,
                 "the display driver and the CUDA driver have mismatched "
                 "versions"),
    GVCUDA_ERROR(CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE,
                 "forward compatibility is not supported on this device"),
    GVCUDA_ERROR(CUDA_ERROR_MPS_CONNECTION_FAILED,
                 "could not connect to the MPS control daemon or server"),
    GVCUDA_ERROR(CUDA_ERROR_MPS_RPC_FAILURE,
                 "a remote procedure call between MPS server and client "
                 "failed"),
    GVCUDA_ERROR(CUDA_ERROR_MPS_SERVER_NOT_READY,
                 "the MPS server is not ready for new clients"),
    GVCUDA_ERROR(CUDA_ERROR_MPS_MAX_CLIENTS_REACHED,
                 "the hardware has no more resources for MPS clients"),
    GVCUDA_ERROR(CUDA_ERROR_MPS_MAX_CONNECTIONS_REACHED,
                 "the hardware has no more resources for MPS device "
                 "connections"),
    GVCUDA_ERROR(CUDA_ERROR_MPS_CLIENT_TERMINATED,
                 "the MPS server terminated this client"),
    GVCUDA_ERROR(CUDA_ERROR_CDP_NOT_SUPPORTED,
                 "dynamic parallelism is not supported in this "
                 "configuration"),
    GVCUDA_ERROR(CUDA_ERROR_CDP_VERSION_MISMATCH,
                 "the module mixes incompatible versions of dynamic "
                 "parallelism"),
    GVCUDA_ERROR(CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED,
                 "the operation is not permitted while the stream is "
                 "capturing"),
    GVCUDA_ERROR(CUDA_ERROR_STREAM_CAPTURE_INVALIDATED,
                 "the stream's capture was invalidated by an earlier error"),
    GVCUDA_ERROR(CUDA_ERROR_STREAM_CAPTURE_MERGE,
                 "the operation would merge two independent captures"),
    GVCUDA_ERROR(CUDA_ERROR_STREAM_CAPTURE_UNMATCHED,
                 "the capture was not begun in this stream"),
    GVCUDA_ERROR(CUDA_ERROR_STREAM_CAPTURE_UNJOINED,
                 "the capture forked a stream that was not joined back"),
    GVCUDA_ERROR(CUDA_ERROR_STREAM_CAPTURE_ISOLATION,
                 "the dependency would cross the capture's boundary"),
    GVCUDA_ERROR(CUDA_ERROR_STREAM_CAPTURE_IMPLICIT,
                 "the legacy stream would depend implicitly on a capture"),
    GVCUDA_ERROR(CUDA_ERROR_CAPTURED_EVENT,
                 "the event was last recorded in a capturing stream"),
    GVCUDA_ERROR(CUDA_ERROR_STREAM_CAPTURE_WRONG_THREAD,
                 "the capture was ended by a thread other than the one "
                 "that began it"),
    GVCUDA_ERROR(CUDA_ERROR_TIMEOUT, "the wait timed out"),
    GVCUDA_ERROR(CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE,
                 "the update breaks the rules for updating an instantiated "
                 "graph"),
    GVCUDA_ERROR(CUDA_ERROR_EXTERNAL_DEVICE,
                 "a device outside CUDA signalled an error"),
    GVCUDA_ERROR(CUDA_ERROR_INVALID_CLUSTER_SIZE,
                 "the launch's cluster configuration is invalid"),
    GVCUDA_ERROR(CUDA_ERROR_FUNCTION_NOT_LOADED,
                 "the function is not loaded"),
    GVCUDA_ERROR(CUDA_ERROR_INVALID_RESOURCE_TYPE,
                 "a resource is of the wrong type for the operation"),
    GVCUDA_ERROR(CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION,
                 "the resources are insufficient for the operation, or do "
                 "not apply to it"),
    GVCUDA_ERROR(CUDA_ERROR_KEY_ROTATION,
                 "an error occurred while rotating keys"),
    GVCUDA_ERROR(CUDA_ERROR_UNKNOWN, "an unknown internal error occurred"),
};

static const struct gvcuda_error *gvcuda_error_find(CUresult code)
{
    size_t lo = 0;
    size_t hi = sizeof(gvcuda_errors) / sizeof(gvcuda_errors[0]);

    /* The table is in ascending order of code. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (gvcuda_errors[mid].code == code) {
            return &gvcuda_errors[mid];
        }
        if (gvcuda_errors[mid].code < code) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

CUresult CUDAAPI cuGetErrorName(CUresult error, const char **pStr)
{
    const struct gvcuda_error *e;

    if (!pStr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    e = gvcuda_error_find(error);
    *pStr = e ? e->name : NULL;
    return e ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

CUresult CUDAAPI cuGetErrorString(CUresult error, const char **pStr)
{
    const struct gvcuda_error *e;

    if (!pStr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    e = gvcuda_error_find(error);
    *pStr = e ? e->text : NULL;
    return e ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}
