/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the compute engine.  The LAUNCH command
 * (its module comes validated and decoded from gv_module.c) and the
 * state of an SM's slot (gv_sm_prepare).
 *
 * Launches of different channels run at the same time, sharing the SMs
 * (gv_sched.c: the worker threads and their scheduling).  The command
 * processor holds the bootstrap rings while any launch runs, so no page
 * table changes under a running kernel, and each launching channel's
 * ring until its launch ends (gv_channel.c).  Completion: the last SM
 * out of a launch calls the host's engine_done() (any thread); the host
 * then calls gv_dev_engine_poll() on its main thread, which writes the
 * fence, raises the interrupts and resumes the rings.  A host without
 * engine_done (tests, benchmarks) gets launches that complete before the
 * PUT write that submitted them returns.
 */
#include "gv_simt.h"
#include "gv_devtime.h"

#include <stdlib.h>

/* What one block may need, so that a guest cannot make the host allocate
 * (and zero) unbounded memory: 16 MiB of registers and 16 MiB of local
 * memory (gv_sched.c bounds what an SM holds for all its blocks). */
#define GV_REGFILE_MAX (16u << 20)      /* bytes of registers per block */
#define GV_LOCALMEM_MAX (16u << 20)     /* bytes of local memory per block */

/* ---- a slot of an SM ---- */

size_t gv_sm_need(const struct gv_launch *L)
{
    const struct gv_kfunc *f = L->f;

    return (size_t)f->nslots * GV_WARP * L->nwarps * 8 +
           (size_t)f->local_size * GV_WARP * L->nwarps + L->shared_total +
           L->nwarps * sizeof(struct gv_warp);
}

int gv_sm_prepare(struct gv_sm *sm, const struct gv_launch *L)
{
    const struct gv_kfunc *f = L->f;
    size_t regs = (size_t)f->nslots * GV_WARP * L->nwarps * 8;
    size_t local = (size_t)f->local_size * GV_WARP * L->nwarps;

    if (sm->nwarps_alloc < L->nwarps) {
        free(sm->warps);
        sm->warps = calloc(L->nwarps, sizeof(*sm->warps));
        sm->nwarps_alloc = sm->warps ? L->nwarps : 0;
    }
    if (sm->regs_size < regs) {
        free(sm->regs);
        sm->regs = malloc(regs);
        sm->regs_size = sm->regs ? regs : 0;
    }
    if (sm->local_size < local) {
        free(sm->local);
        sm->local = malloc(local);
        sm->local_size = sm->local ? local : 0;
    }
    if (sm->shared_size < L->shared_total) {
        free(sm->shared);
        sm->shared = malloc(L->shared_total);
        sm->shared_size = sm->shared ? L->shared_total : 0;
    }
    if (!sm->warps || (regs && !sm->regs) || (local && !sm->local) ||
        (L->shared_total && !sm->shared)) {
        return GV_ERR_NO_RESOURCES;
    }
    /* Nothing of an earlier launch (perhaps another context's) is
     * visible: registers, local and shared memory start at zero. */
    memset(sm->regs, 0, regs);
    if (local) {
        memset(sm->local, 0, local);
    }
    if (L->shared_total) {
        memset(sm->shared, 0, L->shared_total);
    }
    for (uint32_t w = 0; w < L->nwarps; w++) {
        uint64_t *R = sm->regs + (size_t)w * f->nslots * GV_WARP;

        for (uint32_t k = f->nregs; k < f->nslots; k++) {
            for (unsigned l = 0; l < GV_WARP; l++) {
                R[(size_t)k * GV_WARP + l] = f->consts[k - f->nregs];
            }
        }
    }
    memset(sm->tlb, 0, sizeof(sm->tlb));
    sm->check = 4096;
    sm->lane_insns = 0;
    sm->jit_insns = 0;
    return GV_ERR_NONE;
}


/* ---- LAUNCH ---- */

int gv_exec_launch(struct gv_dev *dev, unsigned chid, const uint8_t *cmd,
                   uint32_t size)
{
    struct gv_cmd_launch c;
    struct gv_kmodule *km;
    const struct gv_kfunc *f;
    struct gv_launch *L;
    uint64_t nthreads, nblocks;
    int err = GV_ERR_NONE;

    if (size < sizeof(c)) {
        return gv_refuse(dev, GV_RULE_LAUNCH_SIZE, chid, size, sizeof(c));
    }
    memcpy(&c, cmd, sizeof(c));
    if (c.pad || (c.flags & ~GV_LAUNCH_FLAGS) ||
        c.param_size > GV_ISA_MAX_PARAM ||
        size != sizeof(c) + ((c.param_size + 7u) & ~7u)) {
        return gv_refuse(dev, GV_RULE_LAUNCH_FORMAT, chid, c.flags,
                         c.param_size);
    }
    if (c.fence_va % 8) {
        return gv_refuse(dev, GV_RULE_LAUNCH_FENCE_UNALIGNED, chid,
                         c.fence_va, 0);
    }
    if (!dev->eng) {
        return gv_refuse(dev, GV_RULE_LAUNCH_NO_ENGINE, chid, 0, 0);
    }
    nthreads = (uint64_t)c.block[0] * c.block[1] * c.block[2];
    nblocks = (uint64_t)c.grid[0] * c.grid[1] * c.grid[2];
    if (c.module_va % 256 || c.module_size < sizeof(struct gv_isa_module) ||
        c.module_size > GV_ISA_MODULE_MAX || nthreads == 0 ||
        nthreads > GV_ISA_MAX_BLOCK || c.block[2] > 64 || nblocks == 0 ||
        c.grid[0] > INT32_MAX || c.grid[1] > 65535 || c.grid[2] > 65535) {
        gv_guest_error(dev, "graviton-gpu: LAUNCH: bad module address, "
                       "size or launch shape");
        return gv_refuse(dev, GV_RULE_LAUNCH_SHAPE, chid, c.module_va,
                         c.module_size);
    }
    km = gv_module_get(dev, chid, c.module_va, c.module_size, &err);
    if (!km) {
        return err;
    }
    if (c.func >= km->nfuncs) {
        gv_guest_error(dev, "graviton-gpu: LAUNCH: no function %u", c.func);
        return gv_refuse(dev, GV_RULE_LAUNCH_NO_FUNCTION, chid, c.func,
                         km->nfuncs);
    }
    f = &km->funcs[c.func];
    if (c.param_size != f->param_size ||
        (uint64_t)f->shared_size + c.shared_dyn > GV_ISA_MAX_SHARED ||
        (f->reqntid[0] && (f->reqntid[0] != c.block[0] ||
                           f->reqntid[1] != c.block[1] ||
                           f->reqntid[2] != c.block[2])) ||
        (uint64_t)f->nslots * 8 * GV_WARP * ((nthreads + 31) / 32) >
            GV_REGFILE_MAX ||
        (uint64_t)f->local_size * GV_WARP * ((nthreads + 31) / 32) >
            GV_LOCALMEM_MAX) {
        gv_guest_error(dev, "graviton-gpu: LAUNCH: parameters (%u bytes, "
                       "function wants %u), shared memory, block shape, "
                       "registers or local memory do not fit",
                       c.param_size, f->param_size);
        return gv_refuse(dev, GV_RULE_LAUNCH_FUNC_MISMATCH, chid,
                         c.param_size, f->param_size);
    }
    L = calloc(1, sizeof(*L));
    if (!L) {
        return gv_refuse(dev, GV_RULE_LAUNCH_NO_MEMORY, chid, sizeof(*L), 0);
    }
    L->dev = dev;
    L->chid = chid;
    L->km = km;
    km->users++;
    L->f = f;
    L->module_va = c.module_va;
    L->data_va = c.module_va + km->data_off;
    memcpy(L->grid, c.grid, sizeof(L->grid));
    memcpy(L->block, c.block, sizeof(L->block));
    L->nthreads = (uint32_t)nthreads;
    L->nwarps = (uint32_t)((nthreads + GV_WARP - 1) / GV_WARP);
    L->shared_total = f->shared_size + c.shared_dyn;
    L->nblocks = nblocks;
    memcpy(L->params, cmd + sizeof(c), c.param_size);
    L->param_size = c.param_size;
    L->fence_va = c.fence_va;
    L->fence_value = c.fence_value;
    L->flags = c.flags;
    if (dev->cfg.launch_timeout_ms) {
        L->deadline_ns = gv_now_ns() +
                         (uint64_t)dev->cfg.launch_timeout_ms * 1000000ull;
    }
    atomic_init(&L->next_block, 0);
    atomic_init(&L->status, GV_ERR_NONE);
    atomic_init(&L->lane_insns, 0);
    atomic_init(&L->jit_insns, 0);
    L->pos = dev->cur_pos;
    gv_sched_submit(dev, L);
    dev->launch_started = true;
    return GV_ERR_NONE;
}

/* Count and trace the rule of a launch that stopped with @status: found
 * on a compute thread, attributed here, on the device's thread. */
static void launch_refused(struct gv_dev *dev, const struct gv_launch *L,
                           int status)
{
    unsigned rule;

    switch (status) {
    case GV_ERR_FAULT:
        rule = L->fault_rule;
        break;
    case GV_ERR_TIMEOUT:
        rule = GV_RULE_COMPUTE_WATCHDOG;
        break;
    default:                    /* gv_sm_prepare(): GV_ERR_NO_RESOURCES */
        rule = GV_RULE_COMPUTE_SM_NO_MEMORY;
        break;
    }
    gv_refuse(dev, rule, L->chid, L->fault_va, L->module_va);
}

void gv_launch_complete(struct gv_dev *dev, struct gv_launch *L)
{
    struct gv_chan *ch = &dev->chan[L->chid];
    int status = atomic_load(&L->status);

    dev->compute_lane_insns += atomic_load(&L->lane_insns);
    dev->compute_jit_insns += atomic_load(&L->jit_insns);
    gv_devtime_launch(dev, atomic_load(&L->lane_insns));
    if (status != GV_ERR_NONE) {
        launch_refused(dev, L, status);
    } else if (L->fence_va) {
        status = gv_vm_write(dev, L->chid, L->fence_va, &L->fence_value, 8);
    }
    if (status != GV_ERR_NONE) {
        if (status == GV_ERR_FAULT) {
            gv_guest_error(dev, "graviton-gpu: channel %u: kernel faulted "
                           "(address 0x%" PRIx64 ")", L->chid, L->fault_va);
        }
        gv_group_failed(dev, L->chid, status, L->pos);
    } else if (L->flags & GV_LAUNCH_IRQ) {
        gv_irq_raise(dev, GV_INTR_LAUNCH);
    }
    /* The ring entry that held the LAUNCH is complete. */
    if (ch->ring_entries) {
        ch->get = (ch->get + 1) % ch->ring_entries;
    }
    if (ch->launch_entry_irq) {
        gv_irq_raise(dev, GV_INTR_CHANNEL);
    }
    ch->launch_wait = false;
}

void gv_launch_free(struct gv_dev *dev, struct gv_launch *L)
{
    (void)dev;
    gv_module_put(L->km);
    free(L);
}

uint64_t gv_dev_compute_lane_insns(const struct gv_dev *dev)
{
    return dev->compute_lane_insns;
}

uint64_t gv_dev_compute_jit_insns(const struct gv_dev *dev)
{
    return dev->compute_jit_insns;
}
