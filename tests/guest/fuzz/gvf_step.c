/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gv-fuzz: steps and step files, shared by the guest fuzzer and the host's
 * replay (gvf_step.h).
 */
#include "gvf_step.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graviton/gv_rules.h"
#include "gva.h"

/* ---- step files ---- */

static int bad(char *why, size_t why_len, const char *fmt,
               unsigned long long x, unsigned long long y)
{
    if (why && why_len) {
        snprintf(why, why_len, fmt, x, y);
    }
    return -1;
}

int gvf_stepf_parse(const uint8_t *buf, size_t len, uint64_t *seed,
                    struct gvf_input *in, char *why, size_t why_len)
{
    struct gvf_stepf_hdr h;
    uint64_t off = 0;
    const uint8_t *steps;

    memset(in, 0, sizeof(*in));
    if (len < sizeof(h)) {
        return bad(why, why_len,
                   "truncated: %llu bytes, the header alone "
                   "is %llu",
                   len, sizeof(h));
    }
    memcpy(&h, buf, sizeof(h));
    if (h.magic != GVF_STEPF_MAGIC) {
        return bad(why, why_len,
                   "bad magic 0x%llx (a step file has "
                   "0x%llx, \"GVFS\")",
                   h.magic, GVF_STEPF_MAGIC);
    }
    if (h.version != GVF_STEPF_VERSION) {
        return bad(why, why_len, "version %llu (this reader knows %llu)",
                   h.version, GVF_STEPF_VERSION);
    }
    if (h.size > GVF_STEPF_MAX || h.size != len - sizeof(h)) {
        return bad(why, why_len,
                   "the header says %llu bytes of steps, the "
                   "file has %llu",
                   h.size, len - sizeof(h));
    }
    steps = buf + sizeof(h);
    for (uint32_t i = 0; i < h.nsteps; i++) {
        struct gvf_step s;
        uint64_t n;

        /* off <= h.size here: the header of step i, then its data */
        if (h.size - off < sizeof(s)) {
            return bad(why, why_len,
                       "step %llu: its header at %llu runs "
                       "past the end",
                       i, off);
        }
        memcpy(&s, steps + off, sizeof(s));
        if (s.len > GVF_DATA_MAX) {
            return bad(why, why_len,
                       "step %llu: %llu bytes of data (at "
                       "most 2048)",
                       i, s.len);
        }
        n = (sizeof(s) + s.len + 7) & ~7ull;
        if (h.size - off - sizeof(s) < s.len) {
            return bad(why, why_len,
                       "step %llu: its data (%llu bytes) runs "
                       "past the end",
                       i, s.len);
        }
        if (h.size - off < n) {
            return bad(why, why_len,
                       "step %llu: its padding runs past the "
                       "end (%llu)",
                       i, off + n);
        }
        off += n;
    }
    if (off != h.size) {
        return bad(why, why_len, "%llu bytes after the last of %llu steps",
                   h.size - off, h.nsteps);
    }
    in->buf = malloc(h.size ? h.size : 1);
    if (!in->buf) {
        return bad(why, why_len, "out of memory (%llu bytes)", h.size, 0);
    }
    memcpy(in->buf, steps, h.size);
    in->size = h.size;
    in->nsteps = h.nsteps;
    *seed = h.seed;
    return 0;
}

int gvf_stepf_load(const char *path, uint64_t *seed, struct gvf_input *in,
                   char *why, size_t why_len)
{
    size_t cap = sizeof(struct gvf_stepf_hdr) + GVF_STEPF_MAX + 1, len = 0;
    uint8_t *b;
    FILE *f = fopen(path, "rb");
    int r;

    memset(in, 0, sizeof(*in));
    if (!f) {
        if (why && why_len) {
            snprintf(why, why_len, "%s", strerror(errno));
        }
        return -1;
    }
    b = malloc(cap);
    if (b) {
        len = fread(b, 1, cap, f); /* one byte more than allowed */
    }
    fclose(f);
    if (!b) {
        return bad(why, why_len, "out of memory", 0, 0);
    }
    r = gvf_stepf_parse(b, len, seed, in, why, why_len);
    free(b);
    return r;
}

uint8_t *gvf_stepf_encode(uint64_t seed, const struct gvf_input *in,
                          size_t *len)
{
    struct gvf_stepf_hdr h = { GVF_STEPF_MAGIC, GVF_STEPF_VERSION, seed,
                               in->nsteps, in->size };
    uint8_t *b = malloc(sizeof(h) + in->size);

    if (!b) {
        return NULL;
    }
    memcpy(b, &h, sizeof(h));
    if (in->size) {
        memcpy(b + sizeof(h), in->buf, in->size);
    }
    *len = sizeof(h) + in->size;
    return b;
}

int gvf_stepf_save(const char *path, uint64_t seed, const struct gvf_input *in)
{
    size_t len;
    uint8_t *b = gvf_stepf_encode(seed, in, &len);
    FILE *f;
    bool ok;

    if (!b) {
        return -ENOMEM;
    }
    f = fopen(path, "wb");
    if (!f) {
        free(b);
        return -errno;
    }
    ok = fwrite(b, 1, len, f) == len;
    free(b);
    return fclose(f) == 0 && ok ? 0 : -EIO;
}

/* ---- inputs ---- */

const char *gvf_kind_name(unsigned kind)
{
    static const char *const names[GVF_K__COUNT] = {
        "?",        "mmio-write", "mmio-read", "boot",   "engine",
        "chan-new", "chan-del",   "victim",    "inject", "record-own",
        "reset",    "bar2",       "genmod",
    };

    return kind < GVF_K__COUNT ? names[kind] : "?";
}

const struct gvf_step *gvf_step_at(const struct gvf_input *in, uint32_t i)
{
    uint32_t off = 0;

    for (uint32_t n = 0; n < in->nsteps; n++) {
        const struct gvf_step *s = (const void *)(in->buf + off);

        if (n == i) {
            return s;
        }
        off += (uint32_t)sizeof(*s) + s->len;
        off = (off + 7) & ~7u;
    }
    return NULL;
}

void gvf_input_free(struct gvf_input *in)
{
    free(in->buf);
    memset(in, 0, sizeof(*in));
}

int gvf_input_copy(const struct gvf_input *in, struct gvf_input *out)
{
    out->buf = malloc(in->size ? in->size : 1);
    if (!out->buf) {
        return -1;
    }
    memcpy(out->buf, in->buf, in->size);
    out->size = in->size;
    out->nsteps = in->nsteps;
    return 0;
}

/* ---- groups and the probe oracle ---- */

void gvf_group_mutate(uint8_t *g, uint32_t len, uint32_t how,
                      uint32_t *entry_len)
{
    struct gv_group_hdr h;

    *entry_len = len;
    memcpy(&h, g, sizeof(h));
    if (how & GVF_G_MAGIC) {
        h.magic ^= 0x100;
    }
    if (how & GVF_G_FLAGS) {
        h.flags ^= GV_GROUP_ENCRYPTED;
    }
    if (how & GVF_G_LEN_UP) {
        h.payload_len += 8;
    }
    if (how & GVF_G_LEN_DOWN) {
        h.payload_len -= 8;
    }
    if (how & GVF_G_RESERVED) {
        h.reserved = 1;
    }
    if (how & GVF_G_ENTRY_LEN) {
        *entry_len = len - 8;
    }
    memcpy(g, &h, sizeof(h));
}

bool gvf_probe_escaped(const struct gvf_step *s, uint32_t kern4_size, int r,
                       uint32_t rule, char *why, size_t why_len)
{
    struct gv_cmd_launch l;
    uint64_t p[2], total;

    if (s->kind != GVF_K_ENGINE || s->len != sizeof(l) + 16 || s->b || s->a) {
        return false;
    }
    memcpy(&l, s->data, sizeof(l));
    memcpy(p, s->data + sizeof(l), 16);
    if (l.hdr.op != GV_OP_LAUNCH || l.hdr.size != s->len ||
        l.module_va != GVF_VA_UNPROT + GVF_KERN_OFF(4) ||
        l.module_size != kern4_size || l.func || l.flags || l.pad ||
        l.param_size != 16 || l.fence_va || l.shared_dyn > (32u << 10) ||
        l.grid[0] > 3 || l.block[0] > 64 || l.grid[1] != 1 || l.grid[2] != 1 ||
        l.block[1] != 1 || l.block[2] != 1) {
        return false;
    }
    total = GVF_KERN_SHARED + l.shared_dyn;
    if (p[0] % 8 == 0 && p[0] <= total - 8) {
        return false; /* in bounds: any outcome */
    }
    if (r == 0 || (r > 0 && (rule == GV_RULE_COMPUTE_VA_RANGE ||
                             rule == GV_RULE_COMPUTE_UNMAPPED ||
                             rule == GV_RULE_COMPUTE_NOT_OWNED ||
                             rule == GV_RULE_COMPUTE_READ_ONLY))) {
        snprintf(why, why_len,
                 "a shared load at offset 0x%llx of %llu "
                 "bytes of shared memory did not fault (%s)",
                 (unsigned long long)p[0], (unsigned long long)total,
                 r == 0 ? "the launch completed"
                        : "the global store after it faulted");
        return true;
    }
    return false;
}

bool gvf_sync_misfault(const struct gvf_step *s, int r, uint32_t rule,
                       char *why, size_t why_len)
{
    unsigned launches = 0, kern = 0;

    if (s->kind != GVF_K_ENGINE || s->b || r <= 0 ||
        rule != GV_RULE_COMPUTE_WARP_SYNC) {
        return false;
    }
    for (uint32_t off = 0; off + sizeof(struct gv_cmd_hdr) <= s->len;) {
        struct gv_cmd_launch l;
        struct gv_cmd_hdr h;

        memcpy(&h, s->data + off, sizeof(h));
        if (h.size < sizeof(h) || h.size % 8 || h.size > s->len - off) {
            break;
        }
        if (h.op == GV_OP_LAUNCH && h.size >= sizeof(l)) {
            memcpy(&l, s->data + off, sizeof(l));
            if (l.module_va < GVF_VA_UNPROT ||
                (l.module_va - GVF_VA_UNPROT) % GVF_KERN_OFF(1) ||
                (l.module_va - GVF_VA_UNPROT) / GVF_KERN_OFF(1) >= 5) {
                return false; /* kernel 5, or not one of the kernels */
            }
            kern = (unsigned)((l.module_va - GVF_VA_UNPROT) / GVF_KERN_OFF(1));
            launches++;
        }
        off += h.size;
    }
    if (!launches) {
        return false;
    }
    snprintf(why, why_len,
             "a launch of kernel %u, which has no "
             "warp-synchronous instruction, faulted with compute.warp_sync",
             kern);
    return true;
}

/* ---- generated modules ---- */

static const char *gen_rule(uint32_t rule)
{
    static const char *const names[GV_RULE__COUNT] = {
#define GVF_GEN_RULE_(n, id, name, code, desc) [n] = name,
        GV_RULE_LIST(GVF_GEN_RULE_)
#undef GVF_GEN_RULE_
    };

    return rule && rule < GV_RULE__COUNT ? names[rule] : "none";
}

uint8_t *gvf_genmod(const struct gvf_step *s, struct gvf_mg_info *info,
                    uint8_t in[GVF_MG_IN_BYTES], uint8_t *cmd,
                    uint32_t *cmd_len)
{
    struct gv_cmd_launch l = { .hdr = { GV_OP_LAUNCH } };
    uint8_t *img = gvf_modgen(s->b, s->a & 0xff, info);
    uint64_t va = GVF_VA_UNPROT;

    _Static_assert(sizeof(l) + GVF_MG_PARAMS <= GVF_GEN_CMD_MAX,
                   "a generated module's LAUNCH fits");
    _Static_assert(GVF_MG_MAX_IMAGE <= GVF_GEN_OUT - GVF_GEN_MOD &&
                       128 * GVF_MG_SLOT_BYTES <= GVF_GEN_IN - GVF_GEN_OUT &&
                       GVF_MG_IN_BYTES <= GVF_GEN_ATOM - GVF_GEN_IN &&
                       GVF_GEN_ATOM + GVF_MG_ATOM_BYTES <=
                           GVF_UNPROT_PAGES * 4096u,
                   "a generated module's places fit the slot's pages");
    if (!img) {
        return NULL;
    }
    gvf_mg_input(s->b, in);
    l.module_va = va + GVF_GEN_MOD;
    l.module_size = info->size;
    l.grid[0] = 1 + (s->a >> 8 & 1);
    l.block[0] = 1 + (s->a >> 16 & 63);
    l.grid[1] = l.grid[2] = l.block[1] = l.block[2] = 1;
    l.param_size = GVF_MG_PARAMS;
    l.hdr.size = (uint32_t)sizeof(l) + GVF_MG_PARAMS;
    memcpy(cmd, &l, sizeof(l));
    gvf_mg_params(s->b, va + GVF_GEN_OUT, va + GVF_GEN_IN, va + GVF_GEN_ATOM,
                  cmd + sizeof(l));
    *cmd_len = l.hdr.size;
    return img;
}

bool gvf_genmod_misfault(uint32_t fault_rule, int r, uint32_t rule, char *why,
                         size_t why_len)
{
    if (r == 0 && fault_rule) {
        snprintf(why, why_len,
                 "a generated module whose thread 0 faults (%s) "
                 "completed",
                 gen_rule(fault_rule));
        return true;
    }
    if (r <= 0 || rule == fault_rule) {
        return false;
    }
    switch (rule) {
    case GV_RULE_COMPUTE_MISALIGNED:
    case GV_RULE_COMPUTE_SHARED_RANGE:
    case GV_RULE_COMPUTE_LOCAL_RANGE:
    case GV_RULE_COMPUTE_PARAM:
    case GV_RULE_COMPUTE_GENERIC_WINDOW:
    case GV_RULE_COMPUTE_TRAP:
    case GV_RULE_COMPUTE_WARP_SYNC:
    case GV_RULE_COMPUTE_JOIN_STACK:
    case GV_RULE_COMPUTE_CALL_DEPTH:
    case GV_RULE_COMPUTE_CALL_RETURN:
        snprintf(why, why_len,
                 "a generated module faulted with %s; its own fault "
                 "is %s",
                 gen_rule(rule), gen_rule(fault_rule));
        return true;
    default:
        return false;
    }
}

/* ---- the hand-assembled kernels every channel of the fuzzer carries ---- */

uint8_t *gvf_kernel(unsigned which, uint32_t *size)
{
    struct gva_kasm k = { .nregs = 2,
                          .shared_size = GVF_KERN_SHARED,
                          .local_size = 16,
                          .param_size = 16 };
    uint16_t none = GV_ISA_NONE;
    char err[200];

    gva_kins(&k, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 0, gva_k(&k, 0), none, 0);
    switch (which) {
    case 0: /* st.global [param0] = param1 */
        gva_kins(&k, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 1, gva_k(&k, 8), none,
                 0);
        gva_kins(&k, GV_I_ST, GV_T_U64, GV_SPACE_GLOBAL, none, 0, 1, 0);
        break;
    case 1: /* ld.global [param0] -> st.global [param1] */
        gva_kins(&k, GV_I_LD, GV_T_U64, GV_SPACE_GLOBAL, 1, 0, none, 0);
        gva_kins(&k, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 0, gva_k(&k, 8), none,
                 0);
        gva_kins(&k, GV_I_ST, GV_T_U64, GV_SPACE_GLOBAL, none, 0, 1, 0);
        break;
    case 2: /* generic load at param0, shared store at param1 */
        gva_kins(&k, GV_I_LD, GV_T_U64, GV_SPACE_GENERIC, 1, 0, none, 0);
        gva_kins(&k, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 0, gva_k(&k, 8), none,
                 0);
        gva_kins(&k, GV_I_ST, GV_T_U64, GV_SPACE_SHARED, none, 0, 1, 0);
        gva_kins(&k, GV_I_ST, GV_T_U64, GV_SPACE_LOCAL, none, 0, 1, 0);
        break;
    case 4: /* ld.shared [param0] -> st.global [param1]: what an
                 * out-of-bounds shared load would read comes back */
        gva_kins(&k, GV_I_LD, GV_T_U64, GV_SPACE_SHARED, 1, 0, none, 0);
        gva_kins(&k, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 0, gva_k(&k, 8), none,
                 0);
        gva_kins(&k, GV_I_ST, GV_T_U64, GV_SPACE_GLOBAL, none, 0, 1, 0);
        break;
    case 5: /* ld.param [param1]; a vote.sync whose member mask is lane
             * (tid ^ param0)'s alone: with param0 = 1 and two lanes or
             * more each lane waits for a lane that waits for another
             * mask (compute.warp_sync); a param1 past the parameters
             * faults first (compute.param) */
        gva_kins(&k, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 1, gva_k(&k, 8), none,
                 0);
        gva_kins(&k, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 1, 1, none, 0);
        gva_kins(&k, GV_I_S2R, GV_T_U32, GV_SR_TID_X, 1, none, none, 0);
        gva_kins(&k, GV_I_XOR, GV_T_U32, 0, 1, 1, 0, 0);
        gva_kins(&k, GV_I_SHL, GV_T_U32, 0, 1, gva_k(&k, 1), 1, 0);
        gva_kins(&k, GV_I_VOTE, GV_T_U32, GV_VOTE_BALLOT, 0, 1, none, 1);
        break;
    case 6: /* a chain of CALLs, each with a return address of its own
             * that no lane reaches: the 65th pushes past the warp's
             * reconvergence stack (compute.join_stack) */
        for (unsigned i = 0; i < 70; i++) {
            gva_kins(&k, GV_I_CALL, GV_T_NONE, 0, 1, gva_k(&k, 0),
                     (uint16_t)(k.ninsn + 2), 0);
            k.insn[k.ninsn - 1].c = 0;
            gva_kins(&k, GV_I_EXIT, GV_T_NONE, 0, none, none, none, 0);
        }
        break;
    case 8: /* divergence: lanes with tid & param0 set branch to a CALL of
             * a function that stores tid & param0 at param1 and returns;
             * the others add 1 and jump; both meet at the exit (the
             * branch's join point) */
        k.nregs = 4;
        gva_kins(&k, GV_I_S2R, GV_T_U32, GV_SR_TID_X, 1, none, none, 0);
        gva_kins(&k, GV_I_AND, GV_T_U32, 0, 1, 1, 0, 0);
        gva_kins(&k, GV_I_SETP, GV_T_U32, GV_CMP_NE, 2, 1, gva_k(&k, 0), 0);
        /* 4: @r2 bra 7, join 8 */
        gva_kins(&k, GV_I_BRA, GV_T_NONE, GV_BRA_JOIN, 8, 0, 7, 0);
        k.insn[k.ninsn - 1].c = 0;
        k.insn[k.ninsn - 1].guard = GV_G_ON;
        k.insn[k.ninsn - 1].gpred = 2;
        gva_kins(&k, GV_I_ADD, GV_T_U32, 0, 1, 1, gva_k(&k, 1), 0);
        gva_kins(&k, GV_I_BRA, GV_T_NONE, 0, none, none, 8, 0);
        k.insn[k.ninsn - 1].c = 0;
        /* 7: call 9 (a frame of 8 bytes), back at 8 */
        gva_kins(&k, GV_I_CALL, GV_T_NONE, 0, 3, gva_k(&k, 8), 9, 0);
        k.insn[k.ninsn - 1].c = 0;
        gva_kins(&k, GV_I_EXIT, GV_T_NONE, 0, none, none, none, 0);
        /* 9: the function */
        gva_kins(&k, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 0, gva_k(&k, 8), none,
                 0);
        gva_kins(&k, GV_I_ST, GV_T_U64, GV_SPACE_GLOBAL, none, 0, 1, 0);
        gva_kins(&k, GV_I_RET, GV_T_NONE, 0, none, 3, none, 0);
        break;
    case 7: /* a CALL whose frame ends at param1 (past local_size:
             * compute.call_depth), then a RET to param0, which is no
             * instruction of the function (compute.call_return) */
        k.nregs = 3;
        gva_kins(&k, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 1, gva_k(&k, 8), none,
                 0);
        gva_kins(&k, GV_I_CALL, GV_T_NONE, 0, 2, 1, (uint16_t)(k.ninsn + 2),
                 0);
        k.insn[k.ninsn - 1].c = 0;
        gva_kins(&k, GV_I_EXIT, GV_T_NONE, 0, none, none, none, 0);
        gva_kins(&k, GV_I_RET, GV_T_NONE, 0, none, 0, none, 0);
        break;
    default: /* trap */
        gva_kins(&k, GV_I_TRAP, GV_T_NONE, 0, none, none, none, 0);
        break;
    }
    gva_kins(&k, GV_I_EXIT, GV_T_NONE, 0, none, none, none, 0);
    return gva_kimage(&k, size, err, sizeof(err));
}
