/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * deviceQuery: what the driver API says about each device — name,
 * memory, the attributes programs usually look at, then every attribute
 * of the CUdevice_attribute enum by name (each must answer
 * CUDA_SUCCESS) — and what kind of context a program gets on it (a
 * secure one under GRAVITON_SECURE=1: the attestation result).
 *
 *   deviceQuery
 */
#include <cuda.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper_gv.h"

/* Every attribute, by value (the first name where NVIDIA has two). */
#define A(name) [CU_DEVICE_ATTRIBUTE_##name] = #name
static const char *const attributeNames[CU_DEVICE_ATTRIBUTE_MAX] = {
    A(MAX_THREADS_PER_BLOCK),
    A(MAX_BLOCK_DIM_X),
    A(MAX_BLOCK_DIM_Y),
    A(MAX_BLOCK_DIM_Z),
    A(MAX_GRID_DIM_X),
    A(MAX_GRID_DIM_Y),
    A(MAX_GRID_DIM_Z),
    A(MAX_SHARED_MEMORY_PER_BLOCK),
    A(TOTAL_CONSTANT_MEMORY),
    A(WARP_SIZE),
    A(MAX_PITCH),
    A(MAX_REGISTERS_PER_BLOCK),
    A(CLOCK_RATE),
    A(TEXTURE_ALIGNMENT),
    A(GPU_OVERLAP),
    A(MULTIPROCESSOR_COUNT),
    A(KERNEL_EXEC_TIMEOUT),
    A(INTEGRATED),
    A(CAN_MAP_HOST_MEMORY),
    A(COMPUTE_MODE),
    A(MAXIMUM_TEXTURE1D_WIDTH),
    A(MAXIMUM_TEXTURE2D_WIDTH),
    A(MAXIMUM_TEXTURE2D_HEIGHT),
    A(MAXIMUM_TEXTURE3D_WIDTH),
    A(MAXIMUM_TEXTURE3D_HEIGHT),
    A(MAXIMUM_TEXTURE3D_DEPTH),
    A(MAXIMUM_TEXTURE2D_LAYERED_WIDTH),
    A(MAXIMUM_TEXTURE2D_LAYERED_HEIGHT),
    A(MAXIMUM_TEXTURE2D_LAYERED_LAYERS),
    A(SURFACE_ALIGNMENT),
    A(CONCURRENT_KERNELS),
    A(ECC_ENABLED),
    A(PCI_BUS_ID),
    A(PCI_DEVICE_ID),
    A(TCC_DRIVER),
    A(MEMORY_CLOCK_RATE),
    A(GLOBAL_MEMORY_BUS_WIDTH),
    A(L2_CACHE_SIZE),
    A(MAX_THREADS_PER_MULTIPROCESSOR),
    A(ASYNC_ENGINE_COUNT),
    A(UNIFIED_ADDRESSING),
    A(MAXIMUM_TEXTURE1D_LAYERED_WIDTH),
    A(MAXIMUM_TEXTURE1D_LAYERED_LAYERS),
    A(CAN_TEX2D_GATHER),
    A(MAXIMUM_TEXTURE2D_GATHER_WIDTH),
    A(MAXIMUM_TEXTURE2D_GATHER_HEIGHT),
    A(MAXIMUM_TEXTURE3D_WIDTH_ALTERNATE),
    A(MAXIMUM_TEXTURE3D_HEIGHT_ALTERNATE),
    A(MAXIMUM_TEXTURE3D_DEPTH_ALTERNATE),
    A(PCI_DOMAIN_ID),
    A(TEXTURE_PITCH_ALIGNMENT),
    A(MAXIMUM_TEXTURECUBEMAP_WIDTH),
    A(MAXIMUM_TEXTURECUBEMAP_LAYERED_WIDTH),
    A(MAXIMUM_TEXTURECUBEMAP_LAYERED_LAYERS),
    A(MAXIMUM_SURFACE1D_WIDTH),
    A(MAXIMUM_SURFACE2D_WIDTH),
    A(MAXIMUM_SURFACE2D_HEIGHT),
    A(MAXIMUM_SURFACE3D_WIDTH),
    A(MAXIMUM_SURFACE3D_HEIGHT),
    A(MAXIMUM_SURFACE3D_DEPTH),
    A(MAXIMUM_SURFACE1D_LAYERED_WIDTH),
    A(MAXIMUM_SURFACE1D_LAYERED_LAYERS),
    A(MAXIMUM_SURFACE2D_LAYERED_WIDTH),
    A(MAXIMUM_SURFACE2D_LAYERED_HEIGHT),
    A(MAXIMUM_SURFACE2D_LAYERED_LAYERS),
    A(MAXIMUM_SURFACECUBEMAP_WIDTH),
    A(MAXIMUM_SURFACECUBEMAP_LAYERED_WIDTH),
    A(MAXIMUM_SURFACECUBEMAP_LAYERED_LAYERS),
    A(MAXIMUM_TEXTURE1D_LINEAR_WIDTH),
    A(MAXIMUM_TEXTURE2D_LINEAR_WIDTH),
    A(MAXIMUM_TEXTURE2D_LINEAR_HEIGHT),
    A(MAXIMUM_TEXTURE2D_LINEAR_PITCH),
    A(MAXIMUM_TEXTURE2D_MIPMAPPED_WIDTH),
    A(MAXIMUM_TEXTURE2D_MIPMAPPED_HEIGHT),
    A(COMPUTE_CAPABILITY_MAJOR),
    A(COMPUTE_CAPABILITY_MINOR),
    A(MAXIMUM_TEXTURE1D_MIPMAPPED_WIDTH),
    A(STREAM_PRIORITIES_SUPPORTED),
    A(GLOBAL_L1_CACHE_SUPPORTED),
    A(LOCAL_L1_CACHE_SUPPORTED),
    A(MAX_SHARED_MEMORY_PER_MULTIPROCESSOR),
    A(MAX_REGISTERS_PER_MULTIPROCESSOR),
    A(MANAGED_MEMORY),
    A(MULTI_GPU_BOARD),
    A(MULTI_GPU_BOARD_GROUP_ID),
    A(HOST_NATIVE_ATOMIC_SUPPORTED),
    A(SINGLE_TO_DOUBLE_PRECISION_PERF_RATIO),
    A(PAGEABLE_MEMORY_ACCESS),
    A(CONCURRENT_MANAGED_ACCESS),
    A(COMPUTE_PREEMPTION_SUPPORTED),
    A(CAN_USE_HOST_POINTER_FOR_REGISTERED_MEM),
    A(CAN_USE_STREAM_MEM_OPS_V1),
    A(CAN_USE_64_BIT_STREAM_MEM_OPS_V1),
    A(CAN_USE_STREAM_WAIT_VALUE_NOR_V1),
    A(COOPERATIVE_LAUNCH),
    A(COOPERATIVE_MULTI_DEVICE_LAUNCH),
    A(MAX_SHARED_MEMORY_PER_BLOCK_OPTIN),
    A(CAN_FLUSH_REMOTE_WRITES),
    A(HOST_REGISTER_SUPPORTED),
    A(PAGEABLE_MEMORY_ACCESS_USES_HOST_PAGE_TABLES),
    A(DIRECT_MANAGED_MEM_ACCESS_FROM_HOST),
    A(VIRTUAL_ADDRESS_MANAGEMENT_SUPPORTED),
    A(HANDLE_TYPE_POSIX_FILE_DESCRIPTOR_SUPPORTED),
    A(HANDLE_TYPE_WIN32_HANDLE_SUPPORTED),
    A(HANDLE_TYPE_WIN32_KMT_HANDLE_SUPPORTED),
    A(MAX_BLOCKS_PER_MULTIPROCESSOR),
    A(GENERIC_COMPRESSION_SUPPORTED),
    A(MAX_PERSISTING_L2_CACHE_SIZE),
    A(MAX_ACCESS_POLICY_WINDOW_SIZE),
    A(GPU_DIRECT_RDMA_WITH_CUDA_VMM_SUPPORTED),
    A(RESERVED_SHARED_MEMORY_PER_BLOCK),
    A(SPARSE_CUDA_ARRAY_SUPPORTED),
    A(READ_ONLY_HOST_REGISTER_SUPPORTED),
    A(TIMELINE_SEMAPHORE_INTEROP_SUPPORTED),
    A(MEMORY_POOLS_SUPPORTED),
    A(GPU_DIRECT_RDMA_SUPPORTED),
    A(GPU_DIRECT_RDMA_FLUSH_WRITES_OPTIONS),
    A(GPU_DIRECT_RDMA_WRITES_ORDERING),
    A(MEMPOOL_SUPPORTED_HANDLE_TYPES),
    A(CLUSTER_LAUNCH),
    A(DEFERRED_MAPPING_CUDA_ARRAY_SUPPORTED),
    A(CAN_USE_64_BIT_STREAM_MEM_OPS),
    A(CAN_USE_STREAM_WAIT_VALUE_NOR),
    A(DMA_BUF_SUPPORTED),
    A(IPC_EVENT_SUPPORTED),
    A(MEM_SYNC_DOMAIN_COUNT),
    A(TENSOR_MAP_ACCESS_SUPPORTED),
    A(HANDLE_TYPE_FABRIC_SUPPORTED),
    A(UNIFIED_FUNCTION_POINTERS),
    A(NUMA_CONFIG),
    A(NUMA_ID),
    A(MULTICAST_SUPPORTED),
    A(MPS_ENABLED),
    A(HOST_NUMA_ID),
    A(D3D12_CIG_SUPPORTED),
    A(MEM_DECOMPRESS_ALGORITHM_MASK),
    A(MEM_DECOMPRESS_MAXIMUM_LENGTH),
    A(VULKAN_CIG_SUPPORTED),
    A(GPU_PCI_DEVICE_ID),
    A(GPU_PCI_SUBSYSTEM_ID),
    A(HOST_NUMA_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED),
    A(HOST_NUMA_MEMORY_POOLS_SUPPORTED),
    A(HOST_NUMA_MULTINODE_IPC_SUPPORTED),
    A(HOST_MEMORY_POOLS_SUPPORTED),
    A(HOST_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED),
    A(HOST_ALLOC_DMA_BUF_SUPPORTED),
    A(ONLY_PARTIAL_HOST_NATIVE_ATOMIC_SUPPORTED),
};
#undef A

static int attr(CUdevice dev, CUdevice_attribute a)
{
    int v = 0;

    checkCudaErrors(cuDeviceGetAttribute(&v, a, dev));
    return v;
}

static void printContext(CUdevice dev)
{
    CUcontext ctx;
    size_t freeMem = 0, totalMem = 0;

#if CUDA_VERSION >= 13000
    checkCudaErrors(cuCtxCreate(&ctx, NULL, 0, dev));
#else
    checkCudaErrors(cuCtxCreate(&ctx, 0, dev));
#endif
    printContextKind("  a context on it");
#ifdef GRAVITON_CUDA_H
    {
        static const char *const schemes[] = {
            "default", "AuthDec kernels, AES-256-GCM",
            "AuthDec kernels, AES-256-CTR + KMAC256",
            "copy engine, AES-256-GCM"
        };
        CUgravitonCopyScheme scheme;
        int secure = 0;

        checkCudaErrors(cuGravitonCtxIsSecure(ctx, &secure));
        if (secure) {
            checkCudaErrors(cuGravitonCtxGetCopyScheme(&scheme));
            printf("    secure copies: %s\n",
                   (unsigned)scheme < 4 ? schemes[scheme] : "?");
        }
    }
#endif
    checkCudaErrors(cuMemGetInfo(&freeMem, &totalMem));
    printf("    device memory free in this context: %zu of %zu MiB\n",
           freeMem >> 20, totalMem >> 20);
    checkCudaErrors(cuCtxDestroy(ctx));
}

int main(void)
{
    int version = 0, count = 0, failed = 0;

    printf("deviceQuery (driver API)\n");
    checkCudaErrors(cuInit(0));
    checkCudaErrors(cuDriverGetVersion(&version));
    checkCudaErrors(cuDeviceGetCount(&count));
    printf("CUDA driver version %d.%d, %d device(s)\n", version / 1000,
           (version % 100) / 10, count);
    if (count == 0) {
        printf("Result = FAIL (no device)\n");
        return EXIT_FAILURE;
    }
    for (int d = 0; d < count; d++) {
        CUdevice dev;
        char name[256];
        size_t mem = 0;
        int peer = -1, n = 0;

        checkCudaErrors(cuDeviceGet(&dev, d));
        checkCudaErrors(cuDeviceGetName(name, sizeof(name), dev));
        checkCudaErrors(cuDeviceTotalMem(&mem, dev));
        printf("\nDevice %d: \"%s\"\n", d, name);
        printf("  compute capability            %d.%d\n",
               attr(dev, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
               attr(dev, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR));
        printf("  global memory                 %zu MiB (%zu bytes)\n",
               mem >> 20, mem);
        printf("  multiprocessors               %d\n",
               attr(dev, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT));
        printf("  warp size                     %d\n",
               attr(dev, CU_DEVICE_ATTRIBUTE_WARP_SIZE));
        printf("  max threads per block         %d\n",
               attr(dev, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK));
        printf("  max block                     %d x %d x %d\n",
               attr(dev, CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X),
               attr(dev, CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y),
               attr(dev, CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z));
        printf("  max grid                      %d x %d x %d\n",
               attr(dev, CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X),
               attr(dev, CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y),
               attr(dev, CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z));
        printf("  shared memory per block       %d bytes\n",
               attr(dev, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK));
        printf("  PCI bus / device / domain     %d / %d / %d\n",
               attr(dev, CU_DEVICE_ATTRIBUTE_PCI_BUS_ID),
               attr(dev, CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID),
               attr(dev, CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID));
        checkCudaErrors(cuDeviceCanAccessPeer(&peer, dev, dev));
        printf("  peer access to itself         %s\n", peer ? "yes" : "no");

        printf("  every attribute:\n");
        for (int a = 1; a < CU_DEVICE_ATTRIBUTE_MAX; a++) {
            int v = 0;
            CUresult r = cuDeviceGetAttribute(&v, (CUdevice_attribute)a,
                                              dev);
            const char *an = attributeNames[a] ? attributeNames[a] : "?";

            if (r != CUDA_SUCCESS) {
                const char *e = NULL;

                cuGetErrorName(r, &e);
                printf("    %3d %-58s FAILED: %s\n", a, an, e ? e : "?");
                failed++;
                continue;
            }
            printf("    %3d %-58s %d\n", a, an, v);
            n++;
        }
        printf("  %d attributes answered\n", n);
        printContext(dev);
    }
    printf("Result = %s\n", failed ? "FAIL" : "PASS");
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
