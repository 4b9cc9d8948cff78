/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime core: modules.  The device runs GVX only, so a module is PTX
 * text translated here (ptx/, the equivalent of the CUDA driver's JIT),
 * copied into the context's memory and, in a secure context, measured:
 * CH_MEASURE's keyed digest of the device copy must equal the one the
 * runtime computes over the image it translated.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gv_ptx.h"
#include "gvrt_core_int.h"

#define FATBIN_MAGIC    0xba55ed50u     /* a fat binary's header */
#define FATBIN_WRAPPER  0x466243b1u     /* the wrapper host code embeds */

/* Compare the first bytes of @p with @magic without reading past a NUL
 * (a PTX string may be shorter than the magic). */
static bool starts_with(const uint8_t *p, const uint8_t *magic, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != magic[i]) {
            return false;
        }
    }
    return true;
}

static const char *binary_kind(const void *image)
{
    static const uint8_t elf[4] = { 0x7f, 'E', 'L', 'F' };
    const uint32_t fat[2] = { FATBIN_MAGIC, FATBIN_WRAPPER };

    if (starts_with(image, elf, 4)) {
        return "an ELF cubin";
    }
    for (int i = 0; i < 2; i++) {
        uint8_t m[4];

        memcpy(m, &fat[i], 4);
        if (starts_with(image, m, 4)) {
            return "a fatbin";
        }
    }
    return NULL;
}

static struct gvrt_cmod *mod_of(struct gvrt_ctx *c, struct gvrt_cmod *m)
{
    for (struct gvrt_cmod *x = c->mods; x; x = x->next) {
        if (x == m) {
            return x;
        }
    }
    return NULL;
}

/* Translate, copy in, measure (secure). */
static int load_locked(struct gvrt_ctx *c, struct gvrt_cmod *cm,
                       const void *image, size_t len, char *err,
                       size_t err_len)
{
    struct gvrt_module *m = &cm->m;
    size_t size;
    int r;

    if (gv_ptx_translate_syms(image, len, &m->img, &size, &m->syms,
                              &m->nsyms, err, err_len) != 0) {
        return -EILSEQ;
    }
    m->size = (uint32_t)size;
    r = gvrt_ctx_quiesce(c);
    if (r) {
        return r;
    }
    /* allocations are page-aligned, so the module is 256-aligned */
    r = gvrt_ctx_alloc_locked(c, size, cm, &m->va);
    if (r) {
        return r;
    }
    r = gvrt_memcpy_htod(&c->def->st, m->va, m->img, size);
    if (!r && c->secure) {
        r = gvrt_module_measure(&c->def->st, m);
    }
    if (r) {
        const char *why = c->sec.failed;

        /* the first failure is the one to name, not the cleanup's */
        gvrt_ctx_free_locked(c, m->va);
        if (r == -EBADMSG) {
            gvrt_ctx_note_failure(c, why);
        }
    }
    return r;
}

int gvrt_ctx_module_load_locked(struct gvrt_ctx *c, const void *image,
                                size_t len, struct gvrt_cmod **out, char *err,
                                size_t err_len)
{
    struct gvrt_cmod *cm = calloc(1, sizeof(*cm));
    int r;

    if (!cm) {
        return -ENOMEM;
    }
    r = load_locked(c, cm, image, len, err, err_len);
    if (r) {
        gvrt_module_unload(&cm->m);
        free(cm);
        return r;
    }
    cm->next = c->mods;
    c->mods = cm;
    *out = cm;
    return 0;
}

int gvrt_ctx_module_load(struct gvrt_ctx *c, const void *image, size_t len,
                         struct gvrt_cmod **out, char *err, size_t err_len)
{
    const char *kind;
    int r;

    if (err && err_len) {
        err[0] = 0;
    }
    if (!c || !image || !out) {
        return -EINVAL;
    }
    *out = NULL;
    kind = binary_kind(image);
    if (kind) {
        if (err && err_len) {
            snprintf(err, err_len, "%s: this GPU loads PTX only (compile "
                     "the kernels with clang --cuda-device-only -S, or "
                     "nvcc -ptx)", kind);
        }
        return -ENOEXEC;
    }
    gvrt_ctx_lock(c);
    r = gvrt_ctx_module_load_locked(c, image, len, out, err, err_len);
    gvrt_ctx_unlock(c);
    return r;
}

int gvrt_ctx_module_unload(struct gvrt_ctx *c, struct gvrt_cmod *m)
{
    struct gvrt_cmod **pp;
    int r;

    if (!c || !m) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    for (pp = &c->mods; *pp && *pp != m; pp = &(*pp)->next) {
    }
    if (!*pp) {
        gvrt_ctx_unlock(c);
        return -EBADF;
    }
    *pp = m->next;
    /* secure: cleared and freed with the runtime's MACs */
    r = gvrt_ctx_free_locked(c, m->m.va);
    gvrt_ctx_unlock(c);
    while (m->funcs) {
        struct gvrt_cfunc *f = m->funcs;

        m->funcs = f->next;
        free(f);
    }
    gvrt_module_unload(&m->m);
    free(m);
    return r;
}

int gvrt_ctx_module_function(struct gvrt_ctx *c, struct gvrt_cmod *m,
                             const char *name, struct gvrt_cfunc **out)
{
    struct gvrt_cfunc *f;
    int idx, r = 0;

    if (!c || !m || !name || !out) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    if (!mod_of(c, m)) {
        r = -EBADF;
        goto done;
    }
    idx = gvrt_module_function(&m->m, name);
    if (idx < 0) {
        r = -ENOENT;
        goto done;
    }
    for (f = m->funcs; f && f->index != idx; f = f->next) {
    }
    if (!f) {
        f = calloc(1, sizeof(*f));
        if (!f) {
            r = -ENOMEM;
            goto done;
        }
        f->mod = m;
        f->index = idx;
        f->next = m->funcs;
        m->funcs = f;
    }
    *out = f;
done:
    gvrt_ctx_unlock(c);
    return r;
}

int gvrt_ctx_module_global(struct gvrt_ctx *c, struct gvrt_cmod *m,
                           const char *name, uint64_t *va, uint64_t *size)
{
    uint64_t v = 0, n = 0;
    int r;

    if (!c || !m || !name) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    r = mod_of(c, m) ? gvrt_module_global(&m->m, name, &v, &n) : -EBADF;
    gvrt_ctx_unlock(c);
    if (!r) {
        if (va) {
            *va = v;
        }
        if (size) {
            *size = n;
        }
    }
    return r;
}

const struct gv_isa_func *gvrt_cfunc_info(const struct gvrt_cfunc *f)
{
    return gvrt_module_func_info(&f->mod->m, f->index);
}

/* Is @f a function of a module of @c? */
static bool func_of(struct gvrt_ctx *c, struct gvrt_cfunc *f)
{
    for (struct gvrt_cmod *m = c->mods; m; m = m->next) {
        for (struct gvrt_cfunc *x = m->funcs; x; x = x->next) {
            if (x == f) {
                return true;
            }
        }
    }
    return false;
}

int gvrt_ctx_func_check(struct gvrt_ctx *c, struct gvrt_cfunc *f)
{
    return f && func_of(c, f) ? 0 : -EBADF;
}

int gvrt_ctx_func_attrs(struct gvrt_ctx *c, struct gvrt_cfunc *f,
                        struct gvrt_func_attrs *a)
{
    const struct gv_isa_func *fi;
    int r;

    if (!c || !a) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    r = gvrt_ctx_func_check(c, f);
    if (!r) {
        fi = gvrt_cfunc_info(f);
        a->nregs = fi->nregs;
        a->param_size = fi->param_size;
        a->nparams = fi->nparams;
        a->shared_size = fi->shared_size;
        a->local_size = fi->local_size;
        a->max_threads = fi->reqntid[0] ?
                         fi->reqntid[0] * fi->reqntid[1] * fi->reqntid[2] :
                         GV_ISA_MAX_BLOCK;
    }
    gvrt_ctx_unlock(c);
    return r;
}
