/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The GVX instruction rules (include/graviton/gv_isa_rules.h), one table
 * for the translator's checker and the device:
 *  1. gv_isa_check() (ptx/gv_isa.c) and the device's decoder
 *     (gv_compute_check_module(), hw/core/gv_module.c) accept exactly the
 *     same instructions: every opcode, type, modifier and guard value,
 *     every CVT source type and rounding, each operand field with
 *     registers, constants and NONE;
 *  2. the table against the engine: every form it allows runs on the
 *     interpreter (hw/core/gv_simt*.c) without taking a path that has no
 *     code for it (gv_simt_unsupported_count() stays 0), so a rule added
 *     without its engine code fails here;
 *  3. the decisions taken where the two sides used to disagree
 *     (docs/isa.md, "Validation").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_ktest.h"
#include "gv_ptx.h"
#include "gv_simt.h"
#include "graviton/gv_isa_rules.h"

#define VRAM (64ull << 20)
#define UNPROT (16ull << 20)
#define PROT (40ull << 20)

/* ---- 1. the two checkers agree ---- */

/* A module of two instructions, the one under test and EXIT, four
 * registers and the constants 0 and 16, whose first instruction is
 * rewritten in place. */
struct probe {
    uint8_t *img;
    uint32_t len, insns_off;
    unsigned checked, accepted, disagree;
};

static void probe_init(struct probe *p)
{
    struct ka a;
    struct gv_isa_module h;

    ka_init(&a, 4);
    ka_k(&a, 0);
    ka_k(&a, 16);
    ka_op(&a, GV_I_NOP, 0, 0, 0, 0, 0, 0, 0);
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    memset(p, 0, sizeof(*p));
    p->img = ka_build(&a, &p->len);
    memcpy(&h, p->img, sizeof(h));
    p->insns_off = h.insns_off;
}

/* Both checkers on @x as the first instruction (@last: as the second,
 * the last one, after a NOP); true if gv_isa_check accepts it. */
static bool probe_run(struct probe *p, const struct gv_insn *x, bool last)
{
    struct gv_insn nop = { .op = GV_I_NOP }, exit_ = { .op = GV_I_EXIT };
    char e1[256], e2[256];
    int a, b;

    memcpy(p->img + p->insns_off, last ? &nop : x, sizeof(*x));
    memcpy(p->img + p->insns_off + sizeof(*x), last ? x : &exit_, sizeof(*x));
    a = gv_isa_check(p->img, p->len, e1, sizeof(e1));
    b = gv_compute_check_module(p->img, p->len, e2, sizeof(e2));
    p->checked++;
    p->accepted += a == 0;
    if ((a == 0) != (b == 0)) {
        if (p->disagree++ < 10) {
            fprintf(stderr,
                    "\n    op %u type %u mod 0x%02x guard %u "
                    "d a b c e %04x %04x %04x %04x %04x: gv_isa_check %s, "
                    "device %s",
                    x->op, x->type, x->mod, x->guard, x->d, x->a, x->b, x->c,
                    x->e, a ? e1 : "ok", b ? e2 : "ok");
        }
    }
    return a == 0;
}

/* The end of a sweep: the two checkers agreed on every form, and more
 * than @min_valid forms were valid. */
static void probe_done(struct probe *p, unsigned min_valid)
{
    CU_ASSERT_EQUAL(p->disagree, 0);
    CU_ASSERT(p->accepted > min_valid);
    free(p->img);
}

/* Every opcode (and a few beyond), type, modifier and guard. */
static void test_forms_agree(void)
{
    struct probe p;

    probe_init(&p);
    for (unsigned op = 0; op < GV_I__COUNT + 2; op++) {
        for (unsigned t = 0; t <= GV_T__COUNT; t++) {
            for (unsigned mod = 0; mod < 256; mod++) {
                /* d, a = constant 0 (also a barrier id), b, c; e = 3: a
                 * CVT from u16, an offset; BRA's target 1 (the EXIT) */
                struct gv_insn x = { .op = (uint8_t)op,
                                     .type = (uint8_t)t,
                                     .mod = (uint8_t)mod,
                                     .d = 0,
                                     .a = GV_ISA_CONST_BASE,
                                     .b = 1,
                                     .c = 0,
                                     .e = 3 };

                probe_run(&p, &x, false);
                for (unsigned g = 1; mod == 0 && g < 8; g++) {
                    x.guard = (uint8_t)g;
                    probe_run(&p, &x, false);
                }
            }
        }
    }
    /* the sweep means something: a few thousand forms are valid */
    CU_ASSERT(p.accepted < p.checked / 4);
    fprintf(stderr, "(%u forms, %u valid) ", p.checked, p.accepted);
    probe_done(&p, 2000);
}

/* CVT's e: every source type and rounding, and the bits above them. */
static void test_cvt_agree(void)
{
    struct probe p;

    probe_init(&p);
    for (unsigned t = 0; t <= GV_T__COUNT; t++) {
        for (unsigned e = 0; e < 0x2000; e++) {
            struct gv_insn x = { .op = GV_I_CVT,
                                 .type = (uint8_t)t,
                                 .d = 1,
                                 .a = 2,
                                 .e = (uint16_t)e };

            probe_run(&p, &x, false);
        }
    }
    probe_done(&p, 1000);
}

/* A valid form of opcode @op (ATOM: CAS, BAR: with a count, so that
 * their conditional fields are used); false if the table has none. */
static bool some_form(unsigned op, struct gv_insn *x)
{
    for (unsigned t = 0; t < GV_T__COUNT; t++) {
        for (unsigned mod = 0; mod < 256; mod++) {
            memset(x, 0, sizeof(*x));
            x->op = (uint8_t)op;
            x->type = (uint8_t)t;
            x->mod = (uint8_t)mod;
            x->e = op == GV_I_CVT ? GV_T_U32 : 0;
            if (op == GV_I_ATOM && mod >> 4 != GV_ATOM_CAS) {
                continue;
            }
            if (op == GV_I_BAR && !(mod & GV_BAR_COUNT)) {
                continue;
            }
            if (gv_isa_form_check(x) == GV_FORM_OK) {
                return true;
            }
        }
    }
    return false;
}

/* Each operand field of each opcode: registers in and out of range,
 * constants in and out of the pool (the constant 16 is no barrier id),
 * NONE; and the guard register. */
static void test_operands_agree(void)
{
    static const uint16_t vals[] = {
        0,
        1,
        3,
        4,
        5,
        0x7fff,
        GV_ISA_CONST_BASE,
        GV_ISA_CONST_BASE + 1,
        GV_ISA_CONST_BASE + 2,
        0xfffe,
        GV_ISA_NONE,
    };
    struct probe p;
    unsigned nops = 0;

    probe_init(&p);
    for (unsigned op = 0; op < GV_I__COUNT; op++) {
        struct gv_insn base;

        if (!some_form(op, &base)) {
            continue;
        }
        nops++;
        base.a = GV_ISA_CONST_BASE;
        base.b = 1;
        for (unsigned k = 0; k < GV_ISA_NFIELDS + 1; k++) {
            for (size_t v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
                struct gv_insn x = base;
                uint16_t *f[GV_ISA_NFIELDS + 1] = { &x.d, &x.a, &x.b,
                                                    &x.c, &x.e, &x.gpred };

                *f[k] = vals[v];
                if (k == GV_ISA_NFIELDS) {
                    x.guard = GV_G_ON;
                }
                probe_run(&p, &x, false);
                probe_run(&p, &x, true);
            }
        }
    }
    CU_ASSERT_EQUAL(nops, GV_I__COUNT);
    probe_done(&p, 0);
}

/* ---- 3. the decisions where the two sides disagreed ---- */

struct decision {
    const char *what;
    struct gv_insn x;
    bool last; /* as the function's last instruction */
    bool valid;
};

#define K0 GV_ISA_CONST_BASE
#define K16 (GV_ISA_CONST_BASE + 1)

static const struct decision decisions[] = {
    /* the device took any type or modifier for these */
    { "setp.pred",
      { .op = GV_I_SETP, .type = GV_T_PRED, .a = 1, .b = 2 },
      false,
      false },
    { "add.u8",
      { .op = GV_I_ADD, .type = GV_T_U8, .a = 1, .b = 2 },
      false,
      false },
    { "add.u32 with an undefined modifier bit",
      { .op = GV_I_ADD, .type = GV_T_U32, .mod = 0x08, .a = 1, .b = 2 },
      false,
      false },
    { "add.rz.u32 (rounding on an integer)",
      { .op = GV_I_ADD, .type = GV_T_U32, .mod = GV_RND_RZ, .a = 1, .b = 2 },
      false,
      false },
    { "mulhi.u32 with .sat",
      { .op = GV_I_MULHI, .type = GV_T_U32, .mod = GV_M_SAT, .a = 1, .b = 2 },
      false,
      false },
    { "popc.u16",
      { .op = GV_I_POPC, .type = GV_T_U16, .a = 1 },
      false,
      false },
    { "sin.f64", { .op = GV_I_SIN, .type = GV_T_F64, .a = 1 }, false, false },
    { "setp.eq.ftz.f64",
      { .op = GV_I_SETP,
        .type = GV_T_F64,
        .mod = GV_CMP_EQ | GV_M_FTZ,
        .a = 1,
        .b = 2 },
      false,
      false },
    { "cvt with an undefined modifier bit",
      { .op = GV_I_CVT, .type = GV_T_U32, .mod = 0x01, .a = 1, .e = GV_T_F32 },
      false,
      false },
    { "shfl.f64 (the lanes exchange 32 bits)",
      { .op = GV_I_SHFL,
        .type = GV_T_F64,
        .a = 1,
        .b = 2,
        .c = 3,
        .e = GV_ISA_NONE },
      false,
      false },
    { "vote.all.u32",
      { .op = GV_I_VOTE,
        .type = GV_T_U32,
        .mod = GV_VOTE_ALL,
        .a = 1,
        .e = GV_ISA_NONE },
      false,
      false },
    { "vote.ballot.u32",
      { .op = GV_I_VOTE,
        .type = GV_T_U32,
        .mod = GV_VOTE_BALLOT,
        .a = 1,
        .e = GV_ISA_NONE },
      false,
      true },
    { "s2r.f32", { .op = GV_I_S2R, .type = GV_T_F32 }, false, false },
    { "maddr.u32",
      { .op = GV_I_MADDR, .type = GV_T_U32, .a = 1 },
      false,
      false },
    { "atom.global.inc.u64",
      { .op = GV_I_ATOM,
        .type = GV_T_U64,
        .mod = GV_ATOM_INC << 4,
        .a = 1,
        .b = 2 },
      false,
      false },
    { "atom.global.inc.u32",
      { .op = GV_I_ATOM,
        .type = GV_T_U32,
        .mod = GV_ATOM_INC << 4,
        .a = 1,
        .b = 2 },
      false,
      true },
    /* the device did not check these */
    { "guard NEG without ON",
      { .op = GV_I_MOV, .type = GV_T_U32, .guard = GV_G_NEG, .a = 1 },
      false,
      false },
    { "barrier id 16", { .op = GV_I_BAR, .a = K16 }, false, false },
    { "barrier id 0", { .op = GV_I_BAR, .a = K0 }, false, true },
    /* the device refused this one */
    { "a function ending in trap", { .op = GV_I_TRAP }, true, true },
    { "a function ending in a guarded trap",
      { .op = GV_I_TRAP, .guard = GV_G_ON },
      true,
      false },
    /* calls (new): a target inside the function, a register link */
    { "a function ending in ret", { .op = GV_I_RET, .a = K0 }, true, true },
    { "a function ending in a guarded ret",
      { .op = GV_I_RET, .guard = GV_G_ON, .a = K0 },
      true,
      false },
    { "call of the next instruction",
      { .op = GV_I_CALL, .d = 1, .a = K0, .b = 1 },
      false,
      true },
    { "call out of the function",
      { .op = GV_I_CALL, .d = 1, .a = K0, .b = 2 },
      false,
      false },
    { "call with a constant link",
      { .op = GV_I_CALL, .d = K0, .a = K0, .b = 1 },
      false,
      false },
    { "a function ending in call",
      { .op = GV_I_CALL, .d = 1, .a = K0, .b = 1 },
      true,
      false },
    /* reconvergence points (new): the modifier was ignored before */
    { "bra with a modifier other than GV_BRA_JOIN",
      { .op = GV_I_BRA, .mod = 2, .b = 1 },
      false,
      false },
    { "a conditional bra with a reconvergence point",
      { .op = GV_I_BRA, .mod = GV_BRA_JOIN, .guard = GV_G_ON, .b = 1, .d = 1 },
      false,
      true },
    { "an unconditional bra with a reconvergence point",
      { .op = GV_I_BRA, .mod = GV_BRA_JOIN, .b = 1, .d = 1 },
      false,
      false },
    { "a reconvergence point out of the function",
      { .op = GV_I_BRA, .mod = GV_BRA_JOIN, .guard = GV_G_ON, .b = 1, .d = 2 },
      false,
      false },
    { "a reconvergence point 64 Ki instructions on",
      { .op = GV_I_BRA,
        .mod = GV_BRA_JOIN,
        .guard = GV_G_ON,
        .b = 1,
        .d = 1,
        .a = 1 },
      false,
      false },
};

static void test_decisions(void)
{
    struct probe p;

    probe_init(&p);
    for (size_t i = 0; i < sizeof(decisions) / sizeof(decisions[0]); i++) {
        const struct decision *c = &decisions[i];

        if (probe_run(&p, &c->x, c->last) != c->valid) {
            fprintf(stderr, "\n    %s: %s by gv_isa_check", c->what,
                    c->valid ? "refused" : "accepted");
            CU_FAIL("a decided rule does not hold");
        }
    }
    probe_done(&p, 0);
}

/* ---- 2. every allowed form runs on the engine ---- */

static struct td *td;
static struct kt k1;
static uint64_t gbuf, mod_va;

#define MOD_MAX (32u << 10)
#define CHUNK (KA_MAX - 8)

static void setup(void)
{
    td = td_new(VRAM, UNPROT, PROT, false);
    kt_init(&k1, td, 1, NULL, 1 << 20, true);
    gbuf = kt_alloc(&k1, 4096);
    mod_va = kt_alloc(&k1, MOD_MAX);
}

static void teardown(void)
{
    td_check(td);
    td_free(td);
    td = NULL;
}

/* An address operand of @x's space that every lane may use. */
static uint16_t addr_of(struct ka *a, const struct gv_insn *x)
{
    switch (x->mod & 0xf) {
    case GV_SPACE_GLOBAL:
    case GV_SPACE_GENERIC:
        return ka_k(a, gbuf);
    default: /* shared, local, param: offset 0 */
        return ka_k(a, 0);
    }
}

/* Append @x to @a, a branch, call or return to the instruction after
 * it. */
static void append_linked(struct ka *a, struct gv_insn x)
{
    if (x.op == GV_I_BRA || x.op == GV_I_CALL) {
        x.b = (uint16_t)(a->n + 1);
    }
    if (x.op == GV_I_RET) {
        x.a = ka_k(a, a->n + 1);
    }
    a->ins[a->n++] = x;
}

/* Append @x to @a with operands for its fields' roles. */
static void add_form(struct ka *a, struct gv_insn x)
{
    uint8_t role[GV_ISA_NFIELDS];
    uint16_t *f[GV_ISA_NFIELDS] = { &x.d, &x.a, &x.b, &x.c, &x.e };

    gv_isa_roles(&x, role);
    for (unsigned k = 0; k < GV_ISA_NFIELDS; k++) {
        switch (role[k]) {
        case GV_ROLE_DST:
        case GV_ROLE_DSTN:
            *f[k] = (uint16_t)(k % 4);
            break;
        case GV_ROLE_SRC:
            if (k == 1 &&
                (x.op == GV_I_LD || x.op == GV_I_ST || x.op == GV_I_ATOM)) {
                *f[k] = addr_of(a, &x);
            } else if (k == 2 && x.op == GV_I_BAR) {
                *f[k] = ka_k(a, 32); /* the block's threads */
            } else {
                *f[k] = ka_k(a, 1);
            }
            break;
        case GV_ROLE_SRCN:
            *f[k] = GV_ISA_NONE;
            break;
        case GV_ROLE_BARID:
            *f[k] = ka_k(a, 0);
            break;
        default: /* CVT's e is the form's; offsets 0 */
            if (x.op != GV_I_CVT) {
                *f[k] = 0;
            }
            break;
        }
    }
    append_linked(a, x);
}

/* The module of @a at mod_va, run on one block of 32 threads; the
 * launch's error. */
static int launch_forms(struct ka *a)
{
    struct kt_launch l = { .grid = { 1 },
                           .block = { 32 },
                           .params = &gbuf,
                           .param_size = 8,
                           .module_va = mod_va };
    uint8_t *img = ka_build(a, &l.module_size);
    int err;

    CU_ASSERT_FATAL(l.module_size <= MOD_MAX);
    kt_write(&k1, mod_va, img, l.module_size);
    err = kt_launch(&k1, &l);
    free(img);
    return err;
}

/* Run the module of @a (EXIT appended) on one block of 32 threads; true
 * if it ran with no unsupported path taken. */
static bool run_forms(struct ka *a)
{
    uint64_t before = gv_simt_unsupported_count();
    int err;

    ka_op(a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    err = launch_forms(a);
    a->n--;
    return err == GV_ERR_NONE && gv_simt_unsupported_count() == before;
}

static void ka_forms(struct ka *a)
{
    ka_init(a, 4);
    ka_param64(a);
    a->shared_size = 64;
    a->local_size = 64;
}

/* Run the forms collected in @a; if they fail, each alone, naming the
 * ones that do.  The number of forms that failed. */
static unsigned flush(struct ka *a)
{
    struct ka *one;
    unsigned bad = 0;

    if (a->n == 0 || run_forms(a)) {
        ka_forms(a);
        return 0;
    }
    one = malloc(sizeof(*one));
    for (uint32_t i = 0; i < a->n; i++) {
        struct gv_insn x = a->ins[i];

        ka_forms(one);
        one->nconsts = a->nconsts;
        memcpy(one->consts, a->consts, sizeof(a->consts));
        append_linked(one, x);
        if (!run_forms(one) && bad++ < 10) {
            fprintf(stderr,
                    "\n    not run by the engine: %s.%s mod 0x%02x "
                    "e 0x%04x",
                    gv_isa_op_name(x.op), gv_isa_type_name(x.type), x.mod,
                    x.e);
        }
    }
    free(one);
    ka_forms(a);
    return bad ? bad : 1;
}

/* The forms of opcode @op and type @t the table allows, into @a. */
static void collect(struct ka *a, unsigned op, unsigned t, unsigned *bad,
                    unsigned *forms)
{
    const struct gv_isa_rule *r = gv_isa_rule(op);
    unsigned nst = op == GV_I_CVT ? GV_T__COUNT : 1;
    unsigned nrnd = op == GV_I_CVT ? 16 : 1;

    for (unsigned mod = 0; mod < 256; mod++) {
        if (r->mods == GV_MODS_ANY && mod != 0 && mod != 0xff) {
            continue;
        }
        for (unsigned st = 0; st < nst; st++) {
            for (unsigned rnd = 0; rnd < nrnd; rnd++) {
                struct gv_insn x = { .op = (uint8_t)op,
                                     .type = (uint8_t)t,
                                     .mod = (uint8_t)mod,
                                     .e = (uint16_t)(st | rnd << 8) };

                if (gv_isa_form_check(&x) != GV_FORM_OK) {
                    continue;
                }
                if (a->n >= CHUNK) {
                    *bad += flush(a);
                }
                add_form(a, x);
                (*forms)++;
            }
        }
    }
}

static void test_engine_runs_forms(void)
{
    struct ka *a = malloc(sizeof(*a));
    unsigned bad = 0, forms = 0;

    ka_forms(a);
    for (unsigned op = 0; op < GV_I__COUNT; op++) {
        const struct gv_isa_rule *r = gv_isa_rule(op);

        /* EXIT ends every module; TRAP (it faults) below */
        if (op == GV_I_EXIT || op == GV_I_TRAP) {
            continue;
        }
        for (unsigned t = 0; t < GV_T__COUNT; t++) {
            if ((r->types == GV_ISA_TANY && t != GV_T_NONE) ||
                !gv_isa_type_ok(op, t)) {
                continue;
            }
            collect(a, op, t, &bad, &forms);
            bad += flush(a);
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(forms > 2000);
    fprintf(stderr, "(%u forms run) ", forms);
    /* TRAP: the launch stops with a fault, nothing unsupported */
    uint64_t before = gv_simt_unsupported_count();

    ka_forms(a);
    ka_op(a, GV_I_TRAP, 0, 0, 0, 0, 0, 0, 0);
    CU_ASSERT_EQUAL(launch_forms(a), GV_ERR_FAULT);
    CU_ASSERT_EQUAL(gv_simt_unsupported_count(), before);
    free(a);
}

/* The counter counts: forms outside the table, run through the ALU,
 * each take an unsupported path once and give 0. */
static void test_unsupported_counted(void)
{
    static const struct gv_dinsn forms[] = {
        { .op = GV_I_FNS, .type = GV_T_F32 },  /* f32 ALU */
        { .op = GV_I_FNS, .type = GV_T_F64 },  /* f64 ALU */
        { .op = GV_I_SIN, .type = GV_T_U32 },  /* integer ALU */
        { .op = GV_I_ADD, .type = GV_T_PRED }, /* non-integer type */
        { .op = GV_I_ADD, .type = GV_T_F16 },
        { .op = GV_I_SETP, .type = GV_T_U32, .mod = GV_CMP_LTU },
        { .op = GV_I_SETP, .type = GV_T_F32, .mod = GV_CMP__COUNT },
        { .op = GV_I_TESTP, .type = GV_T_U32 },
        { .op = GV_I_TESTP, .type = GV_T_F32, .mod = 6 },
        { .op = GV_I_CVT, .type = GV_T_PRED, .stype = GV_T_U32 },
        { .op = GV_I_CVT, .type = GV_T_U32, .stype = GV_T_NONE },
        { .op = GV_I_PRMT, .type = GV_T_U32, .mod = GV_PRMT_RC16 + 1 },
    };
    const size_t n = sizeof(forms) / sizeof(forms[0]);

    for (size_t k = 0; k < n; k++) {
        uint64_t before = gv_simt_unsupported_count();

        CU_ASSERT_EQUAL(gv_simt_alu(&forms[k], 1, 2, 3, 0), 0);
        if (gv_simt_unsupported_count() != before + 1) {
            fprintf(stderr, "\n    form %zu (%s.%s) not counted", k,
                    gv_isa_op_name(forms[k].op),
                    gv_isa_type_name(forms[k].type));
            CU_FAIL("an unsupported form was not counted");
        }
    }
}

/* gv_isa_write(): the one image layout.  A module's parts land where
 * the header says, the image passes gv_isa_check(), and one larger than
 * GV_ISA_MODULE_MAX is refused with the size it would have had. */
/* An instruction @op without operands */
static struct gv_insn bare(uint8_t op)
{
    struct gv_insn x = { .op = op };

    x.d = x.a = x.b = x.c = x.e = GV_ISA_NONE;
    return x;
}

static void test_isa_write(void)
{
    static const char names[8] = "k";
    struct gv_insn ins[2] = { bare(GV_I_NOP), bare(GV_I_EXIT) };
    uint64_t k[2] = { 7, 9 };
    uint8_t data[24] = { 1, 2, 3 };
    struct gv_isa_func f = { .flags = GV_FUNC_ENTRY,
                             .insn_count = 2,
                             .nregs = 1 };
    struct gv_isa_parts p = {
        .funcs = &f,
        .nfuncs = 1,
        .insns = ins,
        .ninsns = 2,
        .consts = k,
        .nconsts = 2,
        .strings = names,
        .strings_size = sizeof(names),
        .data = data,
        .data_size = sizeof(data),
    };
    struct gv_isa_module h;
    char err[256];
    size_t len = 0;
    uint8_t *img = gv_isa_write(&p, &len);

    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    memcpy(&h, img, sizeof(h));
    CU_ASSERT_EQUAL(h.total_size, len);
    CU_ASSERT_EQUAL(len % 8, 0);
    CU_ASSERT_EQUAL(h.data_off % 256, 0);
    CU_ASSERT_EQUAL(h.funcs_off, sizeof(h));
    CU_ASSERT_EQUAL(h.insns_off, sizeof(h) + sizeof(f));
    CU_ASSERT_EQUAL(memcmp(img + h.insns_off, ins, sizeof(ins)), 0);
    CU_ASSERT_EQUAL(memcmp(img + h.consts_off, k, sizeof(k)), 0);
    CU_ASSERT_EQUAL(memcmp(img + h.data_off, data, sizeof(data)), 0);
    CU_ASSERT_STRING_EQUAL((const char *)img + h.strings_off, "k");
    CU_ASSERT_EQUAL(gv_isa_check(img, len, err, sizeof(err)), 0);
    free(img);
    /* NULL data of a size: zeroed */
    p.data = NULL;
    img = gv_isa_write(&p, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    memcpy(&h, img, sizeof(h));
    CU_ASSERT_EQUAL(img[h.data_off], 0);
    free(img);
    /* too large: refused, with its size */
    p.data_size = GV_ISA_MODULE_MAX;
    CU_ASSERT_PTR_NULL(gv_isa_write(&p, &len));
    CU_ASSERT(len > GV_ISA_MODULE_MAX);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test agree[] = {
        { "every opcode, type, modifier, guard", test_forms_agree },
        { "cvt source types and roundings", test_cvt_agree },
        { "operand fields", test_operands_agree },
        { "decided rules", test_decisions },
        { "gv_isa_write: the image layout, too large refused",
          test_isa_write },
        { NULL, NULL },
    };
    static const struct gv_cunit_test engine[] = {
        { "unsupported forms are counted", test_unsupported_counted },
        { "every allowed form runs", test_engine_runs_forms },
        { NULL, NULL },
    };

    if (gv_add_suite("isa-rules-agree", NULL, NULL, agree) ||
        gv_add_suite("isa-rules-engine", setup, teardown, engine)) {
        return -1;
    }
    return 0;
}
