/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the management commands CH_CREATE, CH_PDE,
 * CH_PTE, CH_DESTROY and CH_MEASURE (design section 7).
 *
 * Every command validates everything first and only then changes state,
 * so a refused command leaves the PMM, the tables and the counters as they
 * were.  A page's owner is its context (the channels of one context own
 * its pages jointly, so destroying one stream leaves the others whole).
 * refcnt counts references: for a data page, the page-table entries
 * (in distinct tables) that map it; for a page-table page, the PDEs that
 * point at its table; descriptors and PGDs have exactly one.
 */
#include "gv_internal.h"

#include "gv_crypto.h"
#include "graviton/gv_keys.h"

#include <stdlib.h>

/* ---- contexts and channels ---- */

static bool chan_active(const struct gv_dev *dev, unsigned chid)
{
    return chid < GV_MAX_CHANNELS &&
           (dev->chan[chid].type == GV_CHAN_TYPE_NORMAL ||
            dev->chan[chid].type == GV_CHAN_TYPE_SECURE);
}

/* The refusal of a CH_* aimed at @chid when it is not a normal or secure
 * channel: bootstrap channels are never a CH_* target (@boot_rule), nor
 * free slots or channels out of range (@rule). */
static int target_error(struct gv_dev *dev, unsigned chid,
                        unsigned boot_rule, unsigned rule)
{
    bool boot = chid < GV_MAX_CHANNELS &&
                dev->chan[chid].type == GV_CHAN_TYPE_BOOTSTRAP;

    return gv_refuse(dev, boot ? boot_rule : rule, chid, chid, 0);
}

static bool chan_secure(const struct gv_dev *dev, unsigned chid)
{
    return dev->chan[chid].type == GV_CHAN_TYPE_SECURE;
}

void gv_ctx_release(struct gv_dev *dev, unsigned chid)
{
    struct gv_ctx *c = &dev->ctx[dev->chan[chid].ctx];

    if (c->nchannels > 0 && --c->nchannels == 0) {
        /* The last channel of the context: its key dies with it. */
        memset(c, 0, sizeof(*c));
    }
}

/* ---- PMM helpers ---- */

/* The rules of can_map() for one command: the page is another
 * context's, in use as something else, or referenced too often. */
struct map_rules {
    unsigned other_context, type, refcnt;
};

/* May protected page @pa be mapped into @chid as @type? */
static int can_map(struct gv_dev *dev, unsigned chid, uint64_t pa,
                   unsigned type, bool big, const struct map_rules *r)
{
    uint64_t e = *gv_pmm_entry(dev, pa);

    if (!pmm_mapped(e)) {
        return GV_ERR_NONE;
    }
    if (pmm_owner(e) != dev->chan[chid].ctx) {
        return gv_refuse(dev, r->other_context, chid, pa, pmm_owner(e));
    }
    if (pmm_type(e) != type || (type == GV_PT_DATA && pmm_big(e) != big)) {
        return gv_refuse(dev, r->type, chid, pa, pmm_type(e));
    }
    if (pmm_refcnt(e) >= PMM_MAX_REFCNT) {
        return gv_refuse(dev, r->refcnt, chid, pa, pmm_refcnt(e));
    }
    return GV_ERR_NONE;
}

static void do_map(struct gv_dev *dev, unsigned chid, uint64_t pa,
                   unsigned type, bool big, unsigned pgdi)
{
    uint64_t *e = gv_pmm_entry(dev, pa);

    if (pmm_mapped(*e)) {
        *e = pmm_set_refcnt(*e, pmm_refcnt(*e) + 1);
    } else {
        *e = pmm_make(dev->chan[chid].ctx, chan_secure(dev, chid), big, type,
                      1, pgdi);
    }
}

/* Drop one reference; at zero the page is FREE (and scrubbed if asked).
 * Returns true if the page became free. */
static bool do_unmap(struct gv_dev *dev, uint64_t pa, bool scrub)
{
    uint64_t *e = gv_pmm_entry(dev, pa);
    unsigned r = pmm_refcnt(*e);

    if (r > 1) {
        *e = pmm_set_refcnt(*e, r - 1);
        return false;
    }
    if (scrub) {
        gv_scrub(dev, pa, GV_PAGE_SIZE);
    }
    *e = 0;
    return true;
}

static unsigned pte_pages(bool big)
{
    return big ? GV_BIG_PAGE_SIZE / GV_PAGE_SIZE : 1;
}

/* Drop a data mapping of a (small or big) page at @pa.  A secure
 * (LOCKED) page that becomes free is scrubbed, whoever freed it: the
 * runtime clears its memory before an authorised unmap, and the device
 * does it again so that no path leaves plaintext for the next owner
 * (attack 10; docs/security.md). */
static void unmap_data(struct gv_dev *dev, uint64_t pa, bool big)
{
    uint64_t bytes = (uint64_t)pte_pages(big) * GV_PAGE_SIZE;

    if (gv_region_of(dev, pa, bytes) != GV_REGION_PROT) {
        return;     /* unprotected pages are not tracked */
    }
    for (unsigned i = 0; i < pte_pages(big); i++) {
        uint64_t p = pa + (uint64_t)i * GV_PAGE_SIZE;

        do_unmap(dev, p, pmm_locked(*gv_pmm_entry(dev, p)));
    }
}

static uint32_t table_bytes(bool big)
{
    return big ? GV_PGT_BIG_BYTES : GV_PGT_SMALL_BYTES;
}

static uint32_t table_entries(bool big)
{
    return big ? GV_PGT_BIG_ENTRIES : GV_PGT_SMALL_ENTRIES;
}

/* Drop @chid's reference to the table at @pa.  The last reference unmaps
 * what the table still maps and frees (and scrubs) the table. */
static void remove_table(struct gv_dev *dev, uint64_t pa, bool big)
{
    unsigned pages = table_bytes(big) / GV_PAGE_SIZE;

    if (pmm_refcnt(*gv_pmm_entry(dev, pa)) > 1) {
        for (unsigned i = 0; i < pages; i++) {
            do_unmap(dev, pa + (uint64_t)i * GV_PAGE_SIZE, false);
        }
        return;
    }
    if (pmm_entrycnt(*gv_pmm_entry(dev, pa))) {
        for (unsigned i = 0; i < table_entries(big); i++) {
            uint64_t pte = *gv_pte_ptr(dev, pa, i);

            if (pte & GV_PTE_VALID) {
                unmap_data(dev, pte & GV_PTE_ADDR_MASK, big);
            }
        }
    }
    gv_scrub(dev, pa, table_bytes(big));
    for (unsigned i = 0; i < pages; i++) {
        *gv_pmm_entry(dev, pa + (uint64_t)i * GV_PAGE_SIZE) = 0;
    }
}

/* The rules of check_prot() for one operand: not page-aligned, in
 * unprotected memory, outside device memory (or hidden, or straddling). */
struct prot_rules {
    unsigned unaligned, unprot, outside;
};

/* Check that [pa, pa + bytes) is page-aligned protected memory. */
static int check_prot(struct gv_dev *dev, unsigned chid, uint64_t pa,
                      uint64_t bytes, const struct prot_rules *r)
{
    if (pa % GV_PAGE_SIZE) {
        return gv_refuse(dev, r->unaligned, chid, pa, bytes);
    }
    switch (gv_region_of(dev, pa, bytes)) {
    case GV_REGION_PROT:
        return GV_ERR_NONE;
    case GV_REGION_UNPROT:
        return gv_refuse(dev, r->unprot, chid, pa, bytes);
    default:
        return gv_refuse(dev, r->outside, chid, pa, bytes);
    }
}

static int check_free(struct gv_dev *dev, unsigned chid, uint64_t pa,
                      uint64_t bytes, unsigned rule)
{
    for (uint64_t off = 0; off < bytes; off += GV_PAGE_SIZE) {
        if (pmm_mapped(*gv_pmm_entry(dev, pa + off))) {
            return gv_refuse(dev, rule, chid, pa + off, 0);
        }
    }
    return GV_ERR_NONE;
}

/* A GMAC under the channel's CEK: iv = domain || counter.  false if the
 * crypto failed. */
static bool chan_gmac(struct gv_dev *dev, unsigned chid, uint32_t domain,
                      uint64_t counter, const void *aad, size_t aad_len,
                      uint8_t tag[GV_TAG_LEN])
{
    uint64_t t0 = gv_prof_begin(dev, GV_PROF_CRYPTO);
    uint8_t iv[12];
    bool ok;

    gv_iv(iv, domain, counter);
    ok = gvc_aead_seal(dev->chan[chid].aead, iv, aad, aad_len, NULL, 0,
                       NULL, tag) == GVC_OK;
    gv_prof_end(dev, GV_PROF_CRYPTO, t0);
    return ok;
}

/* Does @mac authorise @aad (the next authorisation counter)?  The
 * counter advances only if so. */
static bool chan_check_mac(struct gv_dev *dev, unsigned chid,
                           const void *aad, size_t aad_len,
                           const uint8_t mac[GV_TAG_LEN])
{
    struct gv_chan_secret *sec = &dev->chsec[chid];
    uint64_t t0 = gv_prof_begin(dev, GV_PROF_CRYPTO);
    uint8_t iv[12];
    bool ok;

    gv_iv(iv, GV_IV_DOMAIN_AUTH, sec->auth_counter);
    ok = gvc_aead_open(dev->chan[chid].aead, iv, aad, aad_len, NULL, 0, NULL,
                       mac) == GVC_OK;
    gv_prof_end(dev, GV_PROF_CRYPTO, t0);
    if (!ok) {
        return false;
    }
    sec->auth_counter++;
    dev->chan[chid].auths_accepted++;
    return true;
}

/* The rules of the shared checks, per command and operand. */
static const struct prot_rules desc_rules = {
    GV_RULE_CH_CREATE_DESC_UNALIGNED, GV_RULE_CH_CREATE_DESC_UNPROT,
    GV_RULE_CH_CREATE_DESC_OUTSIDE,
};
static const struct prot_rules pgd_rules = {
    GV_RULE_CH_CREATE_PGD_UNALIGNED, GV_RULE_CH_CREATE_PGD_UNPROT,
    GV_RULE_CH_CREATE_PGD_OUTSIDE,
};
static const struct prot_rules table_rules = {
    GV_RULE_CH_PDE_TABLE_UNALIGNED, GV_RULE_CH_PDE_TABLE_UNPROT,
    GV_RULE_CH_PDE_TABLE_OUTSIDE,
};
static const struct map_rules table_map_rules = {
    GV_RULE_CH_PDE_TABLE_OTHER_CONTEXT, GV_RULE_CH_PDE_TABLE_TYPE,
    GV_RULE_CH_PDE_TABLE_REFCNT,
};
static const struct map_rules page_map_rules = {
    GV_RULE_CH_PTE_OTHER_CONTEXT, GV_RULE_CH_PTE_PAGE_TYPE,
    GV_RULE_CH_PTE_REFCNT,
};

/* ---- CH_CREATE ---- */

struct gv_desc {
    uint32_t magic;
    uint32_t chid;
    uint32_t flags;
    uint32_t pad;
    uint64_t pgd_addr;
};
#define GV_DESC_MAGIC 0x44435647u       /* "GVCD" */

static int find_ctx(struct gv_dev *dev, const uint8_t *uk_hash)
{
    for (unsigned i = 0; i < GV_MAX_CHANNELS; i++) {
        struct gv_ctx *c = &dev->ctx[i];

        if (c->in_use && c->secure && uk_hash &&
            gvc_memcmp_ct(c->uk_hash, uk_hash, GV_HASH_LEN) == 0) {
            return i;
        }
    }
    return -1;
}

static int free_ctx(struct gv_dev *dev)
{
    for (unsigned i = 0; i < GV_MAX_CHANNELS; i++) {
        if (!dev->ctx[i].in_use) {
            return i;
        }
    }
    return -1;
}

/* The secret part of a secure CH_CREATE: the context's CEK (new if
 * @new_ctx), the quote written to the result address, the channel's keys
 * (K_chan's schedule into the channel, K_meas into @kmeas).  On failure
 * nothing of it is left. */
static int create_secure(struct gv_dev *dev, const struct gv_cmd_ch_create *c,
                         unsigned ctx, bool new_ctx,
                         const uint8_t uk_hash[GV_HASH_LEN], uint64_t inc,
                         uint8_t kmeas[32])
{
    struct gv_chan *ch = &dev->chan[c->chid];
    struct gv_ctx *x = &dev->ctx[ctx];
    struct gv_quote q;
    uint8_t kchan[32];
    uint64_t t0 = gv_prof_begin(dev, GV_PROF_CRYPTO);
    int err = GV_ERR_NONE;

    if (new_ctx) {
        memset(x, 0, sizeof(*x));
        if (gvc_random(x->cek, sizeof(x->cek)) != GVC_OK) {
            err = gv_refuse(dev, GV_RULE_CH_CREATE_CEK, c->chid, 0, 0);
        }
        memcpy(x->uk_hash, uk_hash, GV_HASH_LEN);
    }
    /* The quote wraps CEK under UK_pub: a bad key fails here. */
    if (err == GV_ERR_NONE) {
        err = gv_attest_quote(dev, c->chid, c->uk_pub, c->nonce, x->cek, inc,
                              &q);
    }
    if (err == GV_ERR_NONE &&
        (gv_derive_key(x->cek, GV_KDF_CHAN, c->chid, inc, kchan) ||
         gv_derive_key(x->cek, GV_KDF_MEAS, c->chid, inc, kmeas) ||
         gvc_aead_new(&ch->aead, kchan) != GVC_OK)) {
        err = gv_refuse(dev, GV_RULE_CH_CREATE_KEYS, c->chid, inc, 0);
    }
    memset(kchan, 0, sizeof(kchan));
    gv_prof_end(dev, GV_PROF_CRYPTO, t0);
    if (err == GV_ERR_NONE && c->result_addr) {
        err = gv_dma_write(dev, GV_RULE_CH_CREATE_RESULT_WRITE, c->chid,
                           c->result_addr, &q, sizeof(q));
    } else if (err == GV_ERR_NONE) {
        /* a quote must go somewhere */
        err = gv_refuse(dev, GV_RULE_CH_CREATE_NO_RESULT, c->chid, 0, 0);
    }
    if (err != GV_ERR_NONE) {
        memset(kmeas, 0, 32);
        gvc_aead_free(ch->aead);
        ch->aead = NULL;
        if (new_ctx) {
            memset(x, 0, sizeof(*x));
        }
        return err;
    }
    x->secure = 1;
    return GV_ERR_NONE;
}

int gv_ch_create(struct gv_dev *dev, const uint8_t *cmd, uint32_t size)
{
    struct gv_cmd_ch_create c;
    struct gv_chan *ch;
    struct gv_desc d;
    bool secure;
    int err, ctx;
    uint8_t uk_hash[GV_HASH_LEN], kmeas[32];
    uint64_t inc = dev->incarnation + 1;
    bool new_ctx = false;

    if (size != sizeof(c)) {
        return gv_refuse(dev, GV_RULE_CH_CREATE_SIZE, NO_CHAN, size,
                         sizeof(c));
    }
    memcpy(&c, cmd, sizeof(c));
    secure = c.flags & GV_CREATE_SECURE;
    if ((c.flags & ~(GV_CREATE_SECURE | GV_CREATE_SHARE)) || c.pad ||
        (secure && (c.flags & GV_CREATE_SHARE))) {
        return gv_refuse(dev, GV_RULE_CH_CREATE_FLAGS, c.chid, c.flags,
                         c.pad);
    }
    if (c.chid >= GV_MAX_CHANNELS) {
        return gv_refuse(dev, GV_RULE_CH_CREATE_CHID, NO_CHAN, c.chid, 0);
    }
    if (dev->chan[c.chid].type != GV_CHAN_TYPE_FREE) {
        return gv_refuse(dev, GV_RULE_CH_CREATE_SLOT_BUSY, c.chid,
                         dev->chan[c.chid].type, 0);
    }
    /* Descriptor and PGD: FREE protected pages, not overlapping. */
    err = check_prot(dev, c.chid, c.desc_addr, GV_DESC_BYTES, &desc_rules);
    if (err == GV_ERR_NONE) {
        err = check_prot(dev, c.chid, c.pgd_addr, GV_PGD_BYTES, &pgd_rules);
    }
    if (err != GV_ERR_NONE) {
        return err;
    }
    if (c.desc_addr + GV_DESC_BYTES > c.pgd_addr &&
        c.pgd_addr + GV_PGD_BYTES > c.desc_addr) {
        return gv_refuse(dev, GV_RULE_CH_CREATE_OVERLAP, c.chid, c.desc_addr,
                         c.pgd_addr);
    }
    err = check_free(dev, c.chid, c.desc_addr, GV_DESC_BYTES,
                     GV_RULE_CH_CREATE_DESC_IN_USE);
    if (err == GV_ERR_NONE) {
        err = check_free(dev, c.chid, c.pgd_addr, GV_PGD_BYTES,
                         GV_RULE_CH_CREATE_PGD_IN_USE);
    }
    if (err != GV_ERR_NONE) {
        return err;
    }

    /* The context: by UK_pub for secure channels, by share_chid or a new
     * one for normal channels. */
    if (secure) {
        if (!(dev->attest_status & GV_ATTEST_AK)) {
            return gv_refuse(dev, GV_RULE_CH_CREATE_NO_AK, c.chid,
                             dev->attest_status, 0);
        }
        uint64_t t0 = gv_prof_begin(dev, GV_PROF_CRYPTO);
        bool ok = gvc_sha256(c.uk_pub, GV_EC_PUB_LEN, uk_hash) == GVC_OK;

        gv_prof_end(dev, GV_PROF_CRYPTO, t0);
        if (!ok) {
            return gv_refuse(dev, GV_RULE_CH_CREATE_UK_HASH, c.chid, 0, 0);
        }
        ctx = find_ctx(dev, uk_hash);
    } else if (c.flags & GV_CREATE_SHARE) {
        if (!chan_active(dev, c.share_chid) ||
            chan_secure(dev, c.share_chid)) {
            return gv_refuse(dev, GV_RULE_CH_CREATE_SHARE, c.chid,
                             c.share_chid, 0);
        }
        ctx = dev->chan[c.share_chid].ctx;
    } else {
        ctx = -1;
    }
    if (ctx < 0) {
        ctx = free_ctx(dev);
        if (ctx < 0) {
            return gv_refuse(dev, GV_RULE_CH_CREATE_NO_CONTEXT, c.chid,
                             GV_MAX_CHANNELS, 0);
        }
        new_ctx = true;
    }

    ch = &dev->chan[c.chid];
    if (secure) {
        err = create_secure(dev, &c, ctx, new_ctx, uk_hash, inc, kmeas);
        if (err != GV_ERR_NONE) {
            return err;
        }
    }

    /* Commit. */
    dev->ctx[ctx].in_use = 1;
    dev->ctx[ctx].nchannels++;
    ch->type = secure ? GV_CHAN_TYPE_SECURE : GV_CHAN_TYPE_NORMAL;
    ch->ctx = ctx;
    ch->desc_addr = c.desc_addr;
    ch->pgd_addr = c.pgd_addr;
    ch->error = false;
    ch->stopped = false;
    ch->ring_base = 0;
    ch->hostwin_base = 0;
    ch->hostwin_size = 0;
    ch->ring_entries = 0;
    ch->put = ch->get = 0;
    memset(&dev->chsec[c.chid], 0, sizeof(dev->chsec[c.chid]));
    dev->incarnation = inc;
    dev->chsec[c.chid].incarnation = inc;
    if (secure) {
        memcpy(dev->chsec[c.chid].meas_key, kmeas, sizeof(kmeas));
        memset(kmeas, 0, sizeof(kmeas));
    }

    do_map(dev, c.chid, c.desc_addr, GV_PT_DESC, false, 0);
    for (uint64_t off = 0; off < GV_PGD_BYTES; off += GV_PAGE_SIZE) {
        do_map(dev, c.chid, c.pgd_addr + off, GV_PT_PGD, false, 0);
    }
    /* No stale translations: the PGD starts empty. */
    gv_scrub(dev, c.pgd_addr, GV_PGD_BYTES);
    gv_scrub(dev, c.desc_addr, GV_DESC_BYTES);
    d = (struct gv_desc){ .magic = GV_DESC_MAGIC, .chid = c.chid,
                          .flags = c.flags, .pgd_addr = c.pgd_addr };
    memcpy(dev->vram + c.desc_addr, &d, sizeof(d));
    gv_tlb_flush(dev);
    return GV_ERR_NONE;
}

/* ---- CH_PDE ---- */

int gv_ch_pde(struct gv_dev *dev, const uint8_t *cmd, uint32_t size)
{
    struct gv_cmd_ch_pde c;
    uint64_t old, bytes, *slot;
    unsigned type, pages;
    bool big, fresh = true;

    if (size != sizeof(c)) {
        return gv_refuse(dev, GV_RULE_CH_PDE_SIZE, NO_CHAN, size, sizeof(c));
    }
    memcpy(&c, cmd, sizeof(c));
    if ((c.flags & ~GV_PDE_BIG) || c.pad) {
        return gv_refuse(dev, GV_RULE_CH_PDE_FLAGS, c.chid, c.flags, c.pad);
    }
    if (!chan_active(dev, c.chid)) {
        return target_error(dev, c.chid, GV_RULE_CH_PDE_TARGET_BOOTSTRAP,
                            GV_RULE_CH_PDE_TARGET);
    }
    if (c.pgd_index >= GV_PGD_ENTRIES) {
        return gv_refuse(dev, GV_RULE_CH_PDE_RANGE, c.chid, c.pgd_index,
                         GV_PGD_ENTRIES);
    }
    big = c.flags & GV_PDE_BIG;
    type = big ? GV_PT_PGT_BIG : GV_PT_PGT_SMALL;
    bytes = table_bytes(big);
    pages = bytes / GV_PAGE_SIZE;
    old = gv_pde_get(dev, c.chid, c.pgd_index, big);

    if (c.pgt_addr && (old & GV_PDE_VALID) &&
        (old & GV_PTE_ADDR_MASK) == c.pgt_addr) {
        return GV_ERR_NONE;     /* already there */
    }
    /* The old table may go only if unlocked or empty. */
    if (old & GV_PDE_VALID) {
        uint64_t e = *gv_pmm_entry(dev, old & GV_PTE_ADDR_MASK);

        /* Whatever its reference count: a stream the driver created in
         * the victim's context (UK_pub is public) must not let it take a
         * populated secure table out of the victim's channel and put its
         * own under the victim's virtual addresses. */
        if (pmm_locked(e) && pmm_entrycnt(e)) {
            return gv_refuse(dev, GV_RULE_CH_PDE_OLD_LOCKED, c.chid,
                             old & GV_PTE_ADDR_MASK, pmm_entrycnt(e));
        }
    }
    /* The new table: FREE protected pages, or the whole of a table of
     * the same kind already mapped in this context (streams). */
    if (c.pgt_addr) {
        int err = check_prot(dev, c.chid, c.pgt_addr, bytes, &table_rules);

        if (err != GV_ERR_NONE) {
            return err;
        }
        for (unsigned i = 0; i < pages; i++) {
            uint64_t pa = c.pgt_addr + (uint64_t)i * GV_PAGE_SIZE;
            uint64_t e = *gv_pmm_entry(dev, pa);

            err = can_map(dev, c.chid, pa, type, false, &table_map_rules);
            if (err != GV_ERR_NONE) {
                return err;
            }
            if (i == 0) {
                fresh = !pmm_mapped(e);
            }
            if (pmm_mapped(e) == fresh ||
                (!fresh && !!(e & PMM_HEAD) != (i == 0))) {
                /* not one whole table */
                return gv_refuse(dev, GV_RULE_CH_PDE_NOT_WHOLE_TABLE, c.chid,
                                 pa, i);
            }
        }
    }

    /* Commit. */
    if (old & GV_PDE_VALID) {
        remove_table(dev, old & GV_PTE_ADDR_MASK, big);
    }
    slot = (uint64_t *)(dev->vram + dev->chan[c.chid].pgd_addr +
                        c.pgd_index * 16 + (big ? 8 : 0));
    *slot = 0;
    if (c.pgt_addr) {
        for (unsigned i = 0; i < pages; i++) {
            uint64_t pa = c.pgt_addr + (uint64_t)i * GV_PAGE_SIZE;

            do_map(dev, c.chid, pa, type, false, c.pgd_index);
            if (i == 0 && fresh) {
                *gv_pmm_entry(dev, pa) |= PMM_HEAD;
            }
        }
        if (fresh) {
            gv_scrub(dev, c.pgt_addr, bytes);   /* no stale entries */
        }
        *slot = c.pgt_addr | GV_PDE_VALID;
    }
    gv_tlb_flush(dev);
    return GV_ERR_NONE;
}

/* ---- CH_PTE ---- */

struct pte_auth {
    uint32_t chid;
    uint32_t pad;
    uint64_t va;
    uint64_t size;
};

static int check_new_pte(struct gv_dev *dev, unsigned chid, uint64_t pte,
                         bool big, bool *prot)
{
    uint64_t pa = pte & GV_PTE_ADDR_MASK;
    uint64_t bytes = big ? GV_BIG_PAGE_SIZE : GV_PAGE_SIZE;

    if (pte & ~(GV_PTE_ADDR_MASK | GV_PTE_FLAGS)) {
        return gv_refuse(dev, GV_RULE_CH_PTE_RESERVED_BITS, chid, pte, 0);
    }
    if (pa % bytes) {
        return gv_refuse(dev, GV_RULE_CH_PTE_UNALIGNED, chid, pa, bytes);
    }
    switch (gv_region_of(dev, pa, bytes)) {
    case GV_REGION_UNPROT:
        *prot = false;
        return GV_ERR_NONE;
    case GV_REGION_PROT:
        *prot = true;
        for (uint64_t off = 0; off < bytes; off += GV_PAGE_SIZE) {
            int err = can_map(dev, chid, pa + off, GV_PT_DATA, big,
                              &page_map_rules);

            if (err != GV_ERR_NONE) {
                return err;
            }
        }
        return GV_ERR_NONE;
    default:                            /* outside memory, or hidden */
        return gv_refuse(dev, GV_RULE_CH_PTE_OUTSIDE, chid, pa, bytes);
    }
}

/* Is the virtual page of entry @idx also mapped by the other page size? */
static bool double_mapped(struct gv_dev *dev, unsigned chid, unsigned pgdi,
                          unsigned idx, bool big)
{
    uint64_t other = gv_pde_get(dev, chid, pgdi, !big);
    unsigned ratio = GV_BIG_PAGE_SIZE / GV_PAGE_SIZE;

    if (!(other & GV_PDE_VALID)) {
        return false;
    }
    other &= GV_PTE_ADDR_MASK;
    if (!big) {
        return *gv_pte_ptr(dev, other, idx / ratio) & GV_PTE_VALID;
    }
    for (unsigned i = 0; i < ratio; i++) {
        if (*gv_pte_ptr(dev, other, idx * ratio + i) & GV_PTE_VALID) {
            return true;
        }
    }
    return false;
}

static int write_summary(struct gv_dev *dev, unsigned chid, uint64_t va,
                         const uint64_t *pte, uint32_t count, bool big,
                         uint64_t result_addr)
{
    struct gv_chan_secret *sec = &dev->chsec[chid];
    struct gvc_sha256_ctx *h = NULL;
    struct gv_pte_summary s = { .magic = GV_SUMMARY_MAGIC, .chid = chid,
                                .va = va, .counter = sec->report_counter };
    uint64_t pbytes = big ? GV_BIG_PAGE_SIZE : GV_PAGE_SIZE;
    int err;

    if (gvc_sha256_new(&h) != GVC_OK) {
        return gv_refuse(dev, GV_RULE_CH_PTE_SUMMARY_CRYPTO, chid, va, 0);
    }
    for (uint32_t i = 0; i < count; i++) {
        uint64_t pa = pte[i] & GV_PTE_ADDR_MASK;

        if (!(pte[i] & GV_PTE_VALID)) {
            continue;
        }
        s.k++;
        if (gv_region_of(dev, pa, pbytes) == GV_REGION_PROT) {
            s.n++;
            if (gvc_sha256_update(h, &pa, sizeof(pa)) != GVC_OK) {
                goto crypto_failed;
            }
        }
    }
    if (gvc_sha256_final(h, s.hash) != GVC_OK ||
        !chan_gmac(dev, chid, GV_IV_DOMAIN_SUMM, s.counter, &s,
                   offsetof(struct gv_pte_summary, mac), s.mac)) {
        goto crypto_failed;
    }
    sec->report_counter++;
    err = gv_dma_write(dev, GV_RULE_CH_PTE_RESULT_WRITE, chid, result_addr,
                       &s, sizeof(s));
    gvc_sha256_free(h);
    return err;
crypto_failed:
    gvc_sha256_free(h);
    return gv_refuse(dev, GV_RULE_CH_PTE_SUMMARY_CRYPTO, chid, va, 0);
}

int gv_ch_pte(struct gv_dev *dev, const uint8_t *cmd, uint32_t size)
{
    struct gv_cmd_ch_pte c;
    const uint8_t *ptes = cmd + sizeof(c);
    uint64_t table, *cur, va, pbytes;
    uint64_t pte[GV_PTE_MAX_COUNT];
    bool big, need_auth = false, secure;
    unsigned type;
    int err;

    if (size < sizeof(c)) {
        return gv_refuse(dev, GV_RULE_CH_PTE_SIZE, NO_CHAN, size, sizeof(c));
    }
    memcpy(&c, cmd, sizeof(c));
    if ((c.flags & ~GV_PTE_BIG) || c.pad || c.count == 0 ||
        c.count > GV_PTE_MAX_COUNT ||
        size != sizeof(c) + (uint64_t)c.count * 8) {
        return gv_refuse(dev, GV_RULE_CH_PTE_FORMAT, c.chid, c.flags,
                         c.count);
    }
    if (!chan_active(dev, c.chid)) {
        return target_error(dev, c.chid, GV_RULE_CH_PTE_TARGET_BOOTSTRAP,
                            GV_RULE_CH_PTE_TARGET);
    }
    big = c.flags & GV_PTE_BIG;
    if (c.pgd_index >= GV_PGD_ENTRIES ||
        c.pgt_index >= table_entries(big) ||
        c.count > table_entries(big) - c.pgt_index) {
        return gv_refuse(dev, GV_RULE_CH_PTE_RANGE, c.chid, c.pgd_index,
                         (uint64_t)c.pgt_index << 32 | c.count);
    }
    table = gv_pde_get(dev, c.chid, c.pgd_index, big);
    if (!(table & GV_PDE_VALID)) {
        return gv_refuse(dev, GV_RULE_CH_PTE_NO_TABLE, c.chid, c.pgd_index,
                         big);
    }
    table &= GV_PTE_ADDR_MASK;
    secure = chan_secure(dev, c.chid);
    /* Every mapping change of a secure channel is reported to the runtime
     * with a counted summary, so one the driver hides (a silent remap of
     * a fence page or an empty slot, attack 21) is a counter gap. */
    if (secure && !c.result_addr) {
        return gv_refuse(dev, GV_RULE_CH_PTE_NO_RESULT, c.chid, c.pgd_index,
                         c.pgt_index);
    }
    type = GV_PT_DATA;
    pbytes = big ? GV_BIG_PAGE_SIZE : GV_PAGE_SIZE;
    va = (uint64_t)c.pgd_index << GV_PDE_SHIFT | (uint64_t)c.pgt_index *
         pbytes;
    memcpy(pte, ptes, (size_t)c.count * 8);

    /* Validate every entry before changing anything. */
    for (uint32_t i = 0; i < c.count; i++) {
        uint64_t old = *gv_pte_ptr(dev, table, c.pgt_index + i);
        bool prot = false;

        if (old == pte[i]) {
            continue;   /* unchanged */
        }
        if (old & GV_PTE_VALID) {
            uint64_t opa = old & GV_PTE_ADDR_MASK;

            if (gv_region_of(dev, opa, pbytes) == GV_REGION_PROT &&
                pmm_locked(*gv_pmm_entry(dev, opa))) {
                need_auth = true;
            }
        }
        if (!(pte[i] & GV_PTE_VALID)) {
            if (pte[i]) {                   /* an invalid entry is 0 */
                return gv_refuse(dev, GV_RULE_CH_PTE_INVALID_NONZERO, c.chid,
                                 pte[i], i);
            }
            continue;
        }
        err = check_new_pte(dev, c.chid, pte[i], big, &prot);
        if (err != GV_ERR_NONE) {
            return err;
        }
        if (double_mapped(dev, c.chid, c.pgd_index, c.pgt_index + i, big)) {
            return gv_refuse(dev, GV_RULE_CH_PTE_DOUBLE_MAP, c.chid,
                             va + i * pbytes, big);
        }
        /* One physical page once per command (keeps refcnt exact). */
        for (uint32_t j = 0; j < i && prot; j++) {
            if ((pte[j] & GV_PTE_VALID) &&
                (pte[j] & GV_PTE_ADDR_MASK) == (pte[i] & GV_PTE_ADDR_MASK)) {
                return gv_refuse(dev, GV_RULE_CH_PTE_DUPLICATE, c.chid,
                                 pte[i] & GV_PTE_ADDR_MASK, i);
            }
        }
    }
    if (need_auth) {
        struct pte_auth a = { .chid = c.chid, .va = va,
                              .size = (uint64_t)c.count * pbytes };

        if (!secure) {
            return gv_refuse(dev, GV_RULE_CH_PTE_LOCKED_NORMAL, c.chid, va,
                             a.size);
        }
        if (!chan_check_mac(dev, c.chid, &a, sizeof(a), c.mac)) {
            return gv_refuse(dev, GV_RULE_CH_PTE_BAD_MAC, c.chid, va,
                             dev->chsec[c.chid].auth_counter);
        }
    }

    /* Commit: removals, then new mappings. */
    cur = gv_pte_ptr(dev, table, c.pgt_index);
    {
        uint64_t *head = gv_pmm_entry(dev, table);
        unsigned cnt = pmm_entrycnt(*head);

        for (uint32_t i = 0; i < c.count; i++) {
            if (cur[i] == pte[i]) {
                continue;
            }
            if (cur[i] & GV_PTE_VALID) {
                unmap_data(dev, cur[i] & GV_PTE_ADDR_MASK, big);
                cnt--;
            }
            if (pte[i] & GV_PTE_VALID) {
                uint64_t pa = pte[i] & GV_PTE_ADDR_MASK;

                if (gv_region_of(dev, pa, pbytes) == GV_REGION_PROT) {
                    for (uint64_t off = 0; off < pbytes; off += GV_PAGE_SIZE) {
                        do_map(dev, c.chid, pa + off, type, big, c.pgd_index);
                    }
                }
                cnt++;
            }
            cur[i] = pte[i];
        }
        *head = pmm_set_entrycnt(*head, cnt);
    }
    gv_tlb_flush(dev);

    if (secure) {
        return write_summary(dev, c.chid, va, pte, c.count, big,
                             c.result_addr);
    }
    return GV_ERR_NONE;
}

/* ---- CH_DESTROY ---- */

int gv_ch_destroy(struct gv_dev *dev, const uint8_t *cmd, uint32_t size)
{
    struct gv_cmd_ch_destroy c;
    struct gv_chan *ch;
    bool authorised;

    if (size != sizeof(c)) {
        return gv_refuse(dev, GV_RULE_CH_DESTROY_SIZE, NO_CHAN, size,
                         sizeof(c));
    }
    memcpy(&c, cmd, sizeof(c));
    if (c.flags & ~GV_DESTROY_AUTH) {
        return gv_refuse(dev, GV_RULE_CH_DESTROY_FLAGS, c.chid, c.flags, 0);
    }
    if (!chan_active(dev, c.chid)) {
        return target_error(dev, c.chid, GV_RULE_CH_DESTROY_TARGET_BOOTSTRAP,
                            GV_RULE_CH_DESTROY_TARGET);
    }
    ch = &dev->chan[c.chid];
    authorised = c.flags & GV_DESTROY_AUTH;
    if (authorised) {
        struct { uint32_t chid, pad; } a = { c.chid, 0 };

        if (!chan_secure(dev, c.chid)) {
            return gv_refuse(dev, GV_RULE_CH_DESTROY_NOT_SECURE, c.chid,
                             c.flags, 0);
        }
        if (!chan_check_mac(dev, c.chid, &a, sizeof(a), c.mac)) {
            return gv_refuse(dev, GV_RULE_CH_DESTROY_BAD_MAC, c.chid,
                             dev->chsec[c.chid].auth_counter, 0);
        }
    }

    /* Walk only this channel's address space: the cost follows what the
     * channel maps, not the size of device memory.  Every secure page that
     * becomes free is scrubbed, with or without the owner's
     * authorisation. */
    for (unsigned i = 0; i < GV_PGD_ENTRIES; i++) {
        for (int big = 0; big < 2; big++) {
            uint64_t pde = gv_pde_get(dev, c.chid, i, big);

            if (pde & GV_PDE_VALID) {
                remove_table(dev, pde & GV_PTE_ADDR_MASK, big);
            }
        }
    }
    gv_scrub(dev, ch->pgd_addr, GV_PGD_BYTES);
    gv_scrub(dev, ch->desc_addr, GV_DESC_BYTES);
    for (uint64_t off = 0; off < GV_PGD_BYTES; off += GV_PAGE_SIZE) {
        *gv_pmm_entry(dev, ch->pgd_addr + off) = 0;
    }
    *gv_pmm_entry(dev, ch->desc_addr) = 0;

    gv_ctx_release(dev, c.chid);
    memset(&dev->chsec[c.chid], 0, sizeof(dev->chsec[c.chid]));
    gvc_aead_free(ch->aead);
    gv_copy_forget(dev, c.chid);
    /* A launching group kept while this command waited for the engine
     * (gv_channel.c) dies with the channel; no launch of it is running:
     * CH_* commands run only when the engine is idle. */
    free(ch->stash);
    memset(ch, 0, sizeof(*ch));
    gv_tlb_flush(dev);
    return GV_ERR_NONE;
}

/* ---- CH_MEASURE ---- */

int gv_ch_measure(struct gv_dev *dev, const uint8_t *cmd, uint32_t size)
{
    struct gv_cmd_ch_measure c;
    struct gv_measurement m;
    struct gvc_hmac_ctx *h = NULL;
    uint8_t buf[GV_PAGE_SIZE];
    uint64_t t0;
    bool ok;
    int err;

    if (size != sizeof(c)) {
        return gv_refuse(dev, GV_RULE_CH_MEASURE_SIZE, NO_CHAN, size,
                         sizeof(c));
    }
    memcpy(&c, cmd, sizeof(c));
    if (c.pad) {
        return gv_refuse(dev, GV_RULE_CH_MEASURE_PAD, c.chid, c.pad, 0);
    }
    if (!chan_active(dev, c.chid)) {
        return target_error(dev, c.chid, GV_RULE_CH_MEASURE_TARGET_BOOTSTRAP,
                            GV_RULE_CH_MEASURE_TARGET);
    }
    if (!chan_secure(dev, c.chid)) {
        return gv_refuse(dev, GV_RULE_CH_MEASURE_NOT_SECURE, c.chid, c.va,
                         c.size);
    }
    if (c.size == 0 || c.size > GV_MEASURE_MAX || c.va + c.size < c.va) {
        return gv_refuse(dev, GV_RULE_CH_MEASURE_RANGE, c.chid, c.va, c.size);
    }
    /* Keyed (attack 14): only the holder of CEK can tell what the digest
     * is of, so measuring a byte of a secret tells the driver nothing. */
    t0 = gv_prof_begin(dev, GV_PROF_CRYPTO);
    ok = gvc_hmac_sha256_new(&h, dev->chsec[c.chid].meas_key,
                             sizeof(dev->chsec[c.chid].meas_key)) == GVC_OK;
    gv_prof_end(dev, GV_PROF_CRYPTO, t0);
    if (!ok) {
        return gv_refuse(dev, GV_RULE_CH_MEASURE_CRYPTO, c.chid, c.va, c.size);
    }
    for (uint64_t off = 0; off < c.size;) {
        uint64_t n = GV_PAGE_SIZE - ((c.va + off) & (GV_PAGE_SIZE - 1));

        if (n > c.size - off) {
            n = c.size - off;
        }
        /* refused by the MMU's rules (mmu.*) */
        err = gv_vm_read(dev, c.chid, c.va + off, buf, n);
        if (err != GV_ERR_NONE) {
            goto done;
        }
        t0 = gv_prof_begin(dev, GV_PROF_CRYPTO);
        ok = gvc_hmac_sha256_update(h, buf, n) == GVC_OK;
        gv_prof_end(dev, GV_PROF_CRYPTO, t0);
        if (!ok) {
            goto crypto_failed;
        }
        off += n;
    }
    m = (struct gv_measurement){ .magic = GV_MEASURE_MAGIC, .chid = c.chid,
                                 .va = c.va, .size = c.size,
                                 .counter = dev->chsec[c.chid].report_counter };
    t0 = gv_prof_begin(dev, GV_PROF_CRYPTO);
    ok = gvc_hmac_sha256_final(h, m.digest) == GVC_OK &&
         chan_gmac(dev, c.chid, GV_IV_DOMAIN_MEAS, m.counter, &m,
                   offsetof(struct gv_measurement, mac), m.mac);
    gv_prof_end(dev, GV_PROF_CRYPTO, t0);
    if (!ok) {
        goto crypto_failed;
    }
    dev->chsec[c.chid].report_counter++;
    err = gv_dma_write(dev, GV_RULE_CH_MEASURE_RESULT_WRITE, c.chid,
                       c.result_addr, &m, sizeof(m));
    goto done;
crypto_failed:
    err = gv_refuse(dev, GV_RULE_CH_MEASURE_CRYPTO, c.chid, c.va, c.size);
done:
    memset(buf, 0, sizeof(buf));
    gvc_hmac_sha256_free(h);
    return err;
}
