/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the named refusals (include/graviton/
 * gv_rules.h).  Every check that refuses something calls gv_refuse() with
 * its rule: the rule's hit counter goes up, the host hears of it (the
 * refused() hook: QEMU's trace events), and the rule becomes the one that
 * the next error report names in ERROR_RULE.  The counters are only ever
 * touched on the thread that calls the device (faults found by the
 * compute engine's threads are attributed when their launch ends), so they
 * need no atomics.
 */
#include "gv_internal.h"

#include "graviton/gv_rules.h"
#include "gv_cov.h"

struct gv_rule_info {
    const char *name;
    unsigned err;
    const char *desc;
};

#define GV_RULE_INFO_(n, id, nm, code, ds) \
    [n] = { .name = nm, .err = GV_ERR_##code, .desc = ds },
static const struct gv_rule_info rules[GV_RULE__COUNT] = {
    GV_RULE_LIST(GV_RULE_INFO_)
};
#undef GV_RULE_INFO_

unsigned gv_rule_count(void)
{
    return GV_RULE__COUNT;
}

const char *gv_rule_name(unsigned rule)
{
    return rule < GV_RULE__COUNT ? rules[rule].name : NULL;
}

unsigned gv_rule_error(unsigned rule)
{
    return rule < GV_RULE__COUNT ? rules[rule].err : GV_ERR_NONE;
}

const char *gv_rule_desc(unsigned rule)
{
    return rule < GV_RULE__COUNT ? rules[rule].desc : NULL;
}

int gv_refuse(struct gv_dev *dev, unsigned rule, unsigned chid, uint64_t a,
              uint64_t b)
{
    if (rule == GV_RULE_NONE || rule >= GV_RULE__COUNT) {
        return GV_ERR_NONE;
    }
    dev->rule_hits[rule]++;
    dev->rule_hits_total++;
    if (rules[rule].err != GV_ERR_NONE) {
        dev->pending_rule = rule;
    }
    if (dev->ops && dev->ops->refused) {
        dev->ops->refused(dev->opaque, rule, rules[rule].name,
                          rules[rule].err, chid, a, b);
    }
    return (int)rules[rule].err;
}

void gv_report_refusal(struct gv_dev *dev, unsigned rule, unsigned chid,
                       uint32_t pos, uint64_t a, uint64_t b)
{
    gv_report_error(dev, gv_refuse(dev, rule, chid, a, b), chid, pos);
}

unsigned gv_take_rule(struct gv_dev *dev, unsigned code)
{
    unsigned rule = dev->pending_rule;

    dev->pending_rule = GV_RULE_NONE;
    return rules[rule].err == code ? rule : GV_RULE_NONE;
}

uint64_t gv_dev_rule_hits(const struct gv_dev *dev, unsigned rule)
{
    return rule < GV_RULE__COUNT ? dev->rule_hits[rule] : 0;
}

uint64_t gv_dev_rule_hits_total(const struct gv_dev *dev)
{
    return dev->rule_hits_total;
}

void gv_dev_rule_hits_reset(struct gv_dev *dev)
{
    memset(dev->rule_hits, 0, sizeof(dev->rule_hits));
    dev->rule_hits_total = 0;
}

unsigned gv_dev_error_rule(const struct gv_dev *dev)
{
    return dev->error_rule;
}

/* ---- the debug block (GV_REG_DBG_*, the debug=on property) ---- */

_Static_assert(GV_COV_MAP_SIZE == GV_DBG_EDGE_MAP_ENTRIES,
               "the edge map's size is in the ABI");

static uint32_t dbg_check(struct gv_dev *dev)
{
    int rc = gv_dev_check(dev, dev->dbg_why, sizeof(dev->dbg_why));

    if (rc == 0) {
        dev->dbg_why[0] = 0;
    }
    return rc == 0 ? GV_DBG_CHECK_OK : GV_DBG_CHECK_FAILED;
}

uint32_t gv_dbg_reg_read(struct gv_dev *dev, uint64_t off)
{
    uint64_t hits;

    if (!dev->cfg.debug) {
        return 0;
    }
    switch (off) {
    case GV_REG_DBG_RULE_COUNT:
        return GV_RULE__COUNT;
    case GV_REG_DBG_RULE_SEL:
        return dev->dbg_sel;
    case GV_REG_DBG_RULE_HITS_LO:
        /* The high word is latched: LO then HI read one 64-bit value. */
        hits = gv_dev_rule_hits(dev, dev->dbg_sel);
        dev->dbg_hits_hi = (uint32_t)(hits >> 32);
        return (uint32_t)hits;
    case GV_REG_DBG_RULE_HITS_HI:
        return dev->dbg_hits_hi;
    case GV_REG_DBG_HITS_TOTAL:
        return (uint32_t)dev->rule_hits_total;
    case GV_REG_DBG_CHECK:
        return dbg_check(dev);
    case GV_REG_DBG_EDGES:
        return gv_cov_edges();
    case GV_REG_DBG_EDGE_MAP_SIZE:
        return gv_cov_available() ? GV_COV_MAP_SIZE : 0;
    case GV_REG_DBG_EDGE_HASH:
        return gv_cov_map_hash();
    default:
        break;
    }
    if (off >= GV_REG_DBG_HIT_MAP &&
        off < GV_REG_DBG_HIT_MAP + GV_DBG_HIT_MAP_WORDS * 4) {
        unsigned first = (unsigned)(off - GV_REG_DBG_HIT_MAP) / 4 * 32;
        uint32_t map = 0;

        for (unsigned i = 0; i < 32 && first + i < GV_RULE__COUNT; i++) {
            map |= (uint32_t)(dev->rule_hits[first + i] != 0) << i;
        }
        return map;
    }
    if (off >= GV_REG_DBG_CHECK_WHY &&
        off < GV_REG_DBG_CHECK_WHY + GV_DBG_WHY_LEN) {
        uint32_t v;

        memcpy(&v, dev->dbg_why + (off - GV_REG_DBG_CHECK_WHY), 4);
        return v;
    }
    return 0;
}

bool gv_dbg_reg_write(struct gv_dev *dev, uint64_t off, uint32_t val)
{
    if (!dev->cfg.debug) {
        return false;
    }
    switch (off) {
    case GV_REG_DBG_RULE_SEL:
        dev->dbg_sel = val;
        return true;
    case GV_REG_DBG_CTRL:
        if (val == GV_DBG_CTRL_RESET_HITS) {
            gv_dev_rule_hits_reset(dev);
            return true;
        }
        if (val == GV_DBG_CTRL_RESET_EDGES) {
            /* The map is the process's: one for all devices. */
            gv_cov_reset();
            return true;
        }
        return false;
    default:
        return false;
    }
}
