/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime core: the Graviton paper's secure memcpy (design.md section 9).
 *
 * Host to device (AuthDec): the data is encrypted here, in the trusted
 * process, with a fresh AES-256-GCM key; only ciphertext crosses the
 * untrusted DMA buffer and the copy engine (in plain mode); then the
 * AuthDec kernels (kernels/aesgcm.cu: gv_gcm_ghash, gv_gcm_decrypt),
 * measured with CH_MEASURE when they were loaded, check the tag and
 * decrypt in device memory, with key, IV and tag as parameters of an
 * encrypted launch.  Device to host (AuthEnc): gv_gcm_encrypt,
 * gv_gcm_ghash and gv_gcm_tag produce ciphertext and tag in device
 * memory, the copy engine brings the ciphertext out, and the runtime
 * checks the tag and decrypts.
 *
 * The kernels' outcome word and tag are read through the copy engine's
 * authenticated mode, so the driver cannot forge "verified".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gv_crypto.h"
#include "gv_gcm_args.h"
#include "gvrt_core_int.h"

extern const char gvrt_aesgcm_ptx[];

#define GCM_GRID        GV_GCM_GRID
#define GCM_BLOCK       GV_GCM_BLOCK
#define SCRATCH_ALIGN   (64u << 10)

/* A context-internal allocation: user calls cannot free it. */
static int alloc_internal(struct gvrt_ctx *c, uint64_t size, uint64_t *va)
{
    return gvrt_ctx_alloc_locked(c, size, c->ad.mod, va);
}

int gvrt_authdec_setup(struct gvrt_ctx *c)
{
    struct gvrt_authdec *ad = &c->ad;
    int r;

    if (ad->mod) {
        /* loaded before; its state area may have failed to come */
        if (ad->state) {
            return 0;
        }
        if (ad->ghash < 0 || ad->decrypt < 0 || ad->encrypt < 0 ||
            ad->tag < 0) {
            return -ENOSYS;
        }
        return alloc_internal(c, GV_GCM_STATE_SIZE(GCM_GRID), &ad->state);
    }
    if (!gvrt_aesgcm_ptx[0]) {
        return -ENOSYS;
    }
    /* translated, copied in and measured like any module */
    r = gvrt_ctx_module_load_locked(c, gvrt_aesgcm_ptx,
                                    strlen(gvrt_aesgcm_ptx), &ad->mod, NULL,
                                    0);
    if (r) {
        ad->mod = NULL;
        return r == -EILSEQ ? -ENOSYS : r;
    }
    ad->ghash = gvrt_module_function(&ad->mod->m, "gv_gcm_ghash");
    ad->decrypt = gvrt_module_function(&ad->mod->m, "gv_gcm_decrypt");
    ad->encrypt = gvrt_module_function(&ad->mod->m, "gv_gcm_encrypt");
    ad->tag = gvrt_module_function(&ad->mod->m, "gv_gcm_tag");
    if (ad->ghash < 0 || ad->decrypt < 0 || ad->encrypt < 0 || ad->tag < 0) {
        return -ENOSYS;
    }
    return alloc_internal(c, GV_GCM_STATE_SIZE(GCM_GRID), &ad->state);
}

/* A scratch buffer of at least @n bytes (16-byte aligned, as the kernels
 * want: allocations are page-aligned). */
static int scratch(struct gvrt_ctx *c, size_t n)
{
    struct gvrt_authdec *ad = &c->ad;
    uint64_t size = (n + SCRATCH_ALIGN - 1) & ~(uint64_t)(SCRATCH_ALIGN - 1);
    int r;

    if (ad->scratch_size >= n) {
        return 0;
    }
    if (ad->scratch) {
        gvrt_ctx_free_locked(c, ad->scratch);
        ad->scratch = ad->scratch_size = 0;
    }
    r = alloc_internal(c, size, &ad->scratch);
    if (!r) {
        ad->scratch_size = size;
    }
    return r;
}

/* The kernels' args for @len bytes with a fresh key and IV. */
static int args_init(struct gvrt_authdec *ad, struct gv_gcm_args *a,
                     uint64_t data, uint64_t plain, size_t len)
{
    memset(a, 0, sizeof(*a));
    a->data = data;
    a->plain = plain;
    a->len = len;
    a->state = ad->state;
    if (gvc_random(a->key, sizeof(a->key)) != GVC_OK ||
        gvc_random(a->iv, sizeof(a->iv)) != GVC_OK) {
        return -EIO;
    }
    return 0;
}

/* Run kernels @funcs (-1 ends the list) with @a, in encrypted groups,
 * then read the outcome and the tag through the authenticated copy. */
static int run(struct gvrt_ctx *c, struct gvrt_cstream *s,
               const struct gv_gcm_args *a, const int *funcs,
               uint8_t tag[GV_GCM_TAG_LEN])
{
    const uint32_t grid[3] = { gv_gcm_grid(a->len), 1, 1 };
    static const uint32_t block[3] = { GCM_BLOCK, 1, 1 };
    struct gvrt_module *m = &c->ad.mod->m;
    uint8_t p[sizeof(*a)], st[GV_GCM_ST_TAG + GV_GCM_TAG_LEN];
    void *args[] = { (void *)a };
    uint32_t res;
    int n = gvrt_pack_params(m, funcs[0], args, p, sizeof(p)), r = 0;

    if (n < 0) {
        return n;
    }
    for (int i = 0; funcs[i] >= 0 && !r; i++) {
        r = gvrt_launch(&s->st, m, funcs[i], grid, block, 0, p, (uint32_t)n);
    }
    memset(p, 0, sizeof(p));
    r = r ? r : gvrt_memcpy_dtoh(&s->st, st, c->ad.state, sizeof(st));
    if (r) {
        return r;
    }
    memcpy(&res, st + GV_GCM_ST_RESULT, 4);
    if (tag) {
        memcpy(tag, st + GV_GCM_ST_TAG, GV_GCM_TAG_LEN);
    }
    if (res != GV_GCM_OK) {
        c->sec.failed = res == GV_GCM_MISMATCH ?
                        "ciphertext tag (checked by the AuthDec kernel)" :
                        "ciphertext: the AuthDec/AuthEnc kernels refused "
                        "their arguments";
        return -EBADMSG;
    }
    return 0;
}

int gvrt_authdec_htod(struct gvrt_ctx *c, struct gvrt_cstream *s,
                      uint64_t va, const void *src, size_t len)
{
    const int funcs[] = { c->ad.ghash, c->ad.decrypt, -1 };
    bool aligned = va % 16 == 0;
    struct gv_gcm_args a;
    uint64_t data;
    uint8_t *ct;
    int r = aligned ? 0 : scratch(c, len);

    if (r) {
        return r;
    }
    data = aligned ? va : c->ad.scratch;
    ct = malloc(len);
    if (!ct) {
        return -ENOMEM;
    }
    r = args_init(&c->ad, &a, data, 0, len);
    if (!r) {
        uint64_t t0 = gvrt_now_ns();

        if (gvc_gcm_seal(a.key, a.iv, NULL, 0, src, len, ct, a.tag) !=
            GVC_OK) {
            r = -EIO;
        }
        s->st.crypto_ns += gvrt_now_ns() - t0;
    }
    /* only ciphertext crosses untrusted memory: no engine crypto needed */
    r = r ? r : gvrt_memcpy_htod_raw(&s->st, data, ct, len);
    free(ct);
    r = r ? r : run(c, s, &a, funcs, NULL);
    memset(&a, 0, sizeof(a));
    if (!r && !aligned) {
        r = gvrt_memcpy_dtod(&s->st, va, data, len);
    }
    return r;
}

int gvrt_authdec_dtoh(struct gvrt_ctx *c, struct gvrt_cstream *s, void *dst,
                      uint64_t va, size_t len)
{
    const int funcs[] = { c->ad.encrypt, c->ad.ghash, c->ad.tag, -1 };
    uint8_t tag[GV_GCM_TAG_LEN], *ct;
    bool aligned = va % 16 == 0;
    struct gv_gcm_args a;
    int r = scratch(c, len);

    if (r) {
        return r;
    }
    /* the plaintext stays where it is (or is copied, inside the device,
     * to where the kernels can read it), the ciphertext goes to scratch */
    if (!aligned) {
        r = gvrt_memcpy_dtod(&s->st, c->ad.scratch, va, len);
    }
    ct = malloc(len);
    if (!ct) {
        return -ENOMEM;
    }
    r = r ? r : args_init(&c->ad, &a, c->ad.scratch, aligned ? va : 0, len);
    r = r ? r : run(c, s, &a, funcs, tag);
    r = r ? r : gvrt_memcpy_dtoh_raw(&s->st, ct, c->ad.scratch, len);
    if (!r) {
        uint64_t t0 = gvrt_now_ns();

        if (gvc_gcm_open(a.key, a.iv, NULL, 0, ct, len, dst, tag) !=
            GVC_OK) {
            c->sec.failed = "ciphertext tag (AuthEnc output, checked by "
                            "the runtime)";
            r = -EBADMSG;
        }
        s->st.crypto_ns += gvrt_now_ns() - t0;
    }
    memset(&a, 0, sizeof(a));
    free(ct);
    return r;
}

int gvrt_ctx_set_copy_scheme(struct gvrt_ctx *c, int scheme)
{
    int r = 0;

    if (!c || (scheme != GVRT_COPY_ENGINE_GCM &&
               scheme != GVRT_COPY_AUTHDEC_GCM &&
               scheme != GVRT_COPY_AUTHDEC_KMAC)) {
        return -EINVAL;
    }
    gvrt_ctx_lock(c);
    if (!c->secure) {
        r = -EINVAL;
    } else if (scheme != GVRT_COPY_ENGINE_GCM) {
        r = scheme == GVRT_COPY_AUTHDEC_GCM ? gvrt_authdec_setup(c)
                                            : gvrt_authkmac_setup(c);
        if (r == -EBADMSG) {
            gvrt_ctx_note_failure(c, NULL);
        }
    }
    if (!r) {
        c->scheme = scheme;
    }
    gvrt_ctx_unlock(c);
    return r;
}
