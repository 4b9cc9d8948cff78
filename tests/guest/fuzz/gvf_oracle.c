/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gv-fuzz: coverage and the oracles.
 *
 * Coverage is the debug block's map of the rules hit (docs/registers.md)
 * and, in a coverage QEMU, the number of edges of the device core hit.
 * The oracles: the device's consistency check (the PMM against every
 * channel's page tables, hw/core/gv_check.c) after every step; the
 * victim's secret nowhere the fuzzer can read (its DMA buffers, results,
 * the registers, and, every so often, all of unprotected memory through
 * BAR2: the scans of the attack suite); the victim still working (a
 * secure copy-out of its secret, unless a step the device accepted could
 * legitimately have taken its channels away).
 */
#include <stdlib.h>
#include <string.h>

#include "gvf.h"

static const char *const rule_names[GV_RULE__COUNT] = {
#define GVF_RULE_NAME_(n, id, name, code, desc) [n] = name,
    GV_RULE_LIST(GVF_RULE_NAME_)
#undef GVF_RULE_NAME_
};

const char *gvf_rule_name(unsigned rule)
{
    return rule < GV_RULE__COUNT ? rule_names[rule] : "?";
}

bool gvf_debug_present(struct gva *a)
{
    return (gva_rd(a, GV_REG_CAPS) & GV_CAP_DEBUG) &&
           gva_rd(a, GV_REG_DBG_RULE_COUNT) == GV_RULE__COUNT;
}

void gvf_hit_map(struct gva *a, uint32_t map[GV_DBG_HIT_MAP_WORDS])
{
    for (unsigned i = 0; i < GV_DBG_HIT_MAP_WORDS; i++) {
        map[i] = gva_rd(a, GV_REG_DBG_HIT_MAP + 4 * i);
    }
}

unsigned gvf_map_count(const uint32_t map[GV_DBG_HIT_MAP_WORDS])
{
    unsigned n = 0;

    for (unsigned i = 0; i < GV_DBG_HIT_MAP_WORDS; i++) {
        n += (unsigned)__builtin_popcount(map[i]);
    }
    return n;
}

bool gvf_edges_present(struct gva *a)
{
    return gva_rd(a, GV_REG_DBG_EDGE_MAP_SIZE) != 0;
}

uint32_t gvf_edges(struct gva *a)
{
    return gva_rd(a, GV_REG_DBG_EDGES);
}

void gvf_edges_reset(struct gva *a)
{
    gva_wr(a, GV_REG_DBG_CTRL, GV_DBG_CTRL_RESET_EDGES);
}

void gvf_check(struct gvf_world *w, struct gvf_verdict *v)
{
    uint32_t r;

    if (!w->open) {
        return;
    }
    r = gva_rd(&w->a, GV_REG_DBG_CHECK);
    if (r == GV_DBG_CHECK_OK) {
        return;
    }
    v->bad = true;
    if (r == GV_DBG_CHECK_FAILED) {
        char why[GV_DBG_WHY_LEN + 1];

        for (unsigned i = 0; i < GV_DBG_WHY_LEN; i += 4) {
            uint32_t x = gva_rd(&w->a, GV_REG_DBG_CHECK_WHY + i);

            memcpy(why + i, &x, 4);
        }
        why[GV_DBG_WHY_LEN] = 0;
        snprintf(v->why, sizeof(v->why), "consistency check failed: %s",
                 why);
    } else {
        snprintf(v->why, sizeof(v->why), "consistency check: DBG_CHECK "
                 "read 0x%x", r);
    }
}

void gvf_leak(struct gvf_world *w, bool full, struct gvf_verdict *v)
{
    const uint8_t *s = w->v.info.secret;
    struct gva *a = &w->a;
    const char *where = NULL;

    if (!w->open || !w->victim_up) {
        return;
    }
    if (gva_scan(w->dma.cpu, w->dma.size, s, GVV_SECRET_LEN)) {
        where = "the fuzzer's DMA buffer (groups, results)";
    } else if (gva_scan(a->boot_buf.cpu, a->boot_buf.size, s,
                        GVV_SECRET_LEN)) {
        where = "the attacker's bootstrap buffer";
    } else if (gva_scan_regs(a, s, GVV_SECRET_LEN)) {
        where = "the registers";
    }
    for (unsigned i = 0; !where && i < GVF_SLOTS; i++) {
        const struct gvf_slot *sl = &w->slot[i];

        if (sl->live && sl->ch.buf.cpu &&
            gva_scan(sl->ch.buf.cpu, sl->ch.buf.size, s, GVV_SECRET_LEN)) {
            where = "a fuzzer channel's host window";
        }
    }
    if (!where && full &&
        gva_scan_bar2(a, 0, a->unprot, s, GVV_SECRET_LEN)) {
        where = "unprotected memory (BAR2)";
    }
    if (where) {
        v->bad = true;
        snprintf(v->why, sizeof(v->why), "the victim's secret is in %s",
                 where);
    }
}

void gvf_victim(struct gvf_world *w, struct gvf_verdict *v)
{
    int r;

    if (!w->victim_up || w->tainted) {
        return;
    }
    r = gvv_cmd(&w->v, GVV_CHECK, 0, 0, NULL, 0, NULL);
    if (r != 0) {
        v->bad = true;
        snprintf(v->why, sizeof(v->why), "the victim's secure copy-out "
                 "failed (%s) though nothing the device accepted aimed at "
                 "it", gva_err_name(r));
    }
}
