/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime core: kernel launches.  The shape and the parameters are checked
 * here against the device's limits and the function's own (so a mistake
 * is the caller's error, not a device fault), packed by the function's
 * parameter table and sent in one group (encrypted in a secure context:
 * cudaSecureKernelLaunch).
 */
#include <errno.h>
#include <string.h>

#include "gvrt_core_int.h"

/* Threads of an SM the occupancy calculation assumes (as on NVIDIA's
 * recent GPUs); the emulated SM runs one block at a time anyway. */
#define THREADS_PER_SM 2048u

static int check_shape(const struct gv_isa_func *fi,
                       const struct gvrt_launch_cfg *l)
{
    static const uint32_t gmax[3] = { GVRT_MAX_GRID_X, GVRT_MAX_GRID_Y,
                                      GVRT_MAX_GRID_Z };
    static const uint32_t bmax[3] = { GVRT_MAX_BLOCK_X, GVRT_MAX_BLOCK_Y,
                                      GVRT_MAX_BLOCK_Z };
    uint64_t threads = 1;

    for (int i = 0; i < 3; i++) {
        if (!l->grid[i] || l->grid[i] > gmax[i] || !l->block[i] ||
            l->block[i] > bmax[i]) {
            return -EDOM;
        }
        threads *= l->block[i];
    }
    if (threads > GV_ISA_MAX_BLOCK) {
        return -EDOM;
    }
    /* .reqntid / .maxntid */
    if (fi->reqntid[0] &&
        threads > (uint64_t)fi->reqntid[0] * fi->reqntid[1] *
                  fi->reqntid[2]) {
        return -EDOM;
    }
    if ((uint64_t)fi->shared_size + l->shared_dyn > GV_ISA_MAX_SHARED) {
        return -EDOM;
    }
    return 0;
}

/* The parameter buffer from @args or @buf into @p; its size. */
static int params(const struct gvrt_cmod *m, int index,
                  const struct gv_isa_func *fi, void **args,
                  const void *buf, size_t buf_size, uint8_t *p)
{
    if (buf) {
        if (buf_size > fi->param_size) {
            return -E2BIG;          /* more than the kernel takes */
        }
        if (buf_size < fi->param_size) {
            return -EINVAL;
        }
        memcpy(p, buf, buf_size);
        return (int)buf_size;
    }
    return gvrt_pack_params(&m->m, index, args, p, GV_ISA_MAX_PARAM);
}

int gvrt_ctx_launch(struct gvrt_ctx *c, struct gvrt_cfunc *f,
                    struct gvrt_cstream *cs, const struct gvrt_launch_cfg *l,
                    void **args, const void *buf, size_t buf_size)
{
    uint8_t p[GV_ISA_MAX_PARAM];
    const struct gv_isa_func *fi;
    struct gvrt_cstream *s;
    int r, n;

    if (!c || !l || (args && buf)) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    r = gvrt_ctx_func_check(c, f);
    s = r ? NULL : gvrt_ctx_stream_of(c, cs);
    if (!s) {
        r = -EBADF;
        goto done;
    }
    fi = gvrt_cfunc_info(f);
    r = check_shape(fi, l);
    if (r) {
        goto done;
    }
    if (fi->nparams && !args && !buf) {
        r = -EINVAL;
        goto done;
    }
    n = params(f->mod, f->index, fi, args, buf, buf_size, p);
    if (n < 0) {
        r = n;
        goto done;
    }
    r = gvrt_ctx_prepare(c, s);
    if (!r) {
        r = gvrt_launch_async(&s->st, &f->mod->m, f->index, l->grid,
                              l->block, l->shared_dyn, p, (uint32_t)n);
    }
    if (r == -EBADMSG) {
        gvrt_ctx_note_failure(c, NULL);
    }
done:
    gvrt_ctx_unlock(c);
    return r;
}

int gvrt_ctx_occupancy(struct gvrt_ctx *c, struct gvrt_cfunc *f,
                       size_t shared_dyn, int limit, int *min_grid,
                       int *block)
{
    struct gvrt_func_attrs a;
    unsigned sms = 1;
    uint32_t b;
    int r;

    if (!min_grid || !block || limit < 0) {
        return -EINVAL;
    }
    r = gvrt_ctx_func_attrs(c, f, &a);
    if (r) {
        return r;
    }
    if (a.shared_size + (uint64_t)shared_dyn > GV_ISA_MAX_SHARED) {
        return -EDOM;
    }
    b = a.max_threads;
    if (limit && (uint32_t)limit < b) {
        b = (uint32_t)limit;
    }
    /* whole warps, as NVIDIA's calculator rounds */
    if (b > 32) {
        b &= ~31u;
    }
    r = gvrt_device_sms(gvrt_ctx_device(c), &sms);
    if (r) {
        return r;
    }
    *block = (int)b;
    *min_grid = (int)(sms * (THREADS_PER_SM / b ? THREADS_PER_SM / b : 1));
    return 0;
}
