/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OpenCL baselines (pocl, oclgrind) for the compute-engine benchmark: see
 * ocl_baseline.h and docs/benchmarks.md.
 *
 * Selecting an engine: both are ICDs behind the ocl-icd loader
 * (libOpenCL.so), and an engine is the platform whose name matches
 * ("Portable Computing Language" for pocl, "Oclgrind" for oclgrind).
 * pocl-opencl-icd registers itself in /etc/OpenCL/vendors/pocl.icd;
 * Debian's oclgrind package ships /usr/lib/oclgrind/liboclgrind-rt-icd.so
 * but no .icd file.  So before the first OpenCL call, unless the user set
 * OCL_ICD_VENDORS, we make a private vendors directory (mkdtemp under
 * $TMPDIR or /tmp) with a copy of every .icd file of the system's
 * directory ($OPENCL_VENDOR_PATH or /etc/OpenCL/vendors) plus
 * oclgrind.icd naming oclgrind's ICD library ($GV_OCLGRIND_ICD, or the
 * first of a few known paths), and set OCL_ICD_VENDORS to it.  The loader
 * reads the directory once, at its first call; we then remove the
 * directory and unset the variable again (child processes see the
 * environment they were given).  Nothing is done when an .icd file of the
 * system already names oclgrind.  The Khronos loader reads
 * OCL_ICD_VENDORS the same way.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocl_baseline.h"

static const char *const kernel_names[] = {
    [GV_OCL_VECTOR_ADD] = "vector_add",
    [GV_OCL_MATMUL] = "matmul",
    [GV_OCL_BLACKSCHOLES] = "blackscholes",
    [GV_OCL_REDUCE] = "reduce",
};

const char *gv_ocl_kernel_name(enum gv_ocl_kernel k)
{
    return (unsigned)k < sizeof(kernel_names) / sizeof(kernel_names[0]) ?
           kernel_names[k] : "?";
}

static void __attribute__((format(printf, 3, 4)))
seterr(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;

    if (!err || !len) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
}

#ifndef GV_HAVE_OPENCL

int gv_ocl_run(const char *engine, enum gv_ocl_kernel k, unsigned n,
               unsigned runs, struct gv_ocl_result *res, char *err,
               size_t err_len)
{
    seterr(err, err_len, "%s: built without OpenCL", engine);
    return -1;
}

int gv_ocl_engines(char *buf, size_t len)
{
    seterr(buf, len, "built without OpenCL");
    return -1;
}

#else

#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "bench_inputs.h"

/*
 * The kernels of kernels/ (*.cu) in OpenCL C: same arguments, same
 * statements.  CUDA's blockIdx / blockDim / threadIdx / gridDim are
 * get_group_id / get_local_size / get_local_id / get_num_groups;
 * __syncthreads() is barrier(CLK_LOCAL_MEM_FENCE).  expf and logf are
 * written as gv_cuda.h writes them (a scale and exp2 / log2).  OpenCL 1.2
 * has no warp shuffle, so reduce_sum's __shfl_down_sync steps go through
 * local memory, with the same result per lane (a lane past the warp's end
 * reads its own value, as shfl.sync.down does).
 */
static const char ocl_source[] =
"#define TILE 16\n"
"#define WARP 32\n"
"\n"
"__kernel void vector_add(__global const float *a, __global const float *b,\n"
"                         __global float *c, int n)\n"
"{\n"
"    int i = get_group_id(0) * get_local_size(0) + get_local_id(0);\n"
"\n"
"    if (i < n)\n"
"        c[i] = a[i] + b[i];\n"
"}\n"
"\n"
"__kernel void matmul(__global const float *a, __global const float *b,\n"
"                     __global float *c, int n)\n"
"{\n"
"    __local float ta[TILE][TILE];\n"
"    __local float tb[TILE][TILE];\n"
"    int tx = get_local_id(0), ty = get_local_id(1);\n"
"    int row = get_group_id(1) * TILE + ty;\n"
"    int col = get_group_id(0) * TILE + tx;\n"
"    float acc = 0.0f;\n"
"\n"
"    for (int t = 0; t < n; t += TILE) {\n"
"        ta[ty][tx] = a[row * n + t + tx];\n"
"        tb[ty][tx] = b[(t + ty) * n + col];\n"
"        barrier(CLK_LOCAL_MEM_FENCE);\n"
"        for (int k = 0; k < TILE; k++)\n"
"            acc += ta[ty][k] * tb[k][tx];\n"
"        barrier(CLK_LOCAL_MEM_FENCE);\n"
"    }\n"
"    c[row * n + col] = acc;\n"
"}\n"
"\n"
"float gv_expf(float x)\n"
"{\n"
"    return exp2(x * 1.4426950408889634f);\n"
"}\n"
"\n"
"float gv_logf(float x)\n"
"{\n"
"    return log2(x) * 0.6931471805599453f;\n"
"}\n"
"\n"
"float cnd(float d)\n"
"{\n"
"    const float a1 = 0.31938153f, a2 = -0.356563782f, a3 = 1.781477937f;\n"
"    const float a4 = -1.821255978f, a5 = 1.330274429f;\n"
"    const float rsqrt2pi = 0.39894228040143267794f;\n"
"    float k = 1.0f / (1.0f + 0.2316419f * fabs(d));\n"
"    float c = rsqrt2pi * gv_expf(-0.5f * d * d) *\n"
"              (k * (a1 + k * (a2 + k * (a3 + k * (a4 + k * a5)))));\n"
"\n"
"    return d > 0 ? 1.0f - c : c;\n"
"}\n"
"\n"
"__kernel void blackscholes(__global float *call, __global float *put,\n"
"                           __global const float *price,\n"
"                           __global const float *strike,\n"
"                           __global const float *years, float r, float v,\n"
"                           int n)\n"
"{\n"
"    for (int i = get_group_id(0) * get_local_size(0) + get_local_id(0);\n"
"         i < n; i += get_num_groups(0) * get_local_size(0)) {\n"
"        float s = price[i], x = strike[i], t = years[i];\n"
"        float sqrt_t = sqrt(t);\n"
"        float d1 = (gv_logf(s / x) + (r + 0.5f * v * v) * t) /\n"
"                   (v * sqrt_t);\n"
"        float d2 = d1 - v * sqrt_t;\n"
"        float e = gv_expf(-r * t);\n"
"\n"
"        call[i] = s * cnd(d1) - x * e * cnd(d2);\n"
"        put[i] = x * e * (1.0f - cnd(d2)) - s * (1.0f - cnd(d1));\n"
"    }\n"
"}\n"
"\n"
"__kernel void reduce_sum(__global const int *in, __global int *sum, int n)\n"
"{\n"
"    __local int shfl[GV_REDUCE_BLOCK];\n"
"    int lid = get_local_id(0), lane = lid & (WARP - 1);\n"
"    int v = 0;\n"
"\n"
"    for (int i = get_group_id(0) * get_local_size(0) + lid; i < n;\n"
"         i += get_num_groups(0) * get_local_size(0))\n"
"        v += in[i];\n"
"    for (int d = WARP / 2; d > 0; d /= 2) {\n"
"        shfl[lid] = v;\n"
"        barrier(CLK_LOCAL_MEM_FENCE);\n"
"        v += lane + d < WARP ? shfl[lid + d] : v;\n"
"        barrier(CLK_LOCAL_MEM_FENCE);\n"
"    }\n"
"    if (lane == 0)\n"
"        atomic_add(sum, v);\n"
"}\n";

static const char *const cl_kernel_entry[] = {
    [GV_OCL_VECTOR_ADD] = "vector_add",
    [GV_OCL_MATMUL] = "matmul",
    [GV_OCL_BLACKSCHOLES] = "blackscholes",
    [GV_OCL_REDUCE] = "reduce_sum",
};

static const char *cl_strerror(cl_int rc)
{
    switch (rc) {
    case CL_DEVICE_NOT_FOUND: return "CL_DEVICE_NOT_FOUND";
    case CL_OUT_OF_RESOURCES: return "CL_OUT_OF_RESOURCES";
    case CL_OUT_OF_HOST_MEMORY: return "CL_OUT_OF_HOST_MEMORY";
    case CL_MEM_OBJECT_ALLOCATION_FAILURE:
        return "CL_MEM_OBJECT_ALLOCATION_FAILURE";
    case CL_BUILD_PROGRAM_FAILURE: return "CL_BUILD_PROGRAM_FAILURE";
    case CL_INVALID_VALUE: return "CL_INVALID_VALUE";
    case CL_INVALID_PLATFORM: return "CL_INVALID_PLATFORM";
    case CL_INVALID_DEVICE: return "CL_INVALID_DEVICE";
    case CL_INVALID_BUFFER_SIZE: return "CL_INVALID_BUFFER_SIZE";
    case CL_INVALID_KERNEL_ARGS: return "CL_INVALID_KERNEL_ARGS";
    case CL_INVALID_WORK_GROUP_SIZE: return "CL_INVALID_WORK_GROUP_SIZE";
    case CL_INVALID_WORK_ITEM_SIZE: return "CL_INVALID_WORK_ITEM_SIZE";
    case CL_INVALID_GLOBAL_WORK_SIZE: return "CL_INVALID_GLOBAL_WORK_SIZE";
    case -1001: return "CL_PLATFORM_NOT_FOUND_KHR (no ICD found)";
    default: return "OpenCL error";
    }
}

/* ---- loader set-up: register oclgrind's ICD for this process ---- */

static const char *const oclgrind_icd_paths[] = {
    "/usr/lib/oclgrind/liboclgrind-rt-icd.so",      /* Debian 12 */
    "/usr/lib64/oclgrind/liboclgrind-rt-icd.so",
    "/usr/local/lib/liboclgrind-rt-icd.so",
    "/usr/lib/liboclgrind-rt-icd.so",
};

static int loader_done;
static char loader_dir[PATH_MAX];

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && !strcmp(s + n - m, suffix);
}

/* Up to size - 1 bytes of a file, NUL-terminated; -1 if unreadable. */
static int read_small(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n;

    if (!f) {
        return -1;
    }
    n = fread(buf, 1, size - 1, f);
    buf[n] = 0;
    fclose(f);
    return 0;
}

static int write_small(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    int ok;

    if (!f) {
        return -1;
    }
    ok = fputs(text, f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static void loader_cleanup(void)
{
    DIR *d;
    struct dirent *de;
    char path[PATH_MAX + 256];

    if (!loader_dir[0]) {
        return;
    }
    d = opendir(loader_dir);
    while (d && (de = readdir(d))) {
        if (has_suffix(de->d_name, ".icd")) {
            snprintf(path, sizeof(path), "%s/%s", loader_dir, de->d_name);
            unlink(path);
        }
    }
    if (d) {
        closedir(d);
    }
    rmdir(loader_dir);
    loader_dir[0] = 0;
    unsetenv("OCL_ICD_VENDORS");
}

/* Does an .icd file of vendors name oclgrind?  Copy them into dir if set. */
static int scan_vendors(const char *vendors, const char *dir)
{
    DIR *d = opendir(vendors);
    struct dirent *de;
    char path[PATH_MAX + 256], text[4096];
    int found = 0;

    while (d && (de = readdir(d))) {
        if (!has_suffix(de->d_name, ".icd")) {
            continue;
        }
        snprintf(path, sizeof(path), "%s/%s", vendors, de->d_name);
        if (read_small(path, text, sizeof(text)) < 0) {
            continue;
        }
        if (strstr(text, "oclgrind")) {
            found = 1;
        }
        if (dir) {
            snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
            write_small(path, text);
        }
    }
    if (d) {
        closedir(d);
    }
    return found;
}

static void loader_setup(void)
{
    const char *env = getenv("OCL_ICD_VENDORS");
    const char *vendors = getenv("OPENCL_VENDOR_PATH");
    const char *lib = getenv("GV_OCLGRIND_ICD");
    const char *tmp = getenv("TMPDIR");
    char path[PATH_MAX + 256];

    if (loader_done) {
        return;
    }
    loader_done = 1;
    if (env && *env) {
        return;         /* the user chose the ICDs */
    }
    if (!lib || !*lib) {
        lib = NULL;
        for (size_t i = 0; i < sizeof(oclgrind_icd_paths) /
                               sizeof(oclgrind_icd_paths[0]); i++) {
            if (access(oclgrind_icd_paths[i], R_OK) == 0) {
                lib = oclgrind_icd_paths[i];
                break;
            }
        }
    }
    if (!lib) {
        return;         /* no oclgrind: the system's ICDs as they are */
    }
    if (!vendors || !*vendors) {
        vendors = "/etc/OpenCL/vendors";
    }
    if (scan_vendors(vendors, NULL)) {
        return;         /* oclgrind is registered already */
    }
    snprintf(loader_dir, sizeof(loader_dir), "%s/gv-ocl-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(loader_dir)) {
        snprintf(loader_dir, sizeof(loader_dir), "/tmp/gv-ocl-XXXXXX");
        if (!mkdtemp(loader_dir)) {
            loader_dir[0] = 0;
            return;
        }
    }
    scan_vendors(vendors, loader_dir);
    snprintf(path, sizeof(path), "%s/gv-oclgrind.icd", loader_dir);
    {
        char line[PATH_MAX + 2];

        snprintf(line, sizeof(line), "%s\n", lib);
        if (write_small(path, line) < 0) {
            loader_cleanup();
            return;
        }
    }
    setenv("OCL_ICD_VENDORS", loader_dir, 1);
}

/* All platforms; the first call initialises the loader. */
static cl_int get_platforms(cl_platform_id *ids, cl_uint max, cl_uint *num)
{
    cl_int rc;

    loader_setup();
    rc = clGetPlatformIDs(max, ids, num);
    loader_cleanup();
    return rc;
}

static void platform_name(cl_platform_id p, char *buf, size_t len)
{
    if (clGetPlatformInfo(p, CL_PLATFORM_NAME, len, buf, NULL) !=
        CL_SUCCESS) {
        snprintf(buf, len, "?");
    }
    buf[len - 1] = 0;
}

/* Case-insensitive strstr. */
static int contains(const char *s, const char *word)
{
    size_t m = strlen(word);

    for (; *s; s++) {
        if (!strncasecmp(s, word, m)) {
            return 1;
        }
    }
    return m == 0;
}

static int engine_matches(const char *engine, const char *platform)
{
    if (!strcasecmp(engine, "pocl")) {
        return contains(platform, "Portable Computing Language") ||
               contains(platform, "pocl");
    }
    return contains(platform, engine);
}

int gv_ocl_engines(char *buf, size_t len)
{
    cl_platform_id ids[16];
    cl_uint num = 0;
    cl_int rc = get_platforms(ids, 16, &num);
    size_t used = 0;

    if (rc != CL_SUCCESS) {
        seterr(buf, len, "no OpenCL platform: %s (%d)", cl_strerror(rc), rc);
        return -1;
    }
    if (num > 16) {
        num = 16;
    }
    if (len) {
        buf[0] = 0;
    }
    for (cl_uint i = 0; i < num && used < len; i++) {
        char name[128];

        platform_name(ids[i], name, sizeof(name));
        used += snprintf(buf + used, len - used, "%s%s", i ? "; " : "",
                         name);
    }
    return (int)num;
}

/* ---- one engine: context, queue, program ---- */

struct ocl {
    cl_device_id dev;
    cl_context ctx;
    cl_command_queue q;
    cl_program prog;
    cl_kernel kern;
    cl_mem buf[5];
};

static void ocl_close(struct ocl *o)
{
    for (int i = 0; i < 5; i++) {
        if (o->buf[i]) {
            clReleaseMemObject(o->buf[i]);
        }
    }
    if (o->kern) {
        clReleaseKernel(o->kern);
    }
    if (o->prog) {
        clReleaseProgram(o->prog);
    }
    if (o->q) {
        clReleaseCommandQueue(o->q);
    }
    if (o->ctx) {
        clReleaseContext(o->ctx);
    }
}

/* 0, -1: no such engine, -2: OpenCL error. */
static int ocl_open(struct ocl *o, const char *engine, enum gv_ocl_kernel k,
                    struct gv_ocl_result *res, char *err, size_t len)
{
    cl_platform_id ids[16], plat = NULL;
    cl_uint num = 0;
    cl_int rc = get_platforms(ids, 16, &num);
    char names[512] = "", name[128];
    char opts[160];
    cl_device_fp_config fp = 0;

    if (rc != CL_SUCCESS) {
        seterr(err, len, "%s: not available (no OpenCL platform: %s)",
               engine, cl_strerror(rc));
        return -1;
    }
    if (num > 16) {
        num = 16;
    }
    for (cl_uint i = 0; i < num; i++) {
        platform_name(ids[i], name, sizeof(name));
        if (!plat && engine_matches(engine, name)) {
            plat = ids[i];
        }
        snprintf(names + strlen(names), sizeof(names) - strlen(names),
                 "%s\"%s\"", i ? ", " : "", name);
    }
    if (!plat) {
        seterr(err, len, "%s: not available (OpenCL platforms: %s)%s",
               engine, num ? names : "none",
               !strcasecmp(engine, "pocl") ?
               "; Debian package pocl-opencl-icd" :
               !strcasecmp(engine, "oclgrind") ?
               "; Debian package oclgrind" : "");
        return -1;
    }
    rc = clGetDeviceIDs(plat, CL_DEVICE_TYPE_ALL, 1, &o->dev, NULL);
    if (rc != CL_SUCCESS) {
        seterr(err, len, "%s: not available (no device: %s)", engine,
               cl_strerror(rc));
        return -1;
    }
    if (clGetDeviceInfo(o->dev, CL_DEVICE_NAME, sizeof(res->device),
                        res->device, NULL) != CL_SUCCESS) {
        snprintf(res->device, sizeof(res->device), "?");
    }
    res->device[sizeof(res->device) - 1] = 0;

    cl_context_properties props[] = {
        CL_CONTEXT_PLATFORM, (cl_context_properties)plat, 0
    };
    o->ctx = clCreateContext(props, 1, &o->dev, NULL, NULL, &rc);
    if (!o->ctx) {
        seterr(err, len, "%s: clCreateContext: %s (%d)", engine,
               cl_strerror(rc), rc);
        return -2;
    }
    o->q = clCreateCommandQueue(o->ctx, o->dev, 0, &rc);
    if (!o->q) {
        seterr(err, len, "%s: clCreateCommandQueue: %s (%d)", engine,
               cl_strerror(rc), rc);
        return -2;
    }

    const char *src = ocl_source;
    size_t src_len = sizeof(ocl_source) - 1;

    o->prog = clCreateProgramWithSource(o->ctx, 1, &src, &src_len, &rc);
    if (!o->prog) {
        seterr(err, len, "%s: clCreateProgramWithSource: %s (%d)", engine,
               cl_strerror(rc), rc);
        return -2;
    }
    /* CUDA's / and sqrtf are correctly rounded (div.rn, sqrt.rn). */
    clGetDeviceInfo(o->dev, CL_DEVICE_SINGLE_FP_CONFIG, sizeof(fp), &fp,
                    NULL);
    snprintf(opts, sizeof(opts), "-DGV_REDUCE_BLOCK=%u%s",
             GV_BENCH_REDUCE_BLOCK,
             fp & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT ?
             " -cl-fp32-correctly-rounded-divide-sqrt" : "");
    rc = clBuildProgram(o->prog, 1, &o->dev, opts, NULL, NULL);
    if (rc != CL_SUCCESS) {
        char log[1024] = "";

        clGetProgramBuildInfo(o->prog, o->dev, CL_PROGRAM_BUILD_LOG,
                              sizeof(log), log, NULL);
        log[sizeof(log) - 1] = 0;
        seterr(err, len, "%s: clBuildProgram: %s (%d): %s", engine,
               cl_strerror(rc), rc, log);
        return -2;
    }
    o->kern = clCreateKernel(o->prog, cl_kernel_entry[k], &rc);
    if (!o->kern) {
        seterr(err, len, "%s: clCreateKernel(%s): %s (%d)", engine,
               cl_kernel_entry[k], cl_strerror(rc), rc);
        return -2;
    }
    return 0;
}

/* Buffer i: size bytes, copied from host if not NULL. */
static int ocl_buf(struct ocl *o, int i, size_t size, const void *host,
                   char *err, size_t len)
{
    cl_int rc;
    cl_mem_flags flags = host ? CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR :
                                CL_MEM_READ_WRITE;

    o->buf[i] = clCreateBuffer(o->ctx, flags, size, (void *)host, &rc);
    if (!o->buf[i]) {
        seterr(err, len, "clCreateBuffer(%zu bytes): %s (%d)", size,
               cl_strerror(rc), rc);
        return -2;
    }
    return 0;
}

static int ocl_arg(struct ocl *o, cl_uint i, size_t size, const void *val,
                   char *err, size_t len)
{
    cl_int rc = clSetKernelArg(o->kern, i, size, val);

    if (rc != CL_SUCCESS) {
        seterr(err, len, "clSetKernelArg(%u): %s (%d)", i, cl_strerror(rc),
               rc);
        return -2;
    }
    return 0;
}

static int ocl_read(struct ocl *o, int i, size_t size, void *host, char *err,
                    size_t len)
{
    cl_int rc = clEnqueueReadBuffer(o->q, o->buf[i], CL_TRUE, 0, size, host,
                                    0, NULL, NULL);

    if (rc != CL_SUCCESS) {
        seterr(err, len, "clEnqueueReadBuffer: %s (%d)", cl_strerror(rc),
               rc);
        return -2;
    }
    return 0;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A warm-up launch and `runs` timed ones with geometry l; *best gets the
 * fastest.  zero_buf >= 0: that buffer's first int is set to 0 before each
 * launch (reduce's sum), outside the timing.
 */
static int ocl_launch(struct ocl *o, const struct gv_bench_launch *l,
                      unsigned runs, int zero_buf, double *best, char *err,
                      size_t len)
{
    size_t gws[2] = {
        (size_t)l->grid_x * l->block_x, (size_t)l->grid_y * l->block_y
    };
    size_t lws[2] = { l->block_x, l->block_y };
    cl_uint dims = l->grid_y > 1 || l->block_y > 1 ? 2 : 1;

    for (unsigned r = 0; r <= runs; r++) {
        cl_int rc = CL_SUCCESS;
        double t;

        if (zero_buf >= 0) {
            const int zero = 0;

            rc = clEnqueueWriteBuffer(o->q, o->buf[zero_buf], CL_TRUE, 0,
                                      sizeof(zero), &zero, 0, NULL, NULL);
        }
        if (rc == CL_SUCCESS) {
            rc = clFinish(o->q);
        }
        t = now_s();
        if (rc == CL_SUCCESS) {
            rc = clEnqueueNDRangeKernel(o->q, o->kern, dims, NULL, gws, lws,
                                        0, NULL, NULL);
        }
        if (rc == CL_SUCCESS) {
            rc = clFinish(o->q);
        }
        t = now_s() - t;
        if (rc != CL_SUCCESS) {
            seterr(err, len, "launch: %s (%d)", cl_strerror(rc), rc);
            return -2;
        }
        if (r == 1 || (r > 1 && t < *best)) {
            *best = t;
        }
    }
    return 0;
}

static void *alloc(size_t size, char *err, size_t len)
{
    void *p = malloc(size ? size : 1);

    if (!p) {
        seterr(err, len, "out of memory (%zu bytes)", size);
    }
    return p;
}

static int run_vector_add(struct ocl *o, unsigned n, unsigned runs,
                          struct gv_ocl_result *res, char *err, size_t len)
{
    size_t bytes = (size_t)n * sizeof(float);
    struct gv_bench_launch l = gv_bench_launch_vector_add(n);
    float *a = alloc(bytes, err, len), *b = alloc(bytes, err, len);
    float *c = alloc(bytes, err, len), *want = alloc(bytes, err, len);
    int ni = (int)n, rc = -2;

    if (!a || !b || !c || !want) {
        goto out;
    }
    gv_bench_fill_vector_add(a, b, n);
    gv_bench_ref_vector_add(a, b, want, n);
    if (ocl_buf(o, 0, bytes, a, err, len) ||
        ocl_buf(o, 1, bytes, b, err, len) ||
        ocl_buf(o, 2, bytes, NULL, err, len) ||
        ocl_arg(o, 0, sizeof(cl_mem), &o->buf[0], err, len) ||
        ocl_arg(o, 1, sizeof(cl_mem), &o->buf[1], err, len) ||
        ocl_arg(o, 2, sizeof(cl_mem), &o->buf[2], err, len) ||
        ocl_arg(o, 3, sizeof(int), &ni, err, len) ||
        ocl_launch(o, &l, runs, -1, &res->seconds, err, len) ||
        ocl_read(o, 2, bytes, c, err, len)) {
        goto out;
    }
    res->ok = gv_bench_check_floats(c, want, n, 0, &res->max_err) == 0;
    rc = 0;
out:
    free(a);
    free(b);
    free(c);
    free(want);
    return rc;
}

static int run_matmul(struct ocl *o, unsigned n, unsigned runs,
                      struct gv_ocl_result *res, char *err, size_t len)
{
    size_t bytes = (size_t)n * n * sizeof(float);
    struct gv_bench_launch l = gv_bench_launch_matmul(n);
    float *a = alloc(bytes, err, len), *b = alloc(bytes, err, len);
    float *c = alloc(bytes, err, len), *want = alloc(bytes, err, len);
    int ni = (int)n, rc = -2;

    if (!a || !b || !c || !want) {
        goto out;
    }
    gv_bench_fill_matmul(a, b, n);
    gv_bench_ref_matmul(a, b, want, n);
    if (ocl_buf(o, 0, bytes, a, err, len) ||
        ocl_buf(o, 1, bytes, b, err, len) ||
        ocl_buf(o, 2, bytes, NULL, err, len) ||
        ocl_arg(o, 0, sizeof(cl_mem), &o->buf[0], err, len) ||
        ocl_arg(o, 1, sizeof(cl_mem), &o->buf[1], err, len) ||
        ocl_arg(o, 2, sizeof(cl_mem), &o->buf[2], err, len) ||
        ocl_arg(o, 3, sizeof(int), &ni, err, len) ||
        ocl_launch(o, &l, runs, -1, &res->seconds, err, len) ||
        ocl_read(o, 2, bytes, c, err, len)) {
        goto out;
    }
    res->ok = gv_bench_check_floats(c, want, (size_t)n * n, 0,
                                    &res->max_err) == 0;
    rc = 0;
out:
    free(a);
    free(b);
    free(c);
    free(want);
    return rc;
}

static int run_blackscholes(struct ocl *o, unsigned n, unsigned runs,
                            struct gv_ocl_result *res, char *err, size_t len)
{
    size_t bytes = (size_t)n * sizeof(float);
    struct gv_bench_launch l = gv_bench_launch_blackscholes(n);
    float *price = alloc(bytes, err, len), *strike = alloc(bytes, err, len);
    float *years = alloc(bytes, err, len);
    float *call = alloc(bytes, err, len), *put = alloc(bytes, err, len);
    float *want_call = alloc(bytes, err, len);
    float *want_put = alloc(bytes, err, len);
    float r = GV_BENCH_BS_R, v = GV_BENCH_BS_V;
    double err_call, err_put;
    size_t bad;
    int ni = (int)n, rc = -2;

    if (!price || !strike || !years || !call || !put || !want_call ||
        !want_put) {
        goto out;
    }
    gv_bench_fill_blackscholes(price, strike, years, n);
    gv_bench_ref_blackscholes(want_call, want_put, price, strike, years, r, v,
                              n);
    if (ocl_buf(o, 0, bytes, NULL, err, len) ||
        ocl_buf(o, 1, bytes, NULL, err, len) ||
        ocl_buf(o, 2, bytes, price, err, len) ||
        ocl_buf(o, 3, bytes, strike, err, len) ||
        ocl_buf(o, 4, bytes, years, err, len)) {
        goto out;
    }
    for (cl_uint i = 0; i < 5; i++) {
        if (ocl_arg(o, i, sizeof(cl_mem), &o->buf[i], err, len)) {
            goto out;
        }
    }
    if (ocl_arg(o, 5, sizeof(float), &r, err, len) ||
        ocl_arg(o, 6, sizeof(float), &v, err, len) ||
        ocl_arg(o, 7, sizeof(int), &ni, err, len) ||
        ocl_launch(o, &l, runs, -1, &res->seconds, err, len) ||
        ocl_read(o, 0, bytes, call, err, len) ||
        ocl_read(o, 1, bytes, put, err, len)) {
        goto out;
    }
    bad = gv_bench_check_floats(call, want_call, n, GV_BENCH_BS_TOL,
                                &err_call);
    bad += gv_bench_check_floats(put, want_put, n, GV_BENCH_BS_TOL, &err_put);
    res->ok = bad == 0;
    res->max_err = err_call > err_put ? err_call : err_put;
    rc = 0;
out:
    free(price);
    free(strike);
    free(years);
    free(call);
    free(put);
    free(want_call);
    free(want_put);
    return rc;
}

static int run_reduce(struct ocl *o, unsigned n, unsigned runs,
                      struct gv_ocl_result *res, char *err, size_t len)
{
    size_t bytes = (size_t)n * sizeof(int);
    struct gv_bench_launch l = gv_bench_launch_reduce(n);
    int *in = alloc(bytes, err, len);
    int ni = (int)n, sum = 0, want, rc = -2;

    if (!in) {
        goto out;
    }
    gv_bench_fill_reduce(in, n);
    want = gv_bench_ref_reduce(in, n);
    if (ocl_buf(o, 0, bytes, in, err, len) ||
        ocl_buf(o, 1, sizeof(int), &sum, err, len) ||
        ocl_arg(o, 0, sizeof(cl_mem), &o->buf[0], err, len) ||
        ocl_arg(o, 1, sizeof(cl_mem), &o->buf[1], err, len) ||
        ocl_arg(o, 2, sizeof(int), &ni, err, len) ||
        ocl_launch(o, &l, runs, 1, &res->seconds, err, len) ||
        ocl_read(o, 1, sizeof(int), &sum, err, len)) {
        goto out;
    }
    res->ok = sum == want;
    res->max_err = sum > want ? (double)sum - want : (double)want - sum;
    rc = 0;
out:
    free(in);
    return rc;
}

int gv_ocl_run(const char *engine, enum gv_ocl_kernel k, unsigned n,
               unsigned runs, struct gv_ocl_result *res, char *err,
               size_t err_len)
{
    struct ocl o = { 0 };
    int rc;

    if (err && err_len) {
        err[0] = 0;
    }
    memset(res, 0, sizeof(*res));
    if ((unsigned)k > GV_OCL_REDUCE) {
        seterr(err, err_len, "unknown kernel %d", (int)k);
        return -2;
    }
    if (n == 0 || n > INT_MAX ||
        (k == GV_OCL_MATMUL && (n % GV_BENCH_MATMUL_TILE ||
                                (unsigned long long)n * n > INT_MAX))) {
        seterr(err, err_len, "%s: bad size %u%s", gv_ocl_kernel_name(k), n,
               k == GV_OCL_MATMUL ? " (a multiple of 16, n * n < 2^31)" : "");
        return -2;
    }
    if (runs == 0) {
        runs = 1;
    }
    rc = ocl_open(&o, engine, k, res, err, err_len);
    if (rc == 0) {
        switch (k) {
        case GV_OCL_VECTOR_ADD:
            rc = run_vector_add(&o, n, runs, res, err, err_len);
            break;
        case GV_OCL_MATMUL:
            rc = run_matmul(&o, n, runs, res, err, err_len);
            break;
        case GV_OCL_BLACKSCHOLES:
            rc = run_blackscholes(&o, n, runs, res, err, err_len);
            break;
        case GV_OCL_REDUCE:
            rc = run_reduce(&o, n, runs, res, err, err_len);
            break;
        }
    }
    ocl_close(&o);
    return rc;
}

#endif /* GV_HAVE_OPENCL */
