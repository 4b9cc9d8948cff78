/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OpenCL baselines for the compute-engine benchmark: the test kernels of
 * kernels/ (vector_add, matmul, blackscholes, reduce_sum) written again in
 * OpenCL C with the same algorithms, arguments and launch geometry
 * (bench_inputs.h), run on Debian's pocl (native CPU OpenCL) or oclgrind
 * (an OpenCL interpreter) through the ICD loader, on bench_inputs.h's
 * inputs and checked against its CPU references.  docs/benchmarks.md says
 * more.
 *
 * Engines are OpenCL platforms picked by name: "pocl" (platform "Portable
 * Computing Language") and "oclgrind" (platform "Oclgrind").  Debian's
 * oclgrind package ships its ICD library without registering it in
 * /etc/OpenCL/vendors; before the process's first OpenCL call, gv_ocl_run
 * points the loader at a private vendors directory holding the system's
 * .icd files plus one for oclgrind (see ocl_baseline.c), unless
 * OCL_ICD_VENDORS is set already.  So call gv_ocl_run (or gv_ocl_engines)
 * before anything else in the process uses OpenCL.  Not thread-safe.
 *
 * Built without OpenCL (no headers or loader at build time), every call
 * returns -1 with "built without OpenCL".
 */
#ifndef GV_OCL_BASELINE_H
#define GV_OCL_BASELINE_H

#include <stddef.h>

enum gv_ocl_kernel {
    GV_OCL_VECTOR_ADD,
    GV_OCL_MATMUL,
    GV_OCL_BLACKSCHOLES,
    GV_OCL_REDUCE,
};

struct gv_ocl_result {
    double seconds;     /* kernel time only: best of the timed runs */
    int ok;             /* output matched the CPU reference */
    double max_err;     /* largest |output - reference| (0 when exact) */
    char device[64];    /* the OpenCL device's name */
};

/*
 * Run kernel k on engine ("pocl" or "oclgrind") for problem size n:
 * elements (vector_add, reduce), options (blackscholes) or the matrix
 * dimension (matmul: a multiple of 16).  One untimed warm-up launch (pocl
 * compiles the kernel for its work-group size at the first launch), then
 * `runs` timed launches (at least 1); each is timed from the enqueue to
 * clFinish's return, excluding the build and the transfers.  The output of
 * the last launch is checked.
 *
 * Returns 0 (the result in *res, ok says whether the output was right),
 * -1 if that engine is not available, -2 on bad arguments or an OpenCL
 * error; on failure err (if not NULL) holds a message.
 */
int gv_ocl_run(const char *engine, enum gv_ocl_kernel k, unsigned n,
               unsigned runs, struct gv_ocl_result *res, char *err,
               size_t err_len);

/* The kernel's name ("vector_add", "matmul", "blackscholes", "reduce"). */
const char *gv_ocl_kernel_name(enum gv_ocl_kernel k);

/*
 * The OpenCL platforms visible to this process, as "name; name; ..." in
 * buf (after the same loader set-up as gv_ocl_run).  Returns their number,
 * or -1 (message in buf) if none can be listed.
 */
int gv_ocl_engines(char *buf, size_t len);

#endif
