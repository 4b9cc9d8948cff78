/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libgvcuda: initialisation and devices.  Every device attribute of
 * NVIDIA's enum answers: the emulated GPU's value where it has one, 0
 * otherwise (docs/runtime.md, "Device attributes").
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "graviton/gv_isa.h"
#include "gvcuda_int.h"

static atomic_bool initialised;
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;

bool gvcuda_initialised(void)
{
    return atomic_load(&initialised);
}

CUresult CUDAAPI cuInit(unsigned int Flags)
{
    int n = 0, r;

    if (Flags) {
        return gvcuda_fail("cuInit", CUDA_ERROR_INVALID_VALUE,
                           "Flags must be 0");
    }
    pthread_mutex_lock(&init_lock);
    if (atomic_load(&initialised)) {
        pthread_mutex_unlock(&init_lock);
        return CUDA_SUCCESS;
    }
    r = gvrt_devices_scan(&n);
    if (!r && n) {
        atomic_store(&initialised, true);
    }
    pthread_mutex_unlock(&init_lock);
    if (r) {
        return gvcuda_ret("cuInit", r, NULL);
    }
    if (!n) {
        return gvcuda_fail("cuInit", CUDA_ERROR_NO_DEVICE,
                           "no /dev/graviton* device could be opened");
    }
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuDriverGetVersion(int *driverVersion)
{
    if (!driverVersion) {
        return gvcuda_fail("cuDriverGetVersion", CUDA_ERROR_INVALID_VALUE,
                           "driverVersion is NULL");
    }
    *driverVersion = GVCUDA_DRIVER_VERSION;
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuDeviceGetCount(int *count)
{
    int n = 0;

    GVCUDA_CHECK_INIT("cuDeviceGetCount");
    if (!count) {
        return gvcuda_fail("cuDeviceGetCount", CUDA_ERROR_INVALID_VALUE,
                           "count is NULL");
    }
    while (gvrt_device(n)) {
        n++;
    }
    *count = n;
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuDeviceGet(CUdevice *device, int ordinal)
{
    GVCUDA_CHECK_INIT("cuDeviceGet");
    if (!device) {
        return gvcuda_fail("cuDeviceGet", CUDA_ERROR_INVALID_VALUE,
                           "device is NULL");
    }
    if (!gvrt_device(ordinal)) {
        return gvcuda_fail("cuDeviceGet", CUDA_ERROR_INVALID_DEVICE,
                           "no device %d", ordinal);
    }
    *device = ordinal;
    return CUDA_SUCCESS;
}

/* The device @dev, or NULL after recording the failure of @call. */
static const struct gvrt_devinfo *device_of(const char *call, CUdevice dev,
                                            CUresult *res)
{
    const struct gvrt_devinfo *d = gvrt_device(dev);

    *res = d ? CUDA_SUCCESS :
           gvcuda_fail(call, CUDA_ERROR_INVALID_DEVICE, "no device %d", dev);
    return d;
}

CUresult CUDAAPI cuDeviceGetName(char *name, int len, CUdevice dev)
{
    const struct gvrt_devinfo *d;
    CUresult res;

    GVCUDA_CHECK_INIT("cuDeviceGetName");
    if (!name || len <= 0) {
        return gvcuda_fail("cuDeviceGetName", CUDA_ERROR_INVALID_VALUE,
                           "name is NULL or len is not positive");
    }
    d = device_of("cuDeviceGetName", dev, &res);
    if (d) {
        snprintf(name, (size_t)len, "Graviton GPU (emulated, %04x:%04x)",
                 d->info.vendor_id, d->info.device_id);
    }
    return res;
}

CUresult CUDAAPI cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev)
{
    const struct gvrt_devinfo *d;
    CUresult res;

    GVCUDA_CHECK_INIT("cuDeviceTotalMem");
    if (!bytes) {
        return gvcuda_fail("cuDeviceTotalMem", CUDA_ERROR_INVALID_VALUE,
                           "bytes is NULL");
    }
    d = device_of("cuDeviceTotalMem", dev, &res);
    if (d) {
        *bytes = d->info.vram_size;
    }
    return res;
}

/* The attributes that are not 0 (the others are: no such feature). */
static int attribute(const struct gvrt_devinfo *d, int a, unsigned sms)
{
    switch (a) {
    case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK:
        return GV_ISA_MAX_BLOCK;
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X:
        return GVRT_MAX_BLOCK_X;
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y:
        return GVRT_MAX_BLOCK_Y;
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z:
        return GVRT_MAX_BLOCK_Z;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X:
        return (int)GVRT_MAX_GRID_X;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y:
        return GVRT_MAX_GRID_Y;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z:
        return GVRT_MAX_GRID_Z;
    case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK:
    case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR:
    case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN:
        return GV_ISA_MAX_SHARED;
    case CU_DEVICE_ATTRIBUTE_TOTAL_CONSTANT_MEMORY:
        return 64 << 10;        /* as NVIDIA's (.const lives in the module) */
    case CU_DEVICE_ATTRIBUTE_WARP_SIZE:
        return 32;
    case CU_DEVICE_ATTRIBUTE_MAX_PITCH:
        return 0x7fffffff;
    case CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK:
    case CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR:
        return 65536;
    case CU_DEVICE_ATTRIBUTE_CLOCK_RATE:
    case CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE:
        return 1000000;         /* kHz: nominal, the emulator has no clock */
    case CU_DEVICE_ATTRIBUTE_TEXTURE_ALIGNMENT:
    case CU_DEVICE_ATTRIBUTE_TEXTURE_PITCH_ALIGNMENT:
        return 256;             /* the module's data alignment */
    case CU_DEVICE_ATTRIBUTE_GPU_OVERLAP:
    case CU_DEVICE_ATTRIBUTE_CONCURRENT_KERNELS:
    case CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING:
    case CU_DEVICE_ATTRIBUTE_ASYNC_ENGINE_COUNT:
    case CU_DEVICE_ATTRIBUTE_GLOBAL_L1_CACHE_SUPPORTED:
    case CU_DEVICE_ATTRIBUTE_LOCAL_L1_CACHE_SUPPORTED:
        return 1;
    case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT:
        return (int)sms;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_MODE:
        return CU_COMPUTEMODE_DEFAULT;
    case CU_DEVICE_ATTRIBUTE_PCI_BUS_ID:
        return (int)((d->info.pci_bdf >> 8) & 0xff);
    case CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID:
        return (int)((d->info.pci_bdf >> 3) & 0x1f);
    case CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID:
        return (int)d->info.pci_domain;
    case CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH:
        return 64;
    case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR:
        return 2048;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR:
        return 7;               /* kernels are compiled for sm_70 */
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR:
        return 0;
    case CU_DEVICE_ATTRIBUTE_SINGLE_TO_DOUBLE_PRECISION_PERF_RATIO:
        return 2;
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCKS_PER_MULTIPROCESSOR:
        return 32;
    case CU_DEVICE_ATTRIBUTE_MULTI_GPU_BOARD_GROUP_ID:
        return d->index;
    case CU_DEVICE_ATTRIBUTE_GPU_PCI_DEVICE_ID:
        return (int)((uint32_t)d->info.device_id << 16 | d->info.vendor_id);
    default:
        return 0;
    }
}

CUresult CUDAAPI cuDeviceGetAttribute(int *pi, CUdevice_attribute attrib,
                                      CUdevice dev)
{
    static const char call[] = "cuDeviceGetAttribute";
    const struct gvrt_devinfo *d;
    unsigned sms = 0;
    CUresult res;
    int r;

    GVCUDA_CHECK_INIT(call);
    if (!pi) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE, "pi is NULL");
    }
    if ((int)attrib <= 0 || attrib >= CU_DEVICE_ATTRIBUTE_MAX) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "unknown attribute %d", (int)attrib);
    }
    d = device_of(call, dev, &res);
    if (!d) {
        return res;
    }
    if (attrib == CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT) {
        /* a one-thread kernel reads %nsmid, once per device */
        r = gvrt_device_sms(dev, &sms);
        if (r) {
            return gvcuda_ret(call, r, NULL);
        }
    }
    *pi = attribute(d, attrib, sms);
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuDeviceCanAccessPeer(int *canAccessPeer, CUdevice dev,
                                       CUdevice peerDev)
{
    static const char call[] = "cuDeviceCanAccessPeer";
    CUresult res;

    GVCUDA_CHECK_INIT(call);
    if (!canAccessPeer) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "canAccessPeer is NULL");
    }
    if (!device_of(call, dev, &res) || !device_of(call, peerDev, &res)) {
        return res;
    }
    /* no peer access between emulated GPUs (nor with itself, as NVIDIA) */
    *canAccessPeer = 0;
    return CUDA_SUCCESS;
}

CUresult gvcuda_default_scheme(CUgravitonCopyScheme *scheme)
{
    static const struct {
        const char *name;
        CUgravitonCopyScheme s;
    } names[] = {
        { "authdec-gcm", CU_GRAVITON_COPY_AUTHDEC_AES_GCM },
        { "authdec-kmac", CU_GRAVITON_COPY_AUTHDEC_AES_KMAC },
        { "engine-gcm", CU_GRAVITON_COPY_ENGINE_AES_GCM },
    };
    const char *e = getenv("GRAVITON_COPY_SCHEME");

    *scheme = CU_GRAVITON_COPY_ENGINE_AES_GCM;
    if (!e || !*e) {
        return CUDA_SUCCESS;
    }
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!strcmp(e, names[i].name)) {
            *scheme = names[i].s;
            return gvcuda_scheme_check("cuCtxCreate", names[i].s);
        }
    }
    return gvcuda_fail("cuCtxCreate", CUDA_ERROR_INVALID_VALUE,
                       "GRAVITON_COPY_SCHEME=%s: not one of authdec-gcm, "
                       "authdec-kmac, engine-gcm", e);
}
