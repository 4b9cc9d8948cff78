/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-cp's expectation oracle (fuzz_attack.h, docs/fuzzing.md "The
 * security oracles"): what the design says of every command the harness
 * submits, judged in the state it runs in, against the rule the core
 * names when it refuses it; single groups (fza_submit()) and ring
 * batches (fza_batch_begin(), fza_batch_flush()), whose rings are also
 * judged against the core's rule for a failed group.
 */
#include "fuzz_attack.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "gv_internal.h"

static struct gv_dev *dev(void)
{
    return fzb.td->dev;
}

static void finding(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void finding(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fz_vfail("", fmt, ap);
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

static bool is_live(const struct gv_dev *d, unsigned chid)
{
    return chid < GV_MAX_CHANNELS &&
           (d->chan[chid].type == GV_CHAN_TYPE_NORMAL ||
            d->chan[chid].type == GV_CHAN_TYPE_SECURE);
}

/* ---- expectations: the rule that must refuse what the harness sent ---- */

struct want {
    const char *what;
    unsigned via;
    bool need_accept;           /* the group must pass its header checks */
    unsigned lo, hi;            /* any rule in [lo, hi], or */
    unsigned rules[6];          /* one of these */
    unsigned n;
};

static void allow(struct want *w, unsigned rule)
{
    if (w->n < sizeof(w->rules) / sizeof(w->rules[0])) {
        w->rules[w->n++] = rule;
    }
}

/* A rule that may fire before the command is looked at: the ring entry,
 * the fetch, the group header, the command framing. */
static bool early_rule(unsigned r)
{
    return r == GV_RULE_RING_ENTRY_FETCH || r == GV_RULE_GROUP_ENTRY ||
           r == GV_RULE_GROUP_FETCH || r == GV_RULE_GROUP_VRAM_ADDRESS ||
           r == GV_RULE_GROUP_HEADER || r == GV_RULE_CMD_TRUNCATED ||
           r == GV_RULE_CMD_SIZE || r == GV_RULE_CMD_LAUNCH_NOT_LAST;
}

uint64_t fza_entry_at(struct gv_dev *d, unsigned chid, unsigned pgdi,
                      bool big, unsigned idx)
{
    uint64_t pde, table;

    if (pgdi >= GV_PGD_ENTRIES ||
        idx >= (big ? GV_PGT_BIG_ENTRIES : GV_PGT_SMALL_ENTRIES)) {
        return 0;
    }
    pde = gv_pde_get(d, chid, pgdi, big);
    table = pde & GV_PTE_ADDR_MASK;
    if (!(pde & GV_PDE_VALID) || table >= gv_dev_vram_size(d) ||
        gv_dev_vram_size(d) - table < (uint64_t)(idx + 1) * 8) {
        return 0;
    }
    return *gv_pte_ptr(d, table, idx);
}

/* Is protected [pa, pa + bytes) mapped by a context other than @ctx? */
static bool foreign(struct gv_dev *d, uint64_t pa, uint64_t bytes,
                    unsigned ctx)
{
    if (gv_region_of(d, pa, bytes) != GV_REGION_PROT) {
        return false;
    }
    for (uint64_t off = 0; off < bytes; off += GV_PAGE_SIZE) {
        uint64_t e = *gv_pmm_entry(d, pa + off);

        if (pmm_mapped(e) && pmm_owner(e) != ctx) {
            return true;
        }
    }
    return false;
}

static bool want_pte(struct gv_dev *d, const uint8_t *cmd, uint32_t size,
                     bool forged, struct want *w)
{
    struct gv_cmd_ch_pte c;
    bool big, alias = false, locked = false;
    uint64_t pbytes;

    if (size < sizeof(c)) {
        return false;
    }
    memcpy(&c, cmd, sizeof(c));
    if (c.count > GV_PTE_MAX_COUNT || size != sizeof(c) + c.count * 8ull) {
        return false;
    }
    big = c.flags & GV_PTE_BIG;
    pbytes = big ? GV_BIG_PAGE_SIZE : GV_PAGE_SIZE;
    if (d->chan[c.chid].type == GV_CHAN_TYPE_SECURE && !c.result_addr) {
        w->what = "a CH_PTE of a secure channel without a result address";
        allow(w, GV_RULE_CH_PTE_SIZE);
        allow(w, GV_RULE_CH_PTE_FORMAT);
        allow(w, GV_RULE_CH_PTE_RANGE);
        allow(w, GV_RULE_CH_PTE_NO_TABLE);
        allow(w, GV_RULE_CH_PTE_NO_RESULT);
        return true;
    }
    for (uint32_t i = 0; i < c.count; i++) {
        uint64_t pte = rd64(cmd + sizeof(c) + i * 8ull);
        uint64_t old = fza_entry_at(d, c.chid, c.pgd_index, big,
                                c.pgt_index + i);

        if (old == pte) {
            continue;
        }
        if ((pte & GV_PTE_VALID) &&
            foreign(d, pte & GV_PTE_ADDR_MASK, pbytes, d->chan[c.chid].ctx)) {
            alias = true;
        }
        if ((old & GV_PTE_VALID) &&
            gv_region_of(d, old & GV_PTE_ADDR_MASK, pbytes) ==
            GV_REGION_PROT &&
            pmm_locked(*gv_pmm_entry(d, old & GV_PTE_ADDR_MASK))) {
            locked = true;
        }
    }
    if (alias) {
        w->what = "a CH_PTE mapping another context's page (attack 1)";
    } else if (locked && forged) {
        w->what = "a CH_PTE changing a LOCKED mapping without its "
                  "runtime's MAC (attack 2)";
    } else {
        return false;
    }
    /* refused before the commit (not the summary's write afterwards) */
    w->lo = GV_RULE_CH_PTE_SIZE;
    w->hi = GV_RULE_CH_PTE_BAD_MAC;
    return true;
}

/* @stable: no earlier command of the group changed channels or mappings
 * (else only what depends on channel types is judged here). */
static bool want_mgmt(struct gv_dev *d, const uint8_t *cmd, uint32_t size,
                      uint32_t op, bool forged, bool stable, struct want *w)
{
    static const unsigned pre[][3] = {      /* size, format, bootstrap */
        [GV_OP_CH_PDE] = { GV_RULE_CH_PDE_SIZE, GV_RULE_CH_PDE_FLAGS,
                           GV_RULE_CH_PDE_TARGET_BOOTSTRAP },
        [GV_OP_CH_PTE] = { GV_RULE_CH_PTE_SIZE, GV_RULE_CH_PTE_FORMAT,
                           GV_RULE_CH_PTE_TARGET_BOOTSTRAP },
        [GV_OP_CH_DESTROY] = { GV_RULE_CH_DESTROY_SIZE,
                               GV_RULE_CH_DESTROY_FLAGS,
                               GV_RULE_CH_DESTROY_TARGET_BOOTSTRAP },
        [GV_OP_CH_MEASURE] = { GV_RULE_CH_MEASURE_SIZE,
                               GV_RULE_CH_MEASURE_PAD,
                               GV_RULE_CH_MEASURE_TARGET_BOOTSTRAP },
    };
    uint32_t t;
    unsigned tt;

    if (op < GV_OP_CH_PDE || op > GV_OP_CH_MEASURE || size < 16) {
        return false;
    }
    memcpy(&t, cmd + 8, 4);
    tt = t < GV_MAX_CHANNELS ? d->chan[t].type : GV_CHAN_TYPE_FREE;
    allow(w, pre[op][0]);
    allow(w, pre[op][1]);
    if (tt == GV_CHAN_TYPE_BOOTSTRAP) {
        w->what = "a CH_* aimed at a bootstrap channel (attack 5)";
        allow(w, pre[op][2]);
        return true;
    }
    if (!stable || !is_live(d, t)) {
        return false;
    }
    if (op == GV_OP_CH_MEASURE && tt == GV_CHAN_TYPE_NORMAL) {
        w->what = "CH_MEASURE of a normal channel";
        allow(w, GV_RULE_CH_MEASURE_NOT_SECURE);
        return true;
    }
    if (op == GV_OP_CH_DESTROY && size == sizeof(struct gv_cmd_ch_destroy)) {
        struct gv_cmd_ch_destroy c;

        memcpy(&c, cmd, sizeof(c));
        if (c.flags != GV_DESTROY_AUTH) {
            return false;
        }
        if (tt == GV_CHAN_TYPE_NORMAL) {
            w->what = "an authorised CH_DESTROY of a normal channel";
            allow(w, GV_RULE_CH_DESTROY_NOT_SECURE);
            return true;
        }
        if (forged) {
            w->what = "an authorised CH_DESTROY with a MAC its runtime "
                      "did not make";
            allow(w, GV_RULE_CH_DESTROY_BAD_MAC);
            return true;
        }
        return false;
    }
    if (op == GV_OP_CH_PTE) {
        w->n = 0;
        return want_pte(d, cmd, size, forged, w);
    }
    if (op == GV_OP_CH_PDE && size == sizeof(struct gv_cmd_ch_pde)) {
        struct gv_cmd_ch_pde c;
        uint64_t bytes;

        memcpy(&c, cmd, sizeof(c));
        bytes = c.flags & GV_PDE_BIG ? GV_PGT_BIG_BYTES : GV_PGT_SMALL_BYTES;
        if (c.pgt_addr && c.pgd_index < GV_PGD_ENTRIES &&
            (gv_pde_get(d, t, c.pgd_index, c.flags & GV_PDE_BIG) &
             GV_PTE_ADDR_MASK) != c.pgt_addr &&
            foreign(d, c.pgt_addr, bytes, d->chan[t].ctx)) {
            w->what = "a CH_PDE with another context's table (attack 1)";
            w->n = 0;
            w->lo = GV_RULE_CH_PDE_SIZE;
            w->hi = GV_RULE_CH_PDE_NOT_WHOLE_TABLE;
            return true;
        }
    }
    return false;
}

/* What the design says of a group sent on @via as a whole (a plaintext
 * group on a secure channel); *@cmds_too: its commands are judged too. */
static bool want_group(unsigned via, struct want *w, bool *cmds_too)
{
    struct gv_dev *d = dev();
    unsigned type;

    memset(w, 0, sizeof(*w));
    w->via = via;
    *cmds_too = false;
    if (!d->locked || via >= GV_MAX_CHANNELS) {
        return false;
    }
    type = d->chan[via].type;
    if (type == GV_CHAN_TYPE_SECURE) {
        w->what = "a plaintext group on a secure channel (attack 7)";
        allow(w, GV_RULE_GROUP_PLAINTEXT_SECURE);
        return true;
    }
    *cmds_too = type == GV_CHAN_TYPE_BOOTSTRAP ||
                type == GV_CHAN_TYPE_NORMAL;
    return false;
}

/* What the design says of the command @cmd (@size bytes, framed) of a
 * group on bootstrap or normal channel @via.  @stable: the commands
 * before it in the group changed no channel or mapping (no CH_CREATE,
 * CH_PDE, CH_PTE or CH_DESTROY), so the device's state now is the state
 * the command runs in; else only what depends on channel types alone
 * (which no earlier command of a group can change) is judged. */
static bool want_cmd(unsigned via, const uint8_t *cmd, uint32_t size,
                     bool forged, bool stable, struct want *w)
{
    struct gv_dev *d = dev();
    unsigned type = d->chan[via].type;
    struct gv_cmd_hdr h;

    memset(w, 0, sizeof(*w));
    w->via = via;
    w->need_accept = true;
    memcpy(&h, cmd, sizeof(h));
    if (h.op >= GV_OP_CH_CREATE && h.op <= GV_OP_CH_MEASURE) {
        if (type != GV_CHAN_TYPE_BOOTSTRAP) {
            w->what = "a CH_* command on a normal channel";
            allow(w, GV_RULE_CMD_MGMT_NOT_BOOTSTRAP);
            return true;
        }
        return want_mgmt(d, cmd, size, h.op, forged, stable, w);
    }
    if (h.op == GV_OP_NOP || h.op == GV_OP_FENCE || h.op == GV_OP_COPY ||
        h.op == GV_OP_SET_COPY_KEY) {
        if (type == GV_CHAN_TYPE_BOOTSTRAP) {
            w->what = "an engine command on a bootstrap channel (attack 5)";
            allow(w, GV_RULE_CMD_ENGINE_ON_BOOTSTRAP);
            return true;
        }
        if (h.op == GV_OP_SET_COPY_KEY) {
            w->what = "SET_COPY_KEY on a normal channel";
            allow(w, GV_RULE_COPY_KEY_SIZE);
            allow(w, GV_RULE_COPY_KEY_NOT_SECURE);
            return true;
        }
    }
    return false;
}

/* Does a command with opcode @op change channels or mappings if it
 * runs? */
static bool changes_state(uint32_t op)
{
    return op == GV_OP_CH_CREATE || op == GV_OP_CH_PDE ||
           op == GV_OP_CH_PTE || op == GV_OP_CH_DESTROY;
}

static bool satisfies(const struct want *w, unsigned r)
{
    if (early_rule(r) || (w->hi && r >= w->lo && r <= w->hi)) {
        return true;
    }
    for (unsigned k = 0; k < w->n; k++) {
        if (w->rules[k] == r) {
            return true;
        }
    }
    return false;
}

static uint64_t hits0[GV_RULE__COUNT];

/* The commands of a group as the core frames them (up to the first badly
 * framed one) and what the design says of each. */
#define GROUP_CMDS 64
static struct judged {
    struct want w;
    bool forbidden, stable;
    uint32_t off, size;
} jd[GROUP_CMDS];

static unsigned judge_cmds(unsigned via, const uint8_t *cmds, uint32_t len,
                           bool forged)
{
    bool stable = true;
    unsigned n = 0;

    for (uint32_t off = 0; n < GROUP_CMDS && len - off >= 8;) {
        struct gv_cmd_hdr h;
        struct judged *j = &jd[n];

        memcpy(&h, cmds + off, sizeof(h));
        if (h.size < sizeof(h) || h.size % 8 || h.size > len - off) {
            break;
        }
        j->off = off;
        j->size = h.size;
        j->stable = stable;
        j->forbidden = want_cmd(via, cmds + off, h.size, forged, stable,
                                &j->w);
        stable = stable && !changes_state(h.op);
        off += h.size;
        n++;
    }
    return n;
}

/* Did a rule that @w allows fire since hits0?  The ones that fired in
 * @fired otherwise. */
static bool fired_ok(const struct want *w, char *fired, size_t room)
{
    struct gv_dev *d = dev();

    fired[0] = 0;
    for (unsigned r = 1; r < GV_RULE__COUNT; r++) {
        if (d->rule_hits[r] == hits0[r]) {
            continue;
        }
        if (satisfies(w, r)) {
            return true;
        }
        if (strlen(fired) < room - 40) {
            snprintf(fired + strlen(fired), room - strlen(fired), " %s",
                     gv_rule_name(r));
        }
    }
    return false;
}

static void expect_fail(const struct want *w, unsigned k, unsigned n,
                        const char *fired)
{
    finding("expectation: %s, command %u of %u of a group sent on channel "
            "%u, was not refused by a rule that forbids it (%s%s%s; "
            "fired:%s)", w->what, k, n, w->via,
            w->n ? gv_rule_name(w->rules[w->n - 1]) : gv_rule_name(w->lo),
            w->n ? "" : " to ", w->n ? "" : gv_rule_name(w->hi),
            fired[0] ? fired : " none");
}

/* Which command of the group just run on @ch failed (ERROR_POS's command
 * index), @n if none did, or -1 if that is not known. */
static int first_refused(const struct gv_chan *ch, unsigned via,
                         uint32_t put0, uint32_t err0, unsigned n)
{
    struct gv_dev *d = dev();

    if (d->error_count == err0) {
        return (int)n;
    }
    if (d->error_count != err0 + 1 || d->error_chid != via ||
        d->error_pos >> 16 != put0 || ch->type == GV_CHAN_TYPE_FREE) {
        return -1;
    }
    return (int)(d->error_pos & 0xffff);
}

/* A group about to run on @via at ring entry put0, judged in the state it
 * runs in (pend_open()), then against what the device did (pend_close()). */
struct pend {
    unsigned via, n;
    uint32_t put0, err0;
    uint64_t acc0;
    bool group, forged;
    struct want gw;
    const uint8_t *c;
};

/* Is @ch's ring idle (it runs exactly the groups queued now, at once)? */
static bool ring_idle(struct gv_dev *d, const struct gv_chan *ch)
{
    return ch->ring_entries >= 2 && ch->get == ch->put && !ch->stopped &&
           !ch->launch_wait && !ch->stash &&
           !(ch->type == GV_CHAN_TYPE_BOOTSTRAP && gv_engine_busy(d));
}

/* @c: the group's commands, or NULL (a group the harness does not
 * judge: only what happened to it is noted). */
static void pend_open(struct pend *p, unsigned via, uint32_t idx,
                      const uint8_t *c, uint32_t len, bool forged)
{
    struct gv_dev *d = dev();
    bool cmds_too = false;

    memset(p, 0, sizeof(*p));
    p->via = via;
    p->put0 = idx;
    p->c = c;
    p->forged = forged;
    if (c) {
        p->group = want_group(via, &p->gw, &cmds_too);
        p->n = cmds_too ? judge_cmds(via, c, len, forged) : 0;
    }
    p->acc0 = d->chan[via].groups_accepted;
    p->err0 = d->error_count;
    memcpy(hits0, d->rule_hits, sizeof(hits0));
}

/*
 * The commands of a group run in order and the first refused one stops
 * it, the ones before it done (docs/commands.md): every command before
 * the refused one ran, so none of them may be one the design forbids;
 * the refused one, if forbidden, must have been refused by a rule that
 * forbids it; the ones after it never ran.  The refused command is
 * judged in the state it ran in: the state now (a refusal changes
 * nothing) when commands before it changed channels or mappings.
 * Returns whether the group is known to have failed.
 */
static bool pend_close(struct pend *p)
{
    struct gv_dev *d = dev();
    const struct gv_chan *ch = &d->chan[p->via];
    unsigned n = p->n;
    bool failed;
    int f;
    char fired[160];

    if (!ch->ring_entries || ch->get != (p->put0 + 1) % ch->ring_entries) {
        return false;
    }
    failed = d->error_count == p->err0 + 1 && d->error_chid == p->via &&
             d->error_pos >> 16 == p->put0;
    if (p->group) {
        if (!fired_ok(&p->gw, fired, sizeof(fired))) {
            expect_fail(&p->gw, 0, 1, fired);
        }
        return failed;
    }
    if (n == 0 || ch->groups_accepted != p->acc0 + 1 ||
        (f = first_refused(ch, p->via, p->put0, p->err0, n)) < 0) {
        return failed;
    }
    for (int k = 0; k < f && k < (int)n; k++) {
        if (jd[k].forbidden) {
            fired_ok(&jd[k].w, fired, sizeof(fired));
            expect_fail(&jd[k].w, (unsigned)k, n, fired);
        }
    }
    if (f >= (int)n) {
        return failed;
    }
    if (!jd[f].stable) {
        jd[f].forbidden = want_cmd(p->via, p->c + jd[f].off, jd[f].size,
                                   p->forged, true, &jd[f].w);
    }
    if (jd[f].forbidden && !fired_ok(&jd[f].w, fired, sizeof(fired))) {
        expect_fail(&jd[f].w, (unsigned)f, n, fired);
    }
    return failed;
}

/*
 * Ring batches (fza_batch_begin(), fza_batch_flush()): several entries
 * behind one doorbell.  The core runs a channel's entries in order, one
 * group at a time; a work channel (normal, secure) that fails a group
 * stops there (GET past the failed entry, STATUS "stopped", the entries
 * behind it wait for CLEAR_ERR), a bootstrap channel runs on.  Each
 * group is judged as a single one is, in the state it runs in: the bench
 * calls batch_read() on every DMA read (and on a group fetched from
 * VRAM), and the read of a queued group
 * (its own slot and length) comes after the entries before it finished
 * and before anything of it ran.  After the doorbells, per channel that
 * was idle: the entries that ran, GET and the stop are what the core's
 * rule says.
 */
static struct bq {
    bool judged, forged, fetched, failed;
    uint32_t off, len;          /* its commands in bq_cmds */
} bq[FZB_BATCH_MAX];
static uint8_t bq_cmds[FZB_BATCH_MAX * FZB_BATCH_SLOT];
static uint32_t bq_used;
static struct pend bq_pend;
static int bq_open = -1;
static struct bch {
    bool judged;
    uint32_t type, entries;
    uint64_t incarnation;
} bch[GV_MAX_CHANNELS];

void fza_batch_begin(void)
{
    memset(bq, 0, sizeof(bq));
    bq_used = 0;
    bq_open = -1;
    fzb_batch_begin();
}

static void bq_close(void)
{
    if (bq_open >= 0) {
        bq[bq_open].failed = pend_close(&bq_pend);
        bq_open = -1;
    }
}

static void batch_read(uint64_t addr, void *buf, uint64_t len)
{
    struct gv_dev *d = dev();
    const struct fzb_queued *q;
    unsigned k;

    (void)buf;
    for (k = 0; (q = fzb_batch_entry(k)) != NULL; k++) {
        if (!bq[k].fetched && q->gaddr == addr && q->glen == len &&
            q->vram == fzb_fetch_vram) {
            break;
        }
    }
    if (!q) {
        return;
    }
    bq_close();
    bq[k].fetched = true;
    for (unsigned e = 0; e < k; e++) {
        const struct fzb_queued *p = fzb_batch_entry(e);

        if (p->chid == q->chid && bch[q->chid].judged &&
            bch[q->chid].type != GV_CHAN_TYPE_BOOTSTRAP &&
            d->chan[q->chid].type == bch[q->chid].type &&
            (!bq[e].fetched || bq[e].failed)) {
            finding("ring batch: channel %u ran ring entry %u after entry "
                    "%u failed: a work channel stops at a failed group "
                    "until CLEAR_ERR (docs/registers.md)", q->chid, q->idx,
                    p->idx);
        }
    }
    pend_open(&bq_pend, q->chid, q->idx,
              bq[k].judged ? bq_cmds + bq[k].off : NULL, bq[k].len,
              bq[k].forged);
    bq_open = (int)k;
}

/* What the core's rule says of channel @c's entries of the batch, now
 * that its doorbell has run them (an entry run after a failed one was
 * seen by batch_read()): a bootstrap channel ran them all; a work
 * channel either ran them all, none failing, or stopped at the one that
 * failed (GET just past it). */
static void batch_check(unsigned c)
{
    const struct gv_chan *ch = &dev()->chan[c];
    const struct fzb_queued *q;
    int bad = -1, last = -1;

    for (unsigned k = 0; (q = fzb_batch_entry(k)) != NULL; k++) {
        if (q->chid != c) {
            continue;
        }
        if (bad < 0 && (!bq[k].fetched || bq[k].failed)) {
            bad = (int)k;
        }
        if (q->idx == (ch->get + ch->ring_entries - 1) % ch->ring_entries) {
            last = (int)k;
        }
    }
    if (ch->type == GV_CHAN_TYPE_BOOTSTRAP || !ch->stopped) {
        if (ch->get != fzb_batch_put(c) || ch->stopped) {
            finding("ring batch: channel %u (type %u) %s at GET %u before "
                    "PUT %u", c, ch->type,
                    ch->stopped ? "stopped" : "stood still", ch->get,
                    fzb_batch_put(c));
        }
        if (ch->type != GV_CHAN_TYPE_BOOTSTRAP && bad >= 0) {
            finding("ring batch: channel %u failed ring entry %u and is "
                    "not stopped: a work channel stops at a failed group "
                    "until CLEAR_ERR (docs/registers.md)", c,
                    fzb_batch_entry((unsigned)bad)->idx);
        }
        return;
    }
    if (last < 0) {
        finding("ring batch: channel %u stopped at GET %u, past no entry "
                "of the batch", c, ch->get);
    }
}

/* Ring the batch's doorbells, judging every group as it runs, then
 * each idle channel's ring. */
void fza_batch_flush(void)
{
    struct gv_dev *d = dev();
    const struct fzb_queued *q;
    unsigned count[GV_MAX_CHANNELS] = { 0 };

    if (!fzb_batching()) {
        return;
    }
    for (unsigned k = 0; (q = fzb_batch_entry(k)) != NULL; k++) {
        count[q->chid]++;
    }
    for (unsigned c = 0; c < GV_MAX_CHANNELS; c++) {
        const struct gv_chan *ch = &d->chan[c];

        bch[c].judged = count[c] && d->locked && ring_idle(d, ch) &&
                        count[c] < ch->ring_entries &&
                        ch->type != GV_CHAN_TYPE_FREE;
        bch[c].type = ch->type;
        bch[c].entries = ch->ring_entries;
        bch[c].incarnation = ch->type == GV_CHAN_TYPE_SECURE && d->chsec ?
                             d->chsec[c].incarnation : 0;
    }
    fzb_dma_read_filter = batch_read;
    fzb_batch_ring();
    fzb_dma_read_filter = NULL;
    bq_close();
    for (unsigned c = 0; c < GV_MAX_CHANNELS; c++) {
        const struct gv_chan *ch = &d->chan[c];

        if (bch[c].judged && ch->type == bch[c].type &&
            ch->ring_entries == bch[c].entries && !ch->launch_wait &&
            !ch->stash && (ch->type != GV_CHAN_TYPE_SECURE ||
                           d->chsec[c].incarnation == bch[c].incarnation)) {
            batch_check(c);
        }
    }
}

void fza_submit(unsigned via, const void *cmds, uint32_t len, bool forged)
{
    struct gv_dev *d = dev();
    const struct gv_chan *ch = via < GV_MAX_CHANNELS ? &d->chan[via] : NULL;
    struct pend p;
    unsigned k = fzb_batch_count();
    bool idle;

    if (fzb_batching()) {
        fzb_submit(via, cmds, len);
        if (fzb_batch_count() == k + 1 &&
            len <= sizeof(bq_cmds) - bq_used) {
            bq[k].judged = true;
            bq[k].forged = forged;
            bq[k].off = bq_used;
            bq[k].len = len;
            memcpy(bq_cmds + bq_used, cmds, len);
            bq_used += len;
        }
        return;
    }
    /* Only when the ring is idle and runs exactly this group now. */
    idle = ch && ring_idle(d, ch);
    if (idle) {
        pend_open(&p, via, ch->put, cmds, len, forged);
    }
    fzb_submit(via, cmds, len);
    if (idle) {
        pend_close(&p);
    }
}
