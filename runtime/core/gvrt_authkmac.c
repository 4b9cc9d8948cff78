/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime core: the secure memcpy's AES-KMAC scheme, the paper's "AES +
 * SHA-3 based MAC" (design.md section 9; docs/kernels.md, "AES-CTR +
 * KMAC256").  As gvrt_authdec.c does for AES-GCM: host to device, the
 * data is sealed here, in the trusted process, with fresh keys (AES-256-
 * CTR, then a KMAC256 tree over the ciphertext under a key of its own),
 * only ciphertext crosses untrusted memory and the copy engine (plain
 * mode), and the kernels of kernels/kmac.cu, measured with CH_MEASURE when
 * they were loaded, MAC the ciphertext in device memory (one thread per
 * 8 KiB chunk, then one for the root), compare the tag and only then
 * decrypt; keys, IV and tag travel as parameters of encrypted launches.
 * Device to host they encrypt and MAC, the copy engine brings ciphertext
 * and tag out, and the runtime checks the tag before it decrypts.
 *
 * A copy longer than GV_KMAC_MAX_LEN (64 MiB) goes in pieces of that
 * size, each with keys, IV and tag of its own: the state area holds the
 * leaves of one piece (GV_KMAC_STATE_MAX, 256 KiB + 96 bytes).
 *
 * The kernels' outcome word and tag are read through the copy engine's
 * authenticated mode, so the driver cannot forge "verified".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gv_crypto.h"
#include "gv_kmac_args.h"
#include "gvrt_core_int.h"

extern const char gvrt_kmac_ptx[];

_Static_assert(GV_KMAC_CHUNK == GVC_KMAC_CHUNK, "one chunk size");
_Static_assert(GV_KMAC_TAG_LEN == GVC_KMAC_TAG_LEN, "one tag size");

#define CTR_GRID_MAX    16u
#define CTR_BLOCK       128u
#define CTR_PER_THREAD  32u     /* AES blocks per CTR thread, at least */
#define LEAF_BLOCK      32u     /* threads per block: one chunk each */
#define SCRATCH_ALIGN   (64u << 10)

/* A context-internal allocation: user calls cannot free or copy it. */
static int alloc_internal(struct gvrt_ctx *c, uint64_t size, uint64_t *va)
{
    return gvrt_ctx_alloc_locked(c, size, c->km.mod, va);
}

int gvrt_authkmac_setup(struct gvrt_ctx *c)
{
    struct gvrt_authkmac *km = &c->km;
    struct gvrt_module *m;
    int r;

    if (km->mod && km->state) {
        return 0;
    }
    if (!km->mod) {
        if (!gvrt_kmac_ptx[0]) {
            return -ENOSYS;
        }
        /* translated, copied in and measured like any module */
        r = gvrt_ctx_module_load_locked(c, gvrt_kmac_ptx,
                                        strlen(gvrt_kmac_ptx), &km->mod,
                                        NULL, 0);
        if (r) {
            km->mod = NULL;
            return r == -EILSEQ ? -ENOSYS : r;
        }
    }
    m = &km->mod->m;
    km->chunks = gvrt_module_function(m, "gv_kmac_chunks");
    km->verify = gvrt_module_function(m, "gv_kmac_verify");
    km->decrypt = gvrt_module_function(m, "gv_kmac_decrypt");
    km->encrypt = gvrt_module_function(m, "gv_kmac_encrypt");
    km->tag = gvrt_module_function(m, "gv_kmac_tag");
    if (km->chunks < 0 || km->verify < 0 || km->decrypt < 0 ||
        km->encrypt < 0 || km->tag < 0) {
        return -ENOSYS;
    }
    return alloc_internal(c, GV_KMAC_STATE_MAX, &km->state);
}

/* A scratch buffer of at least @n bytes (16-byte aligned, as the kernels
 * want: allocations are page-aligned). */
static int scratch(struct gvrt_ctx *c, size_t n)
{
    struct gvrt_authkmac *km = &c->km;
    uint64_t size = (n + SCRATCH_ALIGN - 1) & ~(uint64_t)(SCRATCH_ALIGN - 1);
    int r;

    if (km->scratch_size >= n) {
        return 0;
    }
    if (km->scratch) {
        gvrt_ctx_free_locked(c, km->scratch);
        km->scratch = km->scratch_size = 0;
    }
    r = alloc_internal(c, size, &km->scratch);
    if (!r) {
        km->scratch_size = size;
    }
    return r;
}

/* The kernels' args for @len bytes with fresh keys and IV. */
static int args_init(struct gvrt_authkmac *km, struct gv_kmac_args *a,
                     uint64_t data, uint64_t plain, size_t len)
{
    memset(a, 0, sizeof(*a));
    a->data = data;
    a->plain = plain;
    a->len = len;
    a->state = km->state;
    if (gvc_random(a->enc_key, sizeof(a->enc_key)) != GVC_OK ||
        gvc_random(a->mac_key, sizeof(a->mac_key)) != GVC_OK ||
        gvc_random(a->iv, sizeof(a->iv)) != GVC_OK) {
        return -EIO;
    }
    return 0;
}

/* One launch of a sequence: the function and its 1-D geometry. */
struct step {
    int func;
    uint32_t grid, block;
};

/*
 * AuthDec (@dec): the leaves, the root checked against a->tag, CTR from
 * data to plain; AuthEnc: CTR from plain to data, the leaves, the root
 * into the state.  Encrypted launches, then the outcome (and the tag)
 * read back through the authenticated copy.
 */
static int run(struct gvrt_ctx *c, struct gvrt_cstream *s,
               const struct gv_kmac_args *a, bool dec,
               uint8_t tag[GV_KMAC_TAG_LEN])
{
    struct gvrt_authkmac *km = &c->km;
    struct gvrt_module *m = &km->mod->m;
    uint64_t leaves = GV_KMAC_NCHUNKS(a->len);
    uint64_t ctr_blocks = (a->len + 15) / 16 / (CTR_BLOCK * CTR_PER_THREAD);
    struct step leaf = {
        km->chunks, (uint32_t)((leaves + LEAF_BLOCK - 1) / LEAF_BLOCK),
        leaves < LEAF_BLOCK ? (uint32_t)leaves : LEAF_BLOCK,
    };
    struct step ctr = {
        dec ? km->decrypt : km->encrypt,
        ctr_blocks < 1 ? 1 : ctr_blocks > CTR_GRID_MAX ? CTR_GRID_MAX
                                                       : (uint32_t)ctr_blocks,
        CTR_BLOCK,
    };
    struct step root = { dec ? km->verify : km->tag, 1, 1 };
    const struct step seq[2][3] = { { ctr, leaf, root }, { leaf, root, ctr } };
    uint8_t p[sizeof(*a)], st[GV_KMAC_ST_CHUNKS];
    void *args[] = { (void *)a };
    uint32_t res;
    int n = gvrt_pack_params(m, km->chunks, args, p, sizeof(p)), r = 0;

    if (n < 0) {
        return n;
    }
    for (int i = 0; i < 3 && !r; i++) {
        const struct step *k = &seq[dec][i];
        const uint32_t grid[3] = { k->grid, 1, 1 };
        const uint32_t block[3] = { k->block, 1, 1 };

        r = gvrt_launch(&s->st, m, k->func, grid, block, 0, p, (uint32_t)n);
    }
    memset(p, 0, sizeof(p));
    r = r ? r : gvrt_memcpy_dtoh(&s->st, st, km->state, sizeof(st));
    if (r) {
        return r;
    }
    memcpy(&res, st + GV_KMAC_ST_RESULT, 4);
    if (tag) {
        memcpy(tag, st + GV_KMAC_ST_TAG, GV_KMAC_TAG_LEN);
    }
    if (res != GV_KMAC_OK) {
        c->sec.failed = res == GV_KMAC_MISMATCH ?
                        "ciphertext tag (KMAC, checked by the AuthDec "
                        "kernel)" :
                        "ciphertext: the KMAC AuthDec/AuthEnc kernels "
                        "refused their arguments";
        return -EBADMSG;
    }
    return 0;
}

/* Host to device, at most GV_KMAC_MAX_LEN bytes. */
static int htod_piece(struct gvrt_ctx *c, struct gvrt_cstream *s,
                      uint64_t va, const void *src, size_t len)
{
    bool aligned = va % 16 == 0;
    struct gv_kmac_args a;
    uint64_t data;
    uint8_t *ct;
    int r = aligned ? 0 : scratch(c, len);

    if (r) {
        return r;
    }
    /* the ciphertext goes to the destination itself, or (unaligned) to
     * scratch and is copied inside the device once it is plaintext */
    data = aligned ? va : c->km.scratch;
    ct = malloc(len);
    if (!ct) {
        return -ENOMEM;
    }
    r = args_init(&c->km, &a, data, 0, len);
    if (!r) {
        uint64_t t0 = gvrt_now_ns();

        if (gvc_aes_kmac_seal(a.enc_key, a.mac_key, a.iv, NULL, 0, src,
                              len, ct, a.tag) != GVC_OK) {
            r = -EIO;
        }
        s->st.crypto_ns += gvrt_now_ns() - t0;
    }
    /* only ciphertext crosses untrusted memory: no engine crypto needed */
    r = r ? r : gvrt_memcpy_htod_raw(&s->st, data, ct, len);
    free(ct);
    r = r ? r : run(c, s, &a, true, NULL);
    memset(&a, 0, sizeof(a));
    if (!r && !aligned) {
        r = gvrt_memcpy_dtod(&s->st, va, data, len);
    }
    return r;
}

/* Device to host, at most GV_KMAC_MAX_LEN bytes. */
static int dtoh_piece(struct gvrt_ctx *c, struct gvrt_cstream *s, void *dst,
                      uint64_t va, size_t len)
{
    uint8_t tag[GV_KMAC_TAG_LEN], *ct;
    bool aligned = va % 16 == 0;
    struct gv_kmac_args a;
    int r = scratch(c, len), rc;

    if (r) {
        return r;
    }
    /* the plaintext stays where it is (or is copied, inside the device,
     * to where the kernels can read it), the ciphertext goes to scratch */
    if (!aligned) {
        r = gvrt_memcpy_dtod(&s->st, c->km.scratch, va, len);
    }
    ct = malloc(len);
    if (!ct) {
        return -ENOMEM;
    }
    r = r ? r : args_init(&c->km, &a, c->km.scratch, aligned ? va : 0, len);
    r = r ? r : run(c, s, &a, false, tag);
    r = r ? r : gvrt_memcpy_dtoh_raw(&s->st, ct, c->km.scratch, len);
    if (!r) {
        /* checked before anything is decrypted into @dst */
        uint64_t t0 = gvrt_now_ns();

        rc = gvc_aes_kmac_open(a.enc_key, a.mac_key, a.iv, NULL, 0, ct, len,
                               dst, tag);
        s->st.crypto_ns += gvrt_now_ns() - t0;
        if (rc == GVC_ERR_AUTH) {
            c->sec.failed = "ciphertext tag (KMAC, AuthEnc output, checked "
                            "by the runtime)";
            r = -EBADMSG;
        } else if (rc != GVC_OK) {
            r = -EIO;
        }
    }
    memset(&a, 0, sizeof(a));
    free(ct);
    return r;
}

int gvrt_authkmac_htod(struct gvrt_ctx *c, struct gvrt_cstream *s,
                       uint64_t va, const void *src, size_t len)
{
    const uint8_t *p = src;
    int r = 0;

    while (!r && len) {
        size_t n = len < GV_KMAC_MAX_LEN ? len : (size_t)GV_KMAC_MAX_LEN;

        r = htod_piece(c, s, va, p, n);
        va += n;
        p += n;
        len -= n;
    }
    return r;
}

int gvrt_authkmac_dtoh(struct gvrt_ctx *c, struct gvrt_cstream *s,
                       void *dst, uint64_t va, size_t len)
{
    uint8_t *p = dst;
    size_t left = len;
    int r = 0;

    while (!r && left) {
        size_t n = left < GV_KMAC_MAX_LEN ? left : (size_t)GV_KMAC_MAX_LEN;

        r = dtoh_piece(c, s, p, va, n);
        va += n;
        p += n;
        left -= n;
    }
    if (r) {
        memset(dst, 0, len);            /* all of it or nothing */
    }
    return r;
}
