/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libgvcuda: modules and functions.  A module is PTX text (the emulated
 * GPU has no binary format of NVIDIA's): translated by the runtime's JIT
 * (ptx/), and measured in a secure context.  A cubin or fatbin is refused
 * with CUDA_ERROR_NO_BINARY_FOR_GPU, a PTX error with
 * CUDA_ERROR_INVALID_PTX and the translator's message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graviton/gv_isa.h"
#include "gvcuda_int.h"

#define MODULE_FILE_MAX (64u << 20)

/* The JIT options libgvcuda acts on (the others are accepted and
 * ignored). */
struct jit_opts {
    char *err_buf, *info_buf;
    unsigned int err_size, info_size;
    void **err_size_out, **info_size_out;       /* the options' slots */
};

static void jit_parse(struct jit_opts *j, unsigned int n,
                      const CUjit_option *opts, void **vals)
{
    memset(j, 0, sizeof(*j));
    for (unsigned int i = 0; opts && vals && i < n; i++) {
        switch (opts[i]) {
        case CU_JIT_ERROR_LOG_BUFFER:
            j->err_buf = vals[i];
            break;
        case CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES:
            j->err_size = (unsigned int)(uintptr_t)vals[i];
            j->err_size_out = &vals[i];
            break;
        case CU_JIT_INFO_LOG_BUFFER:
            j->info_buf = vals[i];
            break;
        case CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES:
            j->info_size = (unsigned int)(uintptr_t)vals[i];
            j->info_size_out = &vals[i];
            break;
        default:
            break;
        }
    }
}

/* Give the JIT's logs back as NVIDIA does: the message, and the bytes
 * written in place of the size option's value. */
static void jit_logs(struct jit_opts *j, const char *err)
{
    size_t n;

    if (j->err_buf && j->err_size) {
        snprintf(j->err_buf, j->err_size, "%s", err);
        n = strlen(j->err_buf) + 1;
        *j->err_size_out = (void *)(uintptr_t)n;
    }
    if (j->info_buf && j->info_size) {
        j->info_buf[0] = 0;
        *j->info_size_out = NULL;
    }
}

static CUresult load(const char *call, CUmodule *module, const void *image,
                     size_t len, struct jit_opts *j)
{
    struct gvrt_cmod *m = NULL;
    char err[512] = "";
    CUcontext ctx;
    CUresult res;
    int r;

    res = gvcuda_enter_current(&ctx);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    r = gvrt_ctx_module_load(ctx->core, image, len, &m, err, sizeof(err));
    if (!r && gvcuda_handle_add(m, GVCUDA_MODULE, ctx) != 0) {
        gvrt_ctx_module_unload(ctx->core, m);
        r = -ENOMEM;
    }
    if (j) {
        jit_logs(j, err);
    }
    if (r == -ENOEXEC || r == -EILSEQ) {
        res = gvcuda_fail(call, r == -ENOEXEC ? CUDA_ERROR_NO_BINARY_FOR_GPU :
                          CUDA_ERROR_INVALID_PTX, "%s", err);
    } else {
        res = gvcuda_ret(call, r, ctx->core);
    }
    gvcuda_leave(ctx);
    if (res == CUDA_SUCCESS) {
        *module = (CUmodule)m;
    }
    return res;
}

/* A module image in memory: PTX is NUL-terminated text, measured up to
 * the NUL; a binary is recognised by its first bytes. */
static CUresult load_data(const char *call, CUmodule *module,
                          const void *image, struct jit_opts *j)
{
    GVCUDA_CHECK_INIT(call);
    if (!module || !image) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "module or image is NULL");
    }
    *module = NULL;
    return load(call, module, image, strlen(image), j);
}

CUresult CUDAAPI cuModuleLoadData(CUmodule *module, const void *image)
{
    return load_data("cuModuleLoadData", module, image, NULL);
}

CUresult CUDAAPI cuModuleLoadDataEx(CUmodule *module, const void *image,
                                    unsigned int numOptions,
                                    CUjit_option *options,
                                    void **optionValues)
{
    struct jit_opts j;

    if (numOptions && (!options || !optionValues)) {
        return gvcuda_fail("cuModuleLoadDataEx", CUDA_ERROR_INVALID_VALUE,
                           "options or optionValues is NULL");
    }
    jit_parse(&j, numOptions, options, optionValues);
    return load_data("cuModuleLoadDataEx", module, image, &j);
}

/* The whole file, NUL-terminated (malloc'd): 0 or a CUresult. */
static CUresult read_file(const char *call, const char *path, char **text,
                          size_t *len)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 1 << 16, n = 0, got;
    char *buf = NULL;

    if (!f) {
        return gvcuda_fail(call, CUDA_ERROR_FILE_NOT_FOUND, "%s: cannot "
                           "open it", path);
    }
    do {
        char *t;

        if (n + 1 >= cap || !buf) {
            cap = buf ? cap * 2 : cap;
            t = cap > MODULE_FILE_MAX ? NULL : realloc(buf, cap);
            if (!t) {
                free(buf);
                fclose(f);
                return gvcuda_fail(call, CUDA_ERROR_OUT_OF_MEMORY,
                                   "%s: too large", path);
            }
            buf = t;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = 0;
    *text = buf;
    *len = n;
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuModuleLoad(CUmodule *module, const char *fname)
{
    static const char call[] = "cuModuleLoad";
    char *text = NULL;
    size_t len = 0;
    CUresult res;

    GVCUDA_CHECK_INIT(call);
    if (!module || !fname) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "module or fname is NULL");
    }
    *module = NULL;
    res = read_file(call, fname, &text, &len);
    if (res != CUDA_SUCCESS) {
        return res;
    }
    /* PTX is text: up to the first NUL (a binary is told by its magic) */
    res = load(call, module, text, strnlen(text, len), NULL);
    free(text);
    return res;
}

CUresult CUDAAPI cuModuleUnload(CUmodule hmod)
{
    static const char call[] = "cuModuleUnload";
    CUcontext ctx;
    CUresult res;
    int r;

    GVCUDA_CHECK_INIT(call);
    res = gvcuda_enter_handle(hmod, GVCUDA_MODULE, &ctx);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    /* its functions go with it */
    gvcuda_handle_remove_children(hmod);
    gvcuda_handle_remove(hmod);
    r = gvrt_ctx_module_unload(ctx->core, (struct gvrt_cmod *)hmod);
    res = gvcuda_ret(call, r, ctx->core);
    gvcuda_leave(ctx);
    return res;
}

CUresult CUDAAPI cuModuleGetFunction(CUfunction *hfunc, CUmodule hmod,
                                     const char *name)
{
    static const char call[] = "cuModuleGetFunction";
    struct gvrt_cfunc *f = NULL;
    CUcontext ctx;
    CUresult res;
    int r;

    GVCUDA_CHECK_INIT(call);
    if (!hfunc || !name) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "hfunc or name is NULL");
    }
    res = gvcuda_enter_handle(hmod, GVCUDA_MODULE, &ctx);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    r = gvrt_ctx_module_function(ctx->core, (struct gvrt_cmod *)hmod, name,
                                 &f);
    if (!r && gvcuda_handle_add_child(f, GVCUDA_FUNCTION, ctx, hmod) != 0) {
        r = -ENOMEM;
    }
    if (r == -ENOENT) {
        res = gvcuda_fail(call, CUDA_ERROR_NOT_FOUND,
                          "no kernel \"%s\" in the module", name);
    } else {
        res = gvcuda_ret(call, r, ctx->core);
    }
    gvcuda_leave(ctx);
    if (res == CUDA_SUCCESS) {
        *hfunc = (CUfunction)f;
    }
    return res;
}

CUresult CUDAAPI cuModuleGetGlobal_v2(CUdeviceptr *dptr, size_t *bytes,
                                      CUmodule hmod, const char *name)
{
    static const char call[] = "cuModuleGetGlobal";
    uint64_t va = 0, size = 0;
    CUcontext ctx;
    CUresult res;
    int r;

    GVCUDA_CHECK_INIT(call);
    if (!name) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE, "name is NULL");
    }
    res = gvcuda_enter_handle(hmod, GVCUDA_MODULE, &ctx);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    r = gvrt_ctx_module_global(ctx->core, (struct gvrt_cmod *)hmod, name,
                               &va, &size);
    if (r == -ENOENT) {
        res = gvcuda_fail(call, CUDA_ERROR_NOT_FOUND,
                          "no __device__ or __constant__ variable \"%s\" in "
                          "the module", name);
    } else {
        res = gvcuda_ret(call, r, ctx->core);
    }
    gvcuda_leave(ctx);
    if (res == CUDA_SUCCESS) {
        if (dptr) {
            *dptr = va;
        }
        if (bytes) {
            *bytes = size;
        }
    }
    return res;
}

CUresult CUDAAPI cuFuncGetAttribute(int *pi, CUfunction_attribute attrib,
                                    CUfunction hfunc)
{
    static const char call[] = "cuFuncGetAttribute";
    struct gvrt_func_attrs a;
    CUcontext ctx;
    CUresult res;
    int r;

    GVCUDA_CHECK_INIT(call);
    if (!pi || (int)attrib < 0 || attrib >= CU_FUNC_ATTRIBUTE_MAX) {
        return gvcuda_fail(call, CUDA_ERROR_INVALID_VALUE,
                           "pi is NULL or the attribute is unknown");
    }
    res = gvcuda_enter_handle(hfunc, GVCUDA_FUNCTION, &ctx);
    if (res != CUDA_SUCCESS) {
        return gvcuda_err(call, res);
    }
    r = gvrt_ctx_func_attrs(ctx->core, (struct gvrt_cfunc *)hfunc, &a);
    res = gvcuda_ret(call, r, ctx->core);
    gvcuda_leave(ctx);
    if (res != CUDA_SUCCESS) {
        return res;
    }
    switch (attrib) {
    case CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK:
        *pi = (int)a.max_threads;
        break;
    case CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES:
        *pi = (int)a.shared_size;
        break;
    case CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES:
        *pi = (int)a.local_size;
        break;
    case CU_FUNC_ATTRIBUTE_NUM_REGS:
        *pi = (int)a.nregs;
        break;
    case CU_FUNC_ATTRIBUTE_PTX_VERSION:
    case CU_FUNC_ATTRIBUTE_BINARY_VERSION:
        *pi = 70;
        break;
    case CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES:
        *pi = (int)(GV_ISA_MAX_SHARED - a.shared_size);
        break;
    default:
        *pi = 0;
        break;
    }
    return CUDA_SUCCESS;
}
