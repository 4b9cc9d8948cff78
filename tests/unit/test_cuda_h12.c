/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Part of test-cuda-h: cuda.h in CUDA 12 mode (GRAVITON_CUDA_VERSION
 * 12080, as a program that wants the 3-argument cuCtxCreate defines it).
 * A translation unit of its own, since the header is included once.
 */
#define GRAVITON_CUDA_VERSION 12080
#include "cuda.h"

#include "cunit_main.h"

void gv_cuda_h12_abi_names(void);

#define GV_STR(x) #x
#define GV_XSTR(x) GV_STR(x)

/* Compile time: the CUDA 12 forms, under the names programs use. */
_Static_assert(CUDA_VERSION == 12080, "CUDA_VERSION follows the choice");
_Static_assert(__builtin_types_compatible_p(__typeof__(&cuCtxCreate),
                                            CUresult (*)(CUcontext *,
                                                         unsigned int,
                                                         CUdevice)),
               "cuCtxCreate is CUDA 12's 3-argument form");
_Static_assert(__builtin_types_compatible_p(__typeof__(&cuCtxCreate_v4),
                                            CUresult (*)(CUcontext *,
                                                         CUctxCreateParams *,
                                                         unsigned int,
                                                         CUdevice)),
               "cuCtxCreate_v4 is still there by name");
_Static_assert(__builtin_types_compatible_p(__typeof__(&cuEventElapsedTime),
                                            CUresult (*)(float *, CUevent,
                                                         CUevent)),
               "cuEventElapsedTime");
_Static_assert(__builtin_types_compatible_p(
                   __typeof__(&cuEventElapsedTime_v2),
                   CUresult (*)(float *, CUevent, CUevent)),
               "cuEventElapsedTime_v2");

/* Called from test_cuda_h.c's "ABI names" test. */
void gv_cuda_h12_abi_names(void)
{
    CU_ASSERT_STRING_EQUAL(GV_XSTR(cuCtxCreate), "cuCtxCreate_v2");
    CU_ASSERT_STRING_EQUAL(GV_XSTR(cuEventElapsedTime), "cuEventElapsedTime");
    /* the other mappings are the same in CUDA 12 */
    CU_ASSERT_STRING_EQUAL(GV_XSTR(cuMemAlloc), "cuMemAlloc_v2");
    CU_ASSERT_STRING_EQUAL(GV_XSTR(cuCtxDestroy), "cuCtxDestroy_v2");
    CU_ASSERT_STRING_EQUAL(GV_XSTR(cuEventDestroy), "cuEventDestroy_v2");
    CU_ASSERT_EQUAL(CUDA_VERSION, 12080);
}
