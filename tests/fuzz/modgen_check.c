/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The module generator's promises (tests/guest/fuzz/gvf_modgen.h),
 * without a device: every module of N seeds (each option set) passes
 * gv_isa_check() and gv_compute_check_module(), fits GVF_MG_MAX_IMAGE,
 * has a fault rule exactly when GVF_MG_FAULT asks for one; and together
 * they use every type the ISA allows each opcode (but NOP), every memory
 * space of LD, ST and ATOM, every atomic operation, comparison, rounding,
 * shuffle and vote mode, special register, and each deliberate fault.
 * What is missing is listed, and the test fails.
 *   gvf-modgen-check [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graviton/gv_isa.h"
#include "graviton/gv_isa_rules.h"
#include "graviton/gv_rules.h"
#include "gv_core.h"
#include "gv_ptx.h"
#include "gvf_modgen.h"

static unsigned long long types[GV_I__COUNT][GV_T__COUNT];
static unsigned long long spaces[GV_I__COUNT][8], aops[16];
static unsigned long long mods[GV_I__COUNT][256];
static unsigned long long rules[GV_RULE__COUNT], joins;
static unsigned missing;

static void want(bool ok, const char *what, unsigned x, unsigned y)
{
    if (!ok) {
        printf("missing: %s %u %u\n", what, x, y);
        missing++;
    }
}

static void count(const uint8_t *img)
{
    struct gv_isa_module h;

    memcpy(&h, img, sizeof(h));
    for (uint32_t i = 0; i < h.ninsns; i++) {
        struct gv_insn x;

        memcpy(&x, img + h.insns_off + i * sizeof(x), sizeof(x));
        types[x.op][x.type]++;
        mods[x.op][x.mod]++;
        if (x.op == GV_I_LD || x.op == GV_I_ST || x.op == GV_I_ATOM) {
            spaces[x.op][x.mod & 7]++;
        }
        if (x.op == GV_I_ATOM) {
            aops[x.mod >> 4]++;
        }
        joins += x.op == GV_I_BRA && (x.mod & GV_BRA_JOIN);
    }
}

static void check(uint64_t seed, unsigned opts)
{
    static uint64_t aligned[GVF_MG_MAX_IMAGE / 8];
    struct gvf_mg_info info;
    uint8_t *img = gvf_modgen(seed, opts, &info);
    char why[256] = "";

    if (!img || info.size > GVF_MG_MAX_IMAGE ||
        !(opts & GVF_MG_FAULT) != !info.fault_rule) {
        printf("FAIL: seed 0x%llx options 0x%x: %s\n",
               (unsigned long long)seed, opts,
               img ? "size or fault rule" : "no image");
        exit(1);
    }
    memcpy(aligned, img, info.size);
    if (gv_isa_check((const uint8_t *)aligned, info.size, why,
                     sizeof(why)) ||
        gv_compute_check_module((const uint8_t *)aligned, info.size, why,
                                sizeof(why))) {
        printf("FAIL: seed 0x%llx options 0x%x: invalid module: %s\n",
               (unsigned long long)seed, opts, why);
        exit(1);
    }
    count(img);
    rules[info.fault_rule]++;
    free(img);
}

static void coverage(void)
{
    static const uint8_t sp[3][5] = {
        { 1, 1, 1, 1, 1 }, { 1, 1, 1, 0, 1 }, { 1, 1, 0, 0, 1 },
    };
    static const uint8_t memop[3] = { GV_I_LD, GV_I_ST, GV_I_ATOM };
    static const uint32_t faults[] = {
        GV_RULE_COMPUTE_VA_RANGE, GV_RULE_COMPUTE_MISALIGNED,
        GV_RULE_COMPUTE_SHARED_RANGE, GV_RULE_COMPUTE_LOCAL_RANGE,
        GV_RULE_COMPUTE_PARAM, GV_RULE_COMPUTE_GENERIC_WINDOW,
        GV_RULE_COMPUTE_TRAP, GV_RULE_COMPUTE_CALL_DEPTH,
        GV_RULE_COMPUTE_CALL_RETURN,
    };
    unsigned pairs = 0;

    for (unsigned o = GV_I_NOP + 1; o < GV_I__COUNT; o++) {
        const struct gv_isa_rule *r = gv_isa_rule(o);
        unsigned any = 0;

        for (unsigned t = 0; t < GV_T__COUNT; t++) {
            any += types[o][t] != 0;
            if (r->types != GV_ISA_TANY && gv_isa_type_ok(o, t)) {
                want(types[o][t] != 0, "opcode/type", o, t);
                pairs++;
            }
        }
        want(any != 0, "opcode", o, 0);
    }
    for (unsigned m = 0; m < 3; m++) {
        for (unsigned s = 0; s < 5; s++) {
            want(!sp[m][s] || spaces[memop[m]][s], "opcode/space", memop[m],
                 s);
        }
    }
    for (unsigned a = 0; a <= GV_ATOM_CAS; a++) {
        want(aops[a] != 0, "atomic operation", a, 0);
    }
    for (unsigned c = 0; c < GV_CMP__COUNT; c++) {
        want(mods[GV_I_SETP][c] || mods[GV_I_SETP][c | GV_M_FTZ], "setp", c,
             0);
    }
    for (unsigned m = GV_RND_RN; m <= GV_RND_RP; m++) {
        want(mods[GV_I_FMA][m] || mods[GV_I_ADD][m], "rounding", m, 0);
    }
    for (unsigned m = 0; m < 4; m++) {
        want(mods[GV_I_SHFL][m] && mods[GV_I_VOTE][m], "shfl/vote mode", m,
             0);
    }
    for (unsigned m = 0; m < GV_SR__COUNT; m++) {
        want(mods[GV_I_S2R][m] != 0, "special register", m, 0);
    }
    want(mods[GV_I_ADD][GV_M_SAT] && mods[GV_I_ADD][GV_M_FTZ], "sat/ftz",
         0, 0);
    want(mods[GV_I_BAR][GV_BAR_COUNT] && mods[GV_I_BAR][0], "bar", 0, 0);
    want(joins != 0, "reconvergence points", 0, 0);
    for (unsigned i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
        want(rules[faults[i]] != 0, "fault rule", faults[i], 0);
    }
    printf("%u opcode/type pairs\n", pairs);
}

/*
 * A seed gives the same module on every build: the fuzzers (clang) find
 * an input, the replay tests (GCC) and the guest's gv-fuzz (GCC) must
 * generate the same module from it.  The generator never puts two draws
 * of its random numbers, or two new constants, in operands whose order C
 * leaves open (a call's arguments, both sides of |, >>, ...): GCC and
 * clang evaluate a call's arguments in opposite orders, and a module
 * found by one did not reproduce in the other.  The modules of 200 seeds
 * hash to a value fixed here (FNV-1a of each image, folded); it changes
 * only when the generator is changed on purpose (then the seed corpus's
 * modules change too: update it and this value together).
 */
#define GOLDEN 0x4e006f0a7a1b8157ull

static void golden(void)
{
    uint64_t all = 0;

    for (uint64_t s = 0; s < 200; s++) {
        struct gvf_mg_info info;
        uint8_t *img = gvf_modgen(s * 0x9e3779b97f4a7c15ull,
                                  (unsigned)(s * 37) & 0xff, &info);
        uint64_t h = 1469598103934665603ull;

        for (uint32_t i = 0; img && i < info.size; i++) {
            h = (h ^ img[i]) * 1099511628211ull;
        }
        all = all * 31 + h;
        free(img);
    }
    if (all != GOLDEN) {
        printf("the modules of seeds 0-199 hash to 0x%016llx, not "
               "0x%016llx: a seed no longer gives the module it gave\n",
               (unsigned long long)all, (unsigned long long)GOLDEN);
        missing++;
    }
}

int main(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 3000;

    for (unsigned i = 0; i < n; i++) {
        check(0x9e3779b97f4a7c15ull * (i + 1), i & 0xff);
    }
    coverage();
    golden();
    printf("%u modules valid; %u things never generated\n", n, missing);
    return missing ? 1 : 0;
}
