#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Remove each security check once and see a test fail.

"A check nobody would miss is not tested": for every check listed below,
this script takes a clean copy of the committed tree (a git worktree, so
the working tree is never touched), removes or weakens that one check,
rebuilds the host tests with ASan and UBSan and runs the unit suite (and,
with --qtest, the qtests through QEMU).  A mutation is *killed* when at
least one test fails; one that *survives* is a check no test notices, and
the script exits 1.  docs/security.md has the table of a full run.

  tests/mutation/mutate.py [--list] [--only ID[,ID...]] [--qtest]
                           [--tests NAME[,NAME...]] [--workdir DIR] [--keep]

--tests runs only the named tests instead of the suites (meson then
builds only what they need): the cheap check that one test kills one
mutation, e.g. `--only cmd-counter --tests gvfs-victim`.

Each mutation names the file, the exact text of the check (it must occur
exactly once, or the mutation is reported STALE: update it when the code
moves) and what replaces it.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))

MGMT = 'hw/core/gv_mgmt.c'
CHAN = 'hw/core/gv_channel.c'

# (id, file, check as written, replacement, what the check stops)
MUTATIONS = [
    ('owner', MGMT,
     'if (pmm_owner(e) != dev->chan[chid].ctx) {', 'if (0) {',
     'a page or table of another context mapped (attack 1)'),
    ('unmap-mac', MGMT,
     '                need_auth = true;', '                need_auth = false;',
     'a LOCKED page unmapped without the runtime\'s MAC (attack 2)'),
    ('auth-counter', MGMT,
     '    sec->auth_counter++;\n', '\n',
     'an unmap/destroy MAC replayed (attack 2)'),
    # The authorisation counter advanced only for the first command of a
    # group: a MAC later in a group can be accepted again.
    ('auth-counter-2nd', MGMT,
     '    sec->auth_counter++;\n',
     '    if (!(dev->cur_pos & 0xffff)) {\n        sec->auth_counter++;\n'
     '    }\n',
     'an unmap/destroy MAC replayed as a later command of a group'),
    ('destroy-mac', MGMT,
     '        if (!chan_check_mac(dev, c.chid, &a, sizeof(a), c.mac)) {\n'
     '            return gv_refuse(dev, GV_RULE_CH_DESTROY_BAD_MAC, c.chid,\n'
     '                             dev->chsec[c.chid].auth_counter, 0);\n'
     '        }',
     '        (void)a;',
     'an "authorised" CH_DESTROY with a forged MAC'),
    ('cmd-counter', CHAN,
     '        sec->cmd_counter++;\n', '\n',
     'a command group replayed (attack 7)'),
    ('group-auth', CHAN,
     '        if (!(h.flags & GV_GROUP_ENCRYPTED)) {\n'
     '            return gv_refuse(dev, GV_RULE_GROUP_PLAINTEXT_SECURE, chid,\n'
     '                             h.flags, sec->cmd_counter);\n        }',
     '',
     'a plaintext group on a secure channel (attack 7)'),
    ('report-counter', MGMT,
     '    sec->report_counter++;\n', '\n',
     'a summary replayed or a mapping change hidden (attacks 8, 21)'),
    ('summary-result', MGMT,
     '    if (secure && !c.result_addr) {\n'
     '        return gv_refuse(dev, GV_RULE_CH_PTE_NO_RESULT, c.chid, '
     'c.pgd_index,\n                         c.pgt_index);\n    }',
     '',
     'a secure CH_PTE without a summary (attack 21)'),
    ('incarnation', 'include/graviton/gv_keys.h',
     '(uint8_t)(incarnation >> (8 * i));', '0;',
     'keys not bound to the channel incarnation (attack 15)'),
    ('measure-key', MGMT,
     '        memcpy(dev->chsec[c.chid].meas_key, kmeas, sizeof(kmeas));\n',
     '',
     'CH_MEASURE under a known (zero) key: a byte oracle (attack 14)'),
    ('measure-secure-only', MGMT,
     '    if (!chan_secure(dev, c.chid)) {\n'
     '        return gv_refuse(dev, GV_RULE_CH_MEASURE_NOT_SECURE, c.chid, '
     'c.va,\n                         c.size);\n    }\n'
     '    if (c.size == 0',
     '    if (c.size == 0',
     'CH_MEASURE on a normal channel'),
    ('scrub-unmap', MGMT,
     '        do_unmap(dev, p, pmm_locked(*gv_pmm_entry(dev, p)));',
     '        do_unmap(dev, p, false);',
     'freed secure pages not scrubbed, unmap and destroy (attack 10)'),
    ('scrub-table', MGMT,
     '    gv_scrub(dev, pa, table_bytes(big));\n', '',
     'a freed page table not scrubbed (attacks 6, 10)'),
    ('scrub-pgd-destroy', MGMT,
     '    gv_scrub(dev, ch->pgd_addr, GV_PGD_BYTES);\n', '',
     'a destroyed channel\'s PGD not scrubbed (attack 10)'),
    ('clear-pgd', MGMT,
     '    gv_scrub(dev, c.pgd_addr, GV_PGD_BYTES);\n', '',
     'stale translations in a new PGD (attack 6)'),
    ('clear-pgt', MGMT,
     '            gv_scrub(dev, c.pgt_addr, bytes);   /* no stale entries */\n',
     '',
     'stale entries in a new page table (attack 6)'),
    ('scrub-lock', 'hw/core/gv_regions.c',
     '    gv_scrub(dev, u, vram - u);\n', '',
     'state planted before the lock (attack 17)'),
    ('scrub-reset', 'hw/core/gv_regions.c',
     '        gv_scrub(dev, dev->unprot_size, dev->cfg.vram_size - '
     'dev->unprot_size);\n', '',
     'protected memory read after a reset (attack 12)'),
    ('share-secure', MGMT,
     '        if (!chan_active(dev, c.share_chid) ||\n'
     '            chan_secure(dev, c.share_chid)) {',
     '        if (!chan_active(dev, c.share_chid)) {',
     'a normal channel joining a secure context (attack 18)'),
    ('locked-table', MGMT,
     '        if (pmm_locked(e) && pmm_entrycnt(e)) {',
     '        if (pmm_locked(e) && pmm_entrycnt(e) && pmm_refcnt(e) == 1) {',
     'a driver-made stream swapping the victim\'s table (attack 18)'),
    ('tlb-pte', MGMT,
     '    gv_tlb_flush(dev);\n\n    if (secure) {', '\n    if (secure) {',
     'a stale translation after CH_PTE (attack 19)'),
    ('protected-desc', MGMT,
     '    case GV_REGION_UNPROT:\n'
     '        return gv_refuse(dev, r->unprot, chid, pa, bytes);',
     '    case GV_REGION_UNPROT:\n        return GV_ERR_NONE;',
     'a channel\'s PGD or page table in unprotected memory (attack 3)'),
    ('hidden-pte', MGMT,
     '    default:                            /* outside memory, or hidden */\n'
     '        return gv_refuse(dev, GV_RULE_CH_PTE_OUTSIDE, chid, pa, bytes);',
     '    default:\n        *prot = false;\n        return GV_ERR_NONE;',
     'a PTE pointing into hidden memory (attack 4)'),
    ('double-map', MGMT,
     '        if (double_mapped(dev, c.chid, c.pgd_index, c.pgt_index + i, '
     'big)) {',
     '        if (0) {',
     'one virtual page mapped by both page sizes'),
    ('mgmt-on-bootstrap', CHAN,
     '        if (type != GV_CHAN_TYPE_BOOTSTRAP) {\n'
     '            return gv_refuse(dev, GV_RULE_CMD_MGMT_NOT_BOOTSTRAP,',
     '        if (0) {\n'
     '            return gv_refuse(dev, GV_RULE_CMD_MGMT_NOT_BOOTSTRAP,',
     'CH_* commands from a normal or secure channel'),
    ('engine-on-bootstrap', CHAN,
     '    if (type == GV_CHAN_TYPE_BOOTSTRAP) {\n'
     '        return gv_refuse(dev, GV_RULE_CMD_ENGINE_ON_BOOTSTRAP,',
     '    if (0) {\n'
     '        return gv_refuse(dev, GV_RULE_CMD_ENGINE_ON_BOOTSTRAP,',
     'engine commands from a bootstrap channel (attack 5)'),
    ('bootstrap-target', MGMT,
     '    return gv_refuse(dev, boot ? boot_rule : rule, chid, chid, 0);',
     '    (void)boot;\n    return gv_refuse(dev, rule, chid, chid, 0);',
     'the error naming a CH_* aimed at a bootstrap channel (attack 5)'),
    ('bootstrap-desc', CHAN,
     '        gv_region_of(dev, addr, GV_DESC_BYTES) != GV_REGION_UNPROT) {',
     '        gv_region_of(dev, addr, GV_DESC_BYTES) == GV_REGION_NONE) {',
     'a bootstrap channel on protected pages (attack 5)'),
    ('mmu-recheck', 'hw/core/gv_mmu.c',
     '        return pmm_mapped(e) && pmm_type(e) == GV_PT_DATA &&\n'
     '               pmm_owner(e) == dev->chan[chid].ctx;',
     '        return true;',
     'an engine access through a forged PTE (attack 13)'),
    ('aperture', 'hw/core/gv_core.c',
     '    if (!dev->locked || off + size <= dev->unprot_size) {',
     '    if (1) {',
     'protected memory through the BAR aperture (attack 3)'),
    ('bounds', 'hw/core/gv_bounds.h',
     '    return len <= limit && off <= limit - len;',
     '    return off + len <= limit;',
     'an engine offset that wraps around 2^64 (attack 16)'),
    ('shared-bounds', 'hw/core/gv_simt_mem.h',
     '    return gv_aligned(off, size) && gv_range_ok(off, size, total);',
     '    return gv_aligned(off, size) && off + size <= total;',
     'a shared-memory offset that wraps into the heap (attack 16)'),
    ('lut-bounds', 'hw/core/gv_simt_fuse.h',
     '        if (gv_shared_warp_ok(L->shared_total, addr,\n'
     '                              (uint64_t)(int64_t)ld->imm, size)) {',
     '        if (size) {',
     'a fused table lookup (gv_fuse.c) out of shared memory'),
    ('logic-partial', 'hw/core/gv_simt.c',
     '    if (m != FULL) {\n'
     '        logic_op(i->fsh,',
     '    if (0) {\n'
     '        logic_op(i->fsh,',
     'a fused integer run (GV_K_LOGIC) for a partial warp (lanes that are '
     'not running)'),
    ('logic-guard', 'hw/core/gv_fuse.c',
     '        if (y->guard || (!gv_logic_kind(y->k) && y->k != GV_K_XCHAIN) ||',
     '        if ((!gv_logic_kind(y->k) && y->k != GV_K_XCHAIN) ||',
     'a guarded instruction in a fused integer run (run for every lane)'),
    ('logic-field', 'hw/core/gv_fuse.c',
     '        (c & 0xff) + (l & 0xff) <= 64) {',
     '        1) {',
     'a bfe.s64 field past the word run as a constant field (shift counts '
     'out of range)'),
    ('setp-bra-warp', 'hw/core/gv_simt.c',
     '    if (m == FULL) {\n'
     '        return setp_bra_full(L, sm, w, i, R);',
     '    if (m) {\n'
     '        return setp_bra_full(L, sm, w, i, R);',
     'a fused setp + branch run for a partial warp (lanes parked at the '
     'branch)'),
    ('gang-guard', 'hw/core/gv_simt.c',
     'int r = i->guard ? G_NO : gang_step(L, sm, w0, i, st, n);',
     'int r = gang_step(L, sm, w0, i, st, n);',
     "a guarded instruction run as a gang's lane loop for every lane "
     '(docs/compute.md, Gangs)'),
    ('gang-lockstep', 'hw/core/gv_simt.c',
     '    return w->pc == pc && w->active == FULL && w->alive == FULL &&',
     '    return w->active == FULL && w->alive == FULL &&',
     'warps at different instructions taken into one gang'),
    ('jit-overlap', 'hw/core/gv_jit.c',
     '            if (!pair_apart(r, n, P, k1, k2)) {',
     '            if (false) {',
     "a compiled region run although a store overlaps another access's "
     'run (docs/compute.md, Compiled regions)'),
    ('jit-gang-overlap', 'hw/core/gv_jit.c',
     '                if (lo[k1] != lo[k2] || hi[k1] != hi[k2]) {',
     '                if (false) {',
     "a compiled region run although a store's gang run overlaps another "
     "access's, not the same"),
    ('jit-runs', 'hw/core/gv_jit.c',
     '        (!r->addr(w0->R, st, n, U, T, L->data_va, base) ||',
     '        (!(r->addr(w0->R, st, n, U, T, L->data_va, base) || 1) ||',
     "a compiled region run although a warp's addresses are not one run"),
    ('jit-gang-order', 'hw/core/gv_jit.c',
     '        off |= base[g * r->nmem + k] - base[k] - g * len;',
     '        off |= 0;',
     "a gang's warps' runs taken as one run although not in order"),
    ('jit-branch', 'hw/core/gv_jit_gen.c',
     '            fprintf(o, "    bad[l] |= (v%u ^ %uu) & 1;\\n", S(x->g),',
     '            fprintf(o, "    (void)v%u; (void)%uu;\\n", S(x->g),',
     'a compiled region run although some lane takes a branch inside it'),
    ('jit-block-full', 'hw/core/gv_jit.c',
     '    if (!kf->jit || !kf->jit->whole || L->nthreads % GV_WARP ||',
     '    if (!kf->jit || !kf->jit->whole ||',
     'a block with a partial warp run whole, compiled, as full warps'),
    ('setp-bra-pred', 'hw/core/gv_fuse.c',
     '        (y->guard & GV_G_JOIN) || y->g != x->d) {',
     '        (y->guard & GV_G_JOIN)) {',
     'a setp fused with a branch on another predicate'),
    ('bar-whole', 'hw/core/gv_simt.c',
     '    w->bar_whole = !w->at_bar;',
     '    w->bar_whole = true;',
     'a barrier releasing lanes that arrived at two pcs as one group'),
    ('move-coalesce-src', 'ptx/gv_ptx_regs.c',
     '            r->hi[a] != k || r->lo[d] != k) {',
     '            r->lo[d] != k) {',
     'a move\'s source read after it given its destination\'s slot'),
    ('move-coalesce-dst', 'ptx/gv_ptx_regs.c',
     '            r->hi[a] != k || r->lo[d] != k) {',
     '            r->hi[a] != k) {',
     'a move\'s destination live before it given its source\'s slot'),
    ('local-bounds', 'hw/core/gv_simt_mem.h',
     '    return gv_aligned(off, size) && gv_range_ok(off, size, n)',
     '    return gv_aligned(off, size) && off + size <= n',
     'a local-memory offset that wraps (attack 16)'),
    ('param-bounds', 'hw/core/gv_simt_mem.h',
     '           gv_range_ok(off, size, L->param_size) ? L->params + off : '
     'NULL;',
     '           off + size <= L->param_size ? L->params + off : NULL;',
     'a parameter offset that wraps (attack 16)'),
    ('global-run-page', 'hw/core/gv_simt_mem.h',
     '        !gv_range_ok(in_page, len, GV_PAGE_SIZE)) {',
     '        !gv_range_ok(in_page, size, GV_PAGE_SIZE)) {',
     'a warp\'s coalesced global run past its page (one translation)'),
    ('join-point', 'hw/core/gv_module.c',
     '            if (gv_isa_join(x, &tgt) &&\n'
     '                (tgt < fn->insn_start ||',
     '            if (0 && gv_isa_join(x, &tgt) &&\n'
     '                (tgt < fn->insn_start ||',
     'a reconvergence point outside its function (the engine marks the '
     'instruction there)'),
    ('join-stack', 'hw/core/gv_simt_warp.c',
     '    if (n == GV_JOIN_MAX) {', '    if (0) {',
     'a warp\'s reconvergence stack written past its end'),
    ('shared-run', 'hw/core/gv_simt_mem.h',
     '               : gv_aligned(off, size) && gv_range_ok(off, 16ull * size,',
     '               : gv_aligned(off, size) && gv_range_ok(off, size,',
     'a half-warp\'s run of shared words past the end (one check)'),
    ('call-depth', 'hw/core/gv_simt_call.c',
     '        if (A[l] > L->f->local_size) {',
     '        if (0) {',
     'a call past the thread\'s local memory (the depth limit)'),
    ('call-return', 'hw/core/gv_simt_call.c',
     '        if (A[l] >= L->f->ncode) {',
     '        if (0) {',
     'a return to no instruction of the function (a stack overwritten)'),
    ('call-target', 'hw/core/gv_module.c',
     '                BAD("function %u instruction %u: %s out of the function",\n'
     '                    fi, n, x->op == GV_I_BRA ? "branch" : "call");',
     '                if (x->op == GV_I_BRA) {\n'
     '                    BAD("function %u instruction %u: branch", fi, n);\n'
     '                }',
     'a module whose CALL leaves the function'),
    ('fma-inline', 'hw/core/gv_simt.c',
     '    LANES(m, D[l] = bf(fmaf(f32(A[l]), f32(B[l]), f32(C[l]))));\n'
     '}\n\nstatic inline GV_FMA_TARGET',
     '    LANES(m, D[l] = bf(f32(A[l]) * f32(B[l]) + f32(C[l])));\n'
     '}\n\nstatic inline GV_FMA_TARGET',
     'fma.rn.f32 inline in run_warp rounded twice (not fused)'),
    ('ldfma-partial', 'hw/core/gv_simt.c',
     '    if (m != FULL) {\n        return true;\n    }\n    w->pc++;',
     '    if (0) {\n        return true;\n    }\n    w->pc++;',
     'two shared loads and an fma (GV_K_LDFMA) run for lanes that are not '
     'running (a divergent warp)'),
    ('setp-uniform', 'hw/core/gv_simt.c',
     '        diff |= (A[l] ^ A[0]) | (B[l] ^ B[0]);\n    }\n    return !diff;',
     '        diff |= (A[l] ^ A[0]) | (B[l] ^ B[0]);\n    }\n    return true;',
     'a full warp\'s setp + branch compared once (lane 0) though a middle '
     'lane\'s operands differ'),
    ('hostwin-bounds', 'hw/core/gv_copy.c',
     '    if (!ch->hostwin_size || !gv_range_ok(off, len, ch->hostwin_size) ||',
     '    if (!ch->hostwin_size || off + len > ch->hostwin_size ||',
     'a copy beyond the host window by a wrapping offset (attack 16)'),
    ('reentry', 'hw/core/gv_core.c',
     '    if (dev->busy) {\n        dev->bad_access_count++;',
     '    if (0) {\n        dev->bad_access_count++;',
     'DMA or an MSI re-entering the device (attack 20)'),
    ('ring-held', CHAN,
     '    if (holds_work(ch)) {',
     '    if (0) {',
     'a ring or host window repointed under a held launch'),
    ('watchdog', 'hw/core/gv_simt.c',
     '    if (L->deadline_ns && gv_now_ns() > L->deadline_ns) {',
     '    if (0) {',
     'a launch that never ends holds its channel and the engine (no '
     'watchdog)'),
    ('ring-stop', CHAN,
     '        ch->stopped = true;\n', '\n',
     'a work channel running the groups queued behind a failed one'),
    # A replay window of one group, open only to the second ring entry one
    # doorbell runs (a ring batch): the group of the previous counter is
    # accepted again, and the counter moves on.
    ('batch-replay', [
        (CHAN, 'static int run_entry(struct gv_dev *dev, unsigned chid,\n',
         'static unsigned entry_no;\n'
         'static int run_entry(struct gv_dev *dev, unsigned chid,\n'),
        (CHAN, '        gv_prof_end(dev, GV_PROF_CRYPTO, t0);\n'
         '        if (!opened) {\n',
         '        gv_prof_end(dev, GV_PROF_CRYPTO, t0);\n'
         '        if (!opened && entry_no == 1 && sec->cmd_counter &&\n'
         '            fetch(dev, chid, e, buf) == GV_ERR_NONE) {\n'
         '            gv_iv(iv, GV_IV_DOMAIN_CMDG, sec->cmd_counter - 1);\n'
         '            opened = gvc_aead_open(ch->aead, iv, aad, sizeof(aad),'
         '\n                buf + sizeof(h), h.payload_len, buf + sizeof(h),'
         '\n                buf + sizeof(h) + h.payload_len) == GVC_OK;\n'
         '        }\n'
         '        if (!opened) {\n'),
        (CHAN, '    buf = dev->fetch_buf;\n',
         '    buf = dev->fetch_buf;\n    entry_no = 0;\n'),
        (CHAN, '            err = run_entry(dev, chid, &e, idx, buf);\n',
         '            err = run_entry(dev, chid, &e, idx, buf);\n'
         '            entry_no++;\n')], None, None,
     'a group replayed as the second entry of a ring batch (a replay '
     'window)'),
    # A replay window of one group per doorbell, open only to a group
    # fetched from VRAM (GV_GPFIFO_VRAM): the first such group that fails
    # its authentication is opened with the previous counter, and the
    # counter moves on.
    ('vram-replay', [
        (CHAN, 'static int run_entry(struct gv_dev *dev, unsigned chid,\n',
         'static bool vram_window;\n'
         'static int run_entry(struct gv_dev *dev, unsigned chid,\n'),
        (CHAN, '        gv_prof_end(dev, GV_PROF_CRYPTO, t0);\n'
         '        if (!opened) {\n',
         '        gv_prof_end(dev, GV_PROF_CRYPTO, t0);\n'
         '        if (!opened && (e->flags & GV_GPFIFO_VRAM) && vram_window &&'
         '\n            sec->cmd_counter &&'
         '\n            fetch(dev, chid, e, buf) == GV_ERR_NONE) {\n'
         '            vram_window = false;\n'
         '            gv_iv(iv, GV_IV_DOMAIN_CMDG, sec->cmd_counter - 1);\n'
         '            opened = gvc_aead_open(ch->aead, iv, aad, sizeof(aad),'
         '\n                buf + sizeof(h), h.payload_len, buf + sizeof(h),'
         '\n                buf + sizeof(h) + h.payload_len) == GVC_OK;\n'
         '        }\n'
         '        if (!opened) {\n'),
        (CHAN, '    buf = dev->fetch_buf;\n',
         '    buf = dev->fetch_buf;\n    vram_window = true;\n')], None, None,
     'a group in VRAM replayed (a replay window for groups fetched from '
     'VRAM)'),
    ('copy-decrypt-dst', 'hw/core/gv_copy.c',
     '        if (gv_region_of(dev, dst->pa[i], GV_PAGE_SIZE) != '
     'GV_REGION_PROT) {',
     '        if (0) {',
     'a decrypting copy into memory the driver can read or write'),
    ('copy-decrypt-alias', 'hw/core/gv_copy.c',
     '        } else if (seen[pg / 8] & (1u << (pg % 8))) {',
     '        } else if (0) {',
     'a decrypting copy into one physical page mapped twice'),
    ('copy-double-fetch', 'hw/core/gv_copy.c',
     '        rc = gvc_gcm_split_decrypt(g, dev->vram + pa, n, '
     'dev->vram + pa);',
     '        end_read(dev, chid, src, off, dev->vram + pa, n);\n'
     '        rc = gvc_gcm_split_decrypt(g, dev->vram + pa, n, '
     'dev->vram + pa);',
     'a decrypting copy that reads its source again after the tag check'),
    ('copy-scrub', 'hw/core/gv_copy.c',
     '        scrub_dst(dev, dst, c->size);', '        (void)scrub_dst;',
     'a failed decrypting copy leaving ciphertext in the destination'),
    ('gcm-split-tag', 'crypto/gvc_gcm_split.c',
     '    rc = CRYPTO_memcmp(got, tag, sizeof(got)) ? GVC_ERR_AUTH : GVC_OK;\n'
     '    OPENSSL_cleanse(got, sizeof(got));\n'
     '    OPENSSL_cleanse(s->part',
     '    rc = GVC_OK;\n'
     '    OPENSSL_cleanse(got, sizeof(got));\n'
     '    OPENSSL_cleanse(s->part',
     'a copy engine decryption under a wrong tag (512-bit GHASH path)'),
    ('copy-rekey-wipe', 'hw/core/gv_copy.c',
     '    gv_copy_forget(dev, chid);          /* the old key\'s schedules */\n',
     '',
     'a channel\'s copy key schedules kept across SET_COPY_KEY (the old '
     'key\'s ciphertexts accepted)'),
    ('copy-key-secure', 'hw/core/gv_copy.c',
     '    if (dev->chan[chid].type != GV_CHAN_TYPE_SECURE) {\n'
     '        return gv_refuse(dev, GV_RULE_COPY_KEY_NOT_SECURE, chid,',
     '    if (0) {\n'
     '        return gv_refuse(dev, GV_RULE_COPY_KEY_NOT_SECURE, chid,',
     'a copy key set by the driver on a normal channel'),
    # The trusted runtime's checks (runtime/gvrt_secure.c).
    ('rt-uk-hash', 'runtime/gvrt_secure.c',
     '               gvc_memcmp_ct(h, q->uk_hash, GV_HASH_LEN) != 0) {',
     '               0) {',
     'a quote for another UK_pub (attack 11)'),
    ('rt-nonce', 'runtime/gvrt_secure.c',
     '    } else if (gvc_memcmp_ct(nonce, q->nonce, GV_NONCE_LEN) != 0) {',
     '    } else if (0) {',
     'a replayed quote (attack 11)'),
    ('rt-quote-sig', 'runtime/gvrt_secure.c',
     '    if (gvc_verify(ak, q, offsetof(struct gv_quote, sig), q->sig) != '
     'GVC_OK) {',
     '    if (0) {',
     'a quote not signed by the certified AK (attack 11)'),
    ('rt-quote-flags', 'runtime/gvrt_secure.c',
     '    if (q->flags) {\n        return "quote flags',
     '    if (0) {\n        return "quote flags',
     'a quote of a debug or preemptible device (attack 11)'),
    ('rt-quote-fw', 'runtime/gvrt_secure.c',
     '    if (q->fw_version < min_fw) {',
     '    if (0) {',
     'a quote of too old firmware (attack 11)'),
    ('rt-n-eq-k', 'runtime/gvrt_secure.c',
     '    if (all_protected && m->n != m->k) {',
     '    if (0) {',
     'secure memory in the unprotected region (attack 9)'),
    ('rt-report-counter', 'runtime/gvrt_secure.c',
     '    if (counter != s->report_counter[chid]) {',
     '    if (0) {',
     'a replayed summary, a counter gap (attacks 8, 21)'),
    ('rt-report-mac', 'runtime/gvrt_secure.c',
     '        gvc_memcmp_ct(tag, mac, GV_TAG_LEN) != 0) {',
     '        0) {',
     'a forged summary or measurement (attack 8)'),
    ('rt-unmap-chid', 'runtime/gvrt_secure.c',
     '        if (sums[i].chid != chid) {',
     '        if (0) {',
     'an unmap summary of another stream of the context (attack 21)'),
    ('rt-measure-digest', 'runtime/gvrt_secure.c',
     '    if (gvc_memcmp_ct(d, m->digest, GV_HASH_LEN) != 0) {',
     '    if (0) {',
     'a measurement of other contents accepted'),
    # The runtime's kept K_chan contexts (runtime/gvrt_secure.c).
    ('rt-kept-rekey-wipe', 'runtime/gvrt_secure.c',
     '    kept_drop(kept_of(s), chid);    /* the old key\'s schedule */\n',
     '',
     'the old key\'s K_chan schedule kept after a new quote of the channel'),
    ('rt-kept-key-id', 'runtime/gvrt_secure.c',
     '    if (k->aead[chid] && k->key_id[chid] == s->key_id[chid]) {',
     '    if (k->aead[chid]) {',
     'a kept K_chan context of another key used (an older state put back)'),
    ('rt-kept-destroy-wipe', 'runtime/gvrt_secure.c',
     '        /* the channel\'s end: its schedule goes (made again if used) '
     '*/\n        kept_drop(kept_of(s), chid);\n',
     '',
     'a channel\'s K_chan schedule kept after its destroy MAC'),
    ('rt-kept-fini-free', 'runtime/gvrt_secure.c',
     '            kept_drop(k, c);\n', '',
     'the kept K_chan contexts neither wiped nor freed by gvrt_secure_fini '
     '(a leak)'),
    # The AES-KMAC secure memcpy (kernels/gv_kmac.h, runtime/core/
    # gvrt_authkmac.c).
    ('kmac-tag-compare', 'kernels/gv_kmac.h',
     '        r = diff == 0 ? GV_KMAC_OK : GV_KMAC_MISMATCH;',
     '        r = GV_KMAC_OK;',
     'AuthDec: a KMAC tree tag that does not match accepted'),
    ('kmac-decrypt-verified', 'kernels/gv_kmac.h',
     '            sh->result = decrypt ? gv_kmac_verified(a) : GV_KMAC_OK;',
     '            sh->result = GV_KMAC_OK;',
     'AuthDec: decrypting what gv_kmac_verify did not verify'),
    ('rt-kmac-open', 'runtime/core/gvrt_authkmac.c',
     '        if (rc == GVC_ERR_AUTH) {',
     '        rc = GVC_OK;\n        if (rc == GVC_ERR_AUTH) {',
     'AuthEnc: a tampered KMAC ciphertext taken by the runtime'),
]


# The four leaks of issue 9, reverted, through the guest attack suite
# (--guest): each must make an attack program of tests/guest/attack fail.
MEASURE_PLAIN = [
    (MGMT, '    struct gvc_hmac_ctx *h = NULL;',
     '    struct gvc_sha256_ctx *h = NULL;'),
    (MGMT, '    ok = gvc_hmac_sha256_new(&h, dev->chsec[c.chid].meas_key,\n'
           '                             sizeof(dev->chsec[c.chid].meas_key)) '
           '== GVC_OK;',
     '    ok = gvc_sha256_new(&h) == GVC_OK;'),
    (MGMT, '        ok = gvc_hmac_sha256_update(h, buf, n) == GVC_OK;',
     '        ok = gvc_sha256_update(h, buf, n) == GVC_OK;'),
    (MGMT, '    ok = gvc_hmac_sha256_final(h, m.digest) == GVC_OK &&',
     '    ok = gvc_sha256_final(h, m.digest) == GVC_OK &&'),
    (MGMT, '    gvc_hmac_sha256_free(h);', '    gvc_sha256_free(h);'),
]
GUEST_MUTATIONS = [
    ('leak1-measure-plain', MEASURE_PLAIN, None, None,
     'leak 1: CH_MEASURE a plain SHA-256 again (atk14)'),
    ('leak2-incarnation', 'include/graviton/gv_keys.h',
     '(uint8_t)(incarnation >> (8 * i));', '0;',
     'leak 2: keys not bound to the incarnation (atk15)'),
    ('leak3-shared-bounds', 'hw/core/gv_simt_mem.h',
     '    return gv_aligned(off, size) && gv_range_ok(off, size, total);',
     '    return gv_aligned(off, size) && off + size <= total;',
     'leak 3: the wrapping shared-memory check (atk16)'),
    ('leak4-scrub-unmap', MGMT,
     '        do_unmap(dev, p, pmm_locked(*gv_pmm_entry(dev, p)));',
     '        do_unmap(dev, p, false);',
     'leak 4: no scrub on an authorised unmap (atk10)'),
    ('leak4-no-clear', [
        (MGMT, '        do_unmap(dev, p, pmm_locked(*gv_pmm_entry(dev, p)));',
         '        do_unmap(dev, p, false);'),
        ('runtime/gvrt_kernel.c',
         '    r = gvrt_memset(st, va, 0, 4, pages << GV_PAGE_SHIFT);',
         '    r = 0;')], None, None,
     'leak 4: neither device scrub nor runtime clear (atk10)'),
]


def edits_of(path, find, repl):
    """A mutation is one (file, check, replacement), or a list of them in
    `path` (then `find` and `repl` are None)."""
    return path if isinstance(path, list) else [(path, find, repl)]


def run(cmd, cwd, log, timeout=900):
    with open(log, 'a') as f:
        f.write('$ ' + ' '.join(cmd) + '\n')
        f.flush()
        return subprocess.run(cmd, cwd=cwd, stdout=f, stderr=subprocess.STDOUT,
                              timeout=timeout).returncode


def failed_tests(build):
    names = []
    path = os.path.join(build, 'meson-logs', 'testlog.json')
    if os.path.exists(path):
        for line in open(path):
            t = json.loads(line)
            if t['result'] not in ('OK', 'SKIP', 'EXPECTEDFAIL'):
                names.append(t['name'])
    return names


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--list', action='store_true')
    ap.add_argument('--check', action='store_true',
                    help='only check that every check text is found once')
    ap.add_argument('--only', default='')
    ap.add_argument('--qtest', action='store_true',
                    help='also run the qtests (builds QEMU in the copy)')
    ap.add_argument('--guest', action='store_true',
                    help="revert issue 9's four fixes one at a time and run "
                         "the guest attack suite (no sanitizers: the guest "
                         "programs are static)")
    ap.add_argument('--tests', default='',
                    help='run only these tests (comma-separated names)')
    ap.add_argument('--workdir', default='/tmp/graviton-mutate')
    ap.add_argument('--keep', action='store_true')
    args = ap.parse_args()

    muts = GUEST_MUTATIONS if args.guest else MUTATIONS
    if args.only:
        ids = args.only.split(',')
        muts = [m for m in muts if m[0] in ids]
    if args.list:
        for m in muts:
            files = ' '.join(e[0] for e in edits_of(m[1], m[2], m[3]))
            print(f'{m[0]:22} {files:32} {m[4]}')
        return 0
    if args.check:
        stale = [m[0] for m in muts
                 if any(open(os.path.join(SRC, ep)).read().count(ef) != 1
                        for ep, ef, _ in edits_of(m[1], m[2], m[3]))]
        print('stale:', ', '.join(stale) if stale else 'none')
        return 1 if stale else 0

    wt = os.path.join(args.workdir, 'tree')
    log = os.path.join(args.workdir, 'mutate.log')
    os.makedirs(args.workdir, exist_ok=True)
    if os.path.exists(wt):
        subprocess.run(['git', 'worktree', 'remove', '--force', wt], cwd=SRC)
        shutil.rmtree(wt, ignore_errors=True)
    subprocess.run(['git', 'worktree', 'prune'], cwd=SRC)
    if subprocess.run(['git', 'worktree', 'add', '--detach', wt, 'HEAD'],
                      cwd=SRC).returncode:
        return 2
    build = os.path.join(wt, 'build')
    opts = ['-Db_sanitize=address,undefined', '-Db_lundef=false']
    if args.guest:
        opts = []
    elif not args.qtest:
        opts.append('-Dguest=disabled')
    if run(['meson', 'setup', build] + opts, wt, log):
        print('meson setup failed; see', log)
        return 2
    suites = ['--suite', 'unit'] + (['--suite', 'qtest'] if args.qtest else [])
    if args.guest:
        suites = ['guest-attack']
    if args.tests:
        suites = args.tests.split(',')
    env = dict(os.environ, UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1')
    base = subprocess.run(['meson', 'test', '-C', build, '-q'] + suites,
                          cwd=wt, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    if base.returncode:
        print('the unmutated tree fails its tests:', failed_tests(build))
        return 2

    results = []
    for mid, path, find, repl, what in muts:
        edits = edits_of(path, find, repl)
        saved = {}
        stale = False
        for epath, efind, erepl in edits:
            f = os.path.join(wt, epath)
            text = saved.get(f) or open(f).read()
            saved.setdefault(f, text)
            cur = open(f).read()
            if cur.count(efind) != 1:
                stale = True
                break
            open(f, 'w').write(cur.replace(efind, erepl))
        if stale:
            for f, text in saved.items():
                open(f, 'w').write(text)
            results.append((mid, 'STALE', [], what))
            print(f'{mid:22} STALE (check text not found once)', flush=True)
            continue
        testlog = os.path.join(build, 'meson-logs', 'testlog.json')
        if os.path.exists(testlog):
            os.remove(testlog)
        t0 = time.time()
        r = subprocess.run(['meson', 'test', '-C', build, '-q'] + suites,
                           cwd=wt, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        names = failed_tests(build) if r.returncode else []
        verdict = 'killed' if r.returncode else 'SURVIVED'
        if r.returncode and not names:
            names = ['(build failed)']
        results.append((mid, verdict, names, what))
        print(f'{mid:22} {verdict:8} {time.time() - t0:5.0f} s  '
              f'{", ".join(names)}', flush=True)
        for f, text in saved.items():
            open(f, 'w').write(text)

    print('\n| check removed | what it stops | result | failing tests |')
    print('|---|---|---|---|')
    for mid, verdict, names, what in results:
        print(f'| `{mid}` | {what} | {verdict} | {", ".join(names)} |')
    if not args.keep:
        subprocess.run(['git', 'worktree', 'remove', '--force', wt], cwd=SRC)
    if args.guest:
        # The QEMU build in ~/.cache/graviton links to whichever tree built
        # it last; newer mtimes make the next build from this checkout
        # recompile the device instead of keeping the copy's objects.
        for top in ('hw', 'crypto', 'include'):
            for d, _, files in os.walk(os.path.join(SRC, top)):
                for n in files:
                    os.utime(os.path.join(d, n))
    bad = [r for r in results if r[1] != 'killed']
    print(f'\n{len(results) - len(bad)} of {len(results)} mutations killed')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
