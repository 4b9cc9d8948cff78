/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the compiled tier's code (gv_jit.h).  Each
 * region of a function becomes two C functions: its addresses (the ALU
 * instructions that compute them, and a check that each warp's 32 lanes
 * are one run), and its body, one loop over the gang's lanes with every
 * register in a local, written back to its slot at the end only if it is
 * live there.  The text holds numbers only (slots, constants, offsets),
 * never a guest's bytes, and every operation is the interpreter's own
 * expression (GV_LANE_OPS, GV_LANE_FUNCS).  It is compiled by the host's
 * C compiler ($GV_JIT_CC, else cc) without contraction of a * b + c, so
 * the results are bit for bit the interpreter's, and loaded with dlopen.
 */
#include "gv_jit_int.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* A slot's number from an operand's offset (decode multiplies them by
 * GV_WARP). */
#define S(off) ((off) / GV_WARP)

#define GV_STR_(...) #__VA_ARGS__
#define GV_STR(...) GV_STR_(__VA_ARGS__)

/* What every compiled file starts with. */
static const char prelude[] =
    "#include <stdint.h>\n#include <stddef.h>\n#include <stdbool.h>\n"
    "#include <string.h>\n#include <math.h>\n"
    "static inline float f32(uint64_t v) { uint32_t u = (uint32_t)v; "
    "float f; memcpy(&f, &u, 4); return f; }\n"
    "static inline uint64_t bf(float f) { uint32_t u; memcpy(&u, &f, 4); "
    "return u; }\n"
    "static inline double f64(uint64_t v) { double d; memcpy(&d, &v, 8); "
    "return d; }\n"
    "static inline uint64_t bd(double d) { uint64_t v; memcpy(&v, &d, 8); "
    "return v; }\n"
    "#define ID(x) (x)\n#define F32(x) f32(x)\n"
    GV_STR(GV_LANE_FUNCS) "\n";

/* The expression of a lane-loop kind, in a, b and c; NULL if none. */
static const char *lane_expr(const struct gv_dinsn *x)
{
#define JIT_EXPR(P, K, E) case K: return GV_STR(E);
    switch (x->k) {
    GV_LANE_OPS(JIT_EXPR, _)
    case GV_K_FMAF: return "bf(fmaf(f32(a), f32(b), f32(c)))";
    case GV_K_FMAD: return "bd(fma(f64(a), f64(b), f64(c)))";
    case GV_K_MADDR: return "dva + a";
    default: return NULL;
    }
#undef JIT_EXPR
}

/* A setp's comparison, as SETP_CASES does it (the rest is >=). */
static void setp_expr(FILE *o, const struct gv_dinsn *x)
{
    static const char *const ops[] = {
        [GV_CMP_EQ] = "==", [GV_CMP_NE] = "!=", [GV_CMP_LT] = "<",
        [GV_CMP_LE] = "<=", [GV_CMP_GT] = ">",
    };
    unsigned c = x->mod & 0x1f;
    const char *op = c < sizeof(ops) / sizeof(ops[0]) && ops[c] ? ops[c]
                                                                : ">=";

#define JIT_SETP(P, K, T, CONV)                                         \
    case K:                                                             \
        fprintf(o, "(uint64_t)((" GV_STR(T) ")" GV_STR(CONV) "(a) %s ("  \
                GV_STR(T) ")" GV_STR(CONV) "(b))", op);                 \
        break;
    switch (x->k) {
    GV_SETP_KINDS(JIT_SETP, _)
    default:
        break;
    }
#undef JIT_SETP
}

static bool is_setp(unsigned k)
{
#define JIT_IS_SETP(P, K, T, CONV) case K:
    switch (k) {
    GV_SETP_KINDS(JIT_IS_SETP, _)
        return true;
    default:
        return false;
    }
#undef JIT_IS_SETP
}

/* Does the expression @e read the operand named @name? */
static bool reads(const char *e, char name)
{
    for (const char *p = e; *p; p++) {
        bool word_before = p > e && (p[-1] == '_' || (p[-1] >= 'a' &&
                           p[-1] <= 'z') || (p[-1] >= '0' && p[-1] <= '9'));
        bool word_after = p[1] == '_' || (p[1] >= 'a' && p[1] <= 'z') ||
                          (p[1] >= '0' && p[1] <= '9') || p[1] == '(';

        if (*p == name && !word_before && !word_after) {
            return true;
        }
    }
    return false;
}

/* ---- liveness: which registers a region must write back ---- */

/* A bit set of @nregs registers at each pc. */
struct live {
    uint32_t words;
    uint64_t *in;               /* ncode * words */
};

static bool bit(const uint64_t *s, uint32_t r)
{
    return s[r / 64] >> (r % 64) & 1;
}

static void set_bit(uint64_t *s, uint32_t r, uint32_t nregs)
{
    if (r < nregs) {
        s[r / 64] |= 1ull << (r % 64);
    }
}

/* The registers read by @x (a guarded instruction also its guard's): a
 * kind this file does not know reads all of them (@all true). */
static void uses(const struct gv_kfunc *kf, const struct gv_dinsn *x,
                 uint64_t *s, bool *all)
{
    const char *e = lane_expr(x);

    if (x->guard & (GV_G_ON | GV_G_NEG)) {
        set_bit(s, S(x->g), kf->nregs);
    }
    *all = false;
    if (e || is_setp(x->k)) {
        if (!e || reads(e, 'a')) {
            set_bit(s, S(x->a), kf->nregs);
        }
        if (!e || reads(e, 'b')) {
            set_bit(s, S(x->b), kf->nregs);
        }
        if (e && reads(e, 'c')) {
            set_bit(s, S(x->c), kf->nregs);
        }
        return;
    }
    switch (x->k) {
    case GV_K_NOP: case GV_K_LDP_UNI: case GV_K_S2R: case GV_K_EXIT:
    case GV_K_BRA:
        return;
    case GV_K_LDG32: case GV_K_LDG64:
        set_bit(s, S(x->a), kf->nregs);
        return;
    case GV_K_STG32: case GV_K_STG64:
        set_bit(s, S(x->a), kf->nregs);
        set_bit(s, S(x->b), kf->nregs);
        return;
    default:
        *all = true;
        return;
    }
}

/* Does @x write its D (and nothing else), always? */
static bool kills(const struct gv_dinsn *x)
{
    if (x->guard & (GV_G_ON | GV_G_NEG)) {
        return false;
    }
    return lane_expr(x) || is_setp(x->k) || x->k == GV_K_LDP_UNI ||
           x->k == GV_K_S2R || x->k == GV_K_LDG32 || x->k == GV_K_LDG64;
}

/* Live-in sets of every pc, to a fixed point (backwards).  Successors:
 * the next pc, and a branch's target; an unguarded exit has none.  Each
 * instruction as gv_jit_own gives it: a fused setp + branch is its setp,
 * and the branch after it its own instruction. */
static int liveness(const struct gv_kfunc *kf, struct live *lv)
{
    const uint32_t w = (kf->nregs + 63) / 64, nc = kf->ncode;
    uint64_t *tmp = calloc(w ? w : 1, 8);
    bool changed = true;

    lv->words = w;
    lv->in = calloc((size_t)nc * (w ? w : 1), 8);
    if (!lv->in || !tmp) {
        free(tmp);
        free(lv->in);
        return -1;
    }
    while (changed) {
        changed = false;
        for (uint32_t pc = nc; pc-- > 0;) {
            const struct gv_dinsn own = gv_jit_own(&kf->code[pc]);
            const struct gv_dinsn *x = &own;
            bool all, uncond = !(x->guard & (GV_G_ON | GV_G_NEG));

            memset(tmp, 0, w * 8);
            if (!(x->k == GV_K_EXIT && uncond) &&
                !(x->k == GV_K_BRA && uncond) && pc + 1 < nc) {
                memcpy(tmp, lv->in + (size_t)(pc + 1) * w, w * 8);
            }
            if (x->k == GV_K_BRA && x->imm >= 0 && (uint32_t)x->imm < nc) {
                for (uint32_t k = 0; k < w; k++) {
                    tmp[k] |= lv->in[(size_t)x->imm * w + k];
                }
            }
            if (kills(x) && S(x->d) < kf->nregs) {
                tmp[S(x->d) / 64] &= ~(1ull << (S(x->d) % 64));
            }
            uses(kf, x, tmp, &all);
            if (all) {
                memset(tmp, 0xff, w * 8);
            }
            if (memcmp(tmp, lv->in + (size_t)pc * w, w * 8)) {
                memcpy(lv->in + (size_t)pc * w, tmp, w * 8);
                changed = true;
            }
        }
    }
    free(tmp);
    return 0;
}

/* ---- the C of a region ---- */

/* Slot @s as an operand: a register's local, or a constant's value. */
static void operand(FILE *o, const struct gv_kfunc *kf, uint32_t s)
{
    if (s >= kf->nregs && s < kf->nslots) {
        fprintf(o, "0x%llxull",
                (unsigned long long)kf->consts[s - kf->nregs]);
    } else {
        fprintf(o, "v%u", s);
    }
}

/* The statements of instruction @x (@k-th access, @u-th uniform) for
 * lane l of warp g; @addr: the address function (a load gives 0, an
 * access records its address). */
static void emit_insn(FILE *o, const struct gv_kfunc *kf,
                      const struct gv_dinsn *x, uint32_t *k, uint32_t *u,
                      bool addr)
{
    const char *e = lane_expr(x);

    if (e || is_setp(x->k)) {
        fprintf(o, "    { const uint64_t a = ");
        operand(o, kf, S(x->a));
        if (!e || reads(e, 'b')) {
            fprintf(o, ", b = ");
            operand(o, kf, S(x->b));
        }
        if (e && reads(e, 'c')) {
            fprintf(o, ", c = ");
            operand(o, kf, S(x->c));
        }
        fprintf(o, "; v%u = ", S(x->d));
        if (e) {
            fprintf(o, "(uint64_t)(%s); }\n", e);
        } else {
            setp_expr(o, x);
            fprintf(o, "; }\n");
        }
        return;
    }
    switch (x->k) {
    case GV_K_NOP:
        return;
    case GV_K_BRA:
        /* the address function's check that no lane takes it */
        if (addr) {
            fprintf(o, "    bad[l] |= (v%u ^ %uu) & 1;\n", S(x->g),
                    (x->guard & GV_G_NEG) ? 1u : 0u);
        }
        return;
    case GV_K_LDP_UNI:
        fprintf(o, "    v%u = U[%u];\n", S(x->d), (*u)++);
        return;
    case GV_K_S2R:
        if (x->mod == GV_SR_TID_X) {
            fprintf(o, "    v%u = (uint64_t)(T[g] + l);\n", S(x->d));
        } else if (x->mod == GV_SR_LANEID) {
            fprintf(o, "    v%u = l;\n", S(x->d));
        } else {
            fprintf(o, "    v%u = U[%u];\n", S(x->d), (*u)++);
        }
        return;
    default:
        break;
    }
    /* an access */
    if (addr) {
        fprintf(o, "    A%u[l] = ", *k);
        operand(o, kf, S(x->a));
        fprintf(o, ";\n");
        if (x->k == GV_K_LDG32 || x->k == GV_K_LDG64) {
            fprintf(o, "    v%u = 0;\n", S(x->d));
        }
    } else if (x->k == GV_K_LDG32) {
        fprintf(o, "    { uint32_t t; memcpy(&t, p%u + 4 * l, 4); v%u = t; }\n",
                *k, S(x->d));
    } else if (x->k == GV_K_LDG64) {
        fprintf(o, "    memcpy(&v%u, p%u + 8 * l, 8);\n", S(x->d), *k);
    } else if (x->k == GV_K_STG32) {
        fprintf(o, "    { uint32_t t = (uint32_t)");
        operand(o, kf, S(x->b));
        fprintf(o, "; memcpy(p%u + 4 * l, &t, 4); }\n", *k);
    } else {
        fprintf(o, "    { uint64_t t = ");
        operand(o, kf, S(x->b));
        fprintf(o, "; memcpy(p%u + 8 * l, &t, 8); }\n", *k);
    }
    (*k)++;
}

/* The registers region @r reads before it writes them (@in), and those it
 * writes (@out), as bit sets of @w words; @probe: scratch of @w words. */
static void region_sets(const struct gv_kfunc *kf, const struct gv_jreg *r,
                        uint64_t *in, uint64_t *out, uint64_t *probe,
                        uint32_t w)
{
    for (uint32_t k = 0; k < r->len; k++) {
        const struct gv_dinsn own = gv_jit_own(&kf->code[r->pc + k]);
        const struct gv_dinsn *x = &own;
        bool all;

        memset(probe, 0, w * 8);
        uses(kf, x, probe, &all);
        for (uint32_t q = 0; q < w; q++) {
            in[q] |= probe[q] & ~out[q];
        }
        if (kills(x)) {
            set_bit(out, S(x->d), kf->nregs);
        }
    }
}

/* Locals for the registers of @r; the inputs loaded from their slots. */
static void emit_locals(FILE *o, const struct gv_kfunc *kf,
                        const uint64_t *in, const uint64_t *out)
{
    for (uint32_t s = 0; s < kf->nregs; s++) {
        if (bit(in, s)) {
            fprintf(o, "    uint64_t v%u = W[%uu * 32 + l];\n", s, s);
        } else if (bit(out, s)) {
            fprintf(o, "    uint64_t v%u;\n", s);
        }
    }
    /* the sink: written, never read */
    fprintf(o, "    uint64_t v%u;\n    (void)v%u;\n", kf->nslots - 1,
            kf->nslots - 1);
}

static const char fn_args[] =
    "size_t st, uint32_t n, const uint64_t *restrict U, "
    "const uint32_t *restrict T, uint64_t dva";

/* The lane loop's statements of region @r: its registers' locals, then
 * each instruction (@addr: as the address function has them). */
static void emit_lanes(FILE *o, const struct gv_kfunc *kf,
                       const struct gv_jreg *r, const uint64_t *in,
                       const uint64_t *out, bool addr)
{
    uint32_t k = 0, u = 0;

    emit_locals(o, kf, in, out);
    for (uint32_t j = 0; j < r->len; j++) {
        const struct gv_dinsn x = gv_jit_own(&kf->code[r->pc + j]);

        emit_insn(o, kf, &x, &k, &u, addr);
    }
}

/* The two functions of region @id. */
static void emit_region(FILE *o, const struct gv_kfunc *kf,
                        const struct gv_jreg *r, uint32_t id,
                        const uint64_t *live_out, uint64_t *sets, uint32_t w)
{
    uint64_t *in = sets, *out = sets + w;
    uint32_t k;

    memset(sets, 0, 3 * w * 8);
    region_sets(kf, r, in, out, sets + 2 * w, w);
    /* addresses */
    fprintf(o, "bool gvj_a%u(const uint64_t *restrict R, %s, "
            "uint64_t *restrict base)\n{\n"
            "  uint64_t bad[32] = { 0 }, any = 0;\n"
            "  (void)U; (void)T; (void)dva;\n"
            "  for (uint32_t g = 0; g < n; g++) {\n"
            "   const uint64_t *restrict W = R + (size_t)g * st;\n", id,
            fn_args);
    for (k = 0; k < r->nmem; k++) {
        fprintf(o, "   uint64_t A%u[32];\n", k);
    }
    fprintf(o, "   for (uint32_t l = 0; l < 32; l++) {\n");
    emit_lanes(o, kf, r, in, out, true);
    fprintf(o, "   }\n");
    for (k = 0; k < r->nmem; k++) {
        fprintf(o, "   for (uint32_t l = 0; l < 32; l++) bad[l] |= A%u[l] ^ "
                "(A%u[0] + %uu * l);\n   base[g * %u + %u] = A%u[0];\n", k,
                k, r->mem[k].size, r->nmem, k, k);
    }
    fprintf(o, "  }\n  for (uint32_t l = 0; l < 32; l++) any |= bad[l];\n"
            "  return any == 0;\n}\n");
    /* body */
    fprintf(o, "uint32_t gvj_b%u(uint64_t *restrict R, %s, "
            "uint8_t *const *restrict P)\n{\n"
            "  uint64_t any = 0, all = 1;\n"
            "  (void)U; (void)T; (void)dva; (void)P;\n"
            "  for (uint32_t g = 0; g < n; g++) {\n"
            "   uint64_t *restrict W = R + (size_t)g * st;\n", id, fn_args);
    for (k = 0; k < r->nmem; k++) {
        fprintf(o, "   uint8_t *restrict p%u = P[g * %u + %u];\n", k,
                r->nmem, k);
    }
    fprintf(o, "   for (uint32_t l = 0; l < 32; l++) {\n");
    emit_lanes(o, kf, r, in, out, false);
    for (uint32_t s = 0; s < kf->nregs; s++) {
        if (bit(out, s) && bit(live_out, s)) {
            fprintf(o, "    W[%uu * 32 + l] = v%u;\n", s, s);
        }
    }
    if (r->setp_end) {
        const struct gv_dinsn x = gv_jit_own(&kf->code[r->pc + r->len - 1]);

        fprintf(o, "    any |= v%u;\n    all &= v%u;\n", S(x.d), S(x.d));
    }
    fprintf(o, "   }\n  }\n  return (uint32_t)((any & 1) | (all & 1) << 1);"
            "\n}\n");
}

/* The whole file for @kf into @o. */
static int emit_file(FILE *o, const struct gv_kfunc *kf)
{
    const struct gv_jit *j = kf->jit;
    const uint32_t w = (kf->nregs + 63) / 64 + 1;
    uint64_t *sets = calloc(4 * (size_t)w, 8), *none;
    struct live lv;

    if (!sets || liveness(kf, &lv) != 0) {
        free(sets);
        return -1;
    }
    none = sets + 3 * w;
    fputs(prelude, o);
    for (uint32_t id = 0; id < j->n; id++) {
        const struct gv_jreg *r = &j->r[id];
        uint32_t end = r->pc + r->len;

        if (!r->want) {
            continue;
        }
        emit_region(o, kf, r, id,
                    end < kf->ncode ? lv.in + (size_t)end * lv.words : none,
                    sets, w);
    }
    free(sets);
    free(lv.in);
    return ferror(o) ? -1 : 0;
}

/* ---- compiling and loading ---- */

/* Run the compiler on @src into @so, its messages into @log: 0 or -1. */
static int run_cc(const char *src, const char *so, const char *log)
{
    const char *cc = getenv("GV_JIT_CC");
    const char *march = "-march=x86-64";
    posix_spawn_file_actions_t fa;
    int status, rc;
    pid_t pid;

#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512dq")) {
        march = "-march=x86-64-v4";
    } else if (__builtin_cpu_supports("avx2") &&
               __builtin_cpu_supports("fma") &&
               __builtin_cpu_supports("bmi2")) {
        march = "-march=x86-64-v3";
    }
#else
    march = "-O2";
#endif
    char *argv[] = {
        (char *)(cc && *cc ? cc : "cc"), (char *)"-std=gnu11", (char *)"-O3",
        (char *)march, (char *)"-mprefer-vector-width=512",
        (char *)"-ffp-contract=off", (char *)"-fno-math-errno",
        (char *)"-fPIC", (char *)"-shared", (char *)"-w",
        (char *)"-o", (char *)so, (char *)src, NULL,
    };
#if !defined(__x86_64__)
    argv[4] = (char *)"-O3";
#endif
    if (posix_spawn_file_actions_init(&fa) != 0) {
        return -1;
    }
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT |
                                     O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        return -1;
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            /* SIGCHLD ignored: the child was reaped; its output decides */
            return access(so, R_OK) == 0 ? 0 : -1;
        }
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* The first line of the compiler's messages in @log, for the reason. */
static void log_line(const char *log, char *buf, size_t len)
{
    FILE *f = fopen(log, "r");

    buf[0] = 0;
    if (f) {
        if (fgets(buf, (int)len, f)) {
            buf[strcspn(buf, "\n")] = 0;
        }
        fclose(f);
    }
}

/* Take @j's region functions from @dl: 0, or -1 if one is missing. */
static int take_symbols(struct gv_jit *j, void *dl)
{
    for (uint32_t id = 0; id < j->n; id++) {
        char name[32];
        void *a, *b;

        if (!j->r[id].want) {
            continue;
        }
        snprintf(name, sizeof(name), "gvj_a%u", id);
        a = dlsym(dl, name);
        snprintf(name, sizeof(name), "gvj_b%u", id);
        b = dlsym(dl, name);
        if (!a || !b) {
            return -1;
        }
        /* object pointers from dlsym, as POSIX allows */
        memcpy(&j->r[id].addr, &a, sizeof(a));
        memcpy(&j->r[id].body, &b, sizeof(b));
    }
    return 0;
}

/* The files a compilation leaves in its directory @dir, and the
 * directory: removed. */
static void remove_dir(const char *dir)
{
    static const char *const names[] = { "r.c", "r.so", "cc.log" };
    char path[320];

    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[k]);
        unlink(path);
    }
    rmdir(dir);
}

static const char *tmp_dir(void)
{
    const char *tmp = getenv("TMPDIR");

    return tmp && *tmp ? tmp : "/tmp";
}

/* Once per process: the directories of compilations whose process died
 * before it removed them (a QEMU or a fuzzer killed while its compiler
 * ran), gv-jit-<pid>-*, <pid> gone and the directory a minute old. */
void gv_jit_sweep(void)
{
    const char *tmp = tmp_dir();
    DIR *d = opendir(tmp);
    struct dirent *e;

    if (!d) {
        return;
    }
    while ((e = readdir(d))) {
        char dir[300];
        struct stat st;
        int pid;

        if (sscanf(e->d_name, "gv-jit-%d-", &pid) != 1 || pid <= 0 ||
            pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH) {
            continue;
        }
        snprintf(dir, sizeof(dir), "%s/%s", tmp, e->d_name);
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
            st.st_uid == getuid() && time(NULL) - st.st_mtime > 60) {
            remove_dir(dir);
        }
    }
    closedir(d);
}

static pthread_once_t swept = PTHREAD_ONCE_INIT;

char *gv_jit_text(const struct gv_kfunc *kf)
{
    char *text = NULL;
    size_t len = 0;
    FILE *o = open_memstream(&text, &len);

    if (!o) {
        return NULL;
    }
    if (emit_file(o, kf) != 0) {
        fclose(o);
        free(text);
        return NULL;
    }
    if (fclose(o) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

int gv_jit_load(struct gv_jit *j, const char *text, char *why,
                size_t why_len)
{
    const bool keep = getenv("GV_JIT_KEEP") != NULL;
    char dir[256], src[300], so[300], log[300], msg[120];
    FILE *o;
    int rc = -1, bad;
    void *dl;

    pthread_once(&swept, gv_jit_sweep);
    /* named for the process (sweep), or kept: never swept */
    snprintf(dir, sizeof(dir), "%s/gv-jit-%s%d-XXXXXX", tmp_dir(),
             keep ? "keep-" : "", (int)getpid());
    if (!mkdtemp(dir)) {
        snprintf(why, why_len, "no temporary directory: %s",
                 strerror(errno));
        return -1;
    }
    snprintf(src, sizeof(src), "%s/r.c", dir);
    snprintf(so, sizeof(so), "%s/r.so", dir);
    snprintf(log, sizeof(log), "%s/cc.log", dir);
    o = fopen(src, "w");
    bad = !o;
    if (o) {
        bad = fputs(text, o) < 0;
        bad |= fclose(o) != 0;
    }
    if (bad) {
        snprintf(why, why_len, "cannot write %s", src);
    } else if (run_cc(src, so, log) != 0) {
        log_line(log, msg, sizeof(msg));
        snprintf(why, why_len, "the C compiler failed: %s", msg);
    } else if (!(dl = dlopen(so, RTLD_NOW | RTLD_LOCAL))) {
        snprintf(why, why_len, "dlopen: %s", dlerror());
    } else if (take_symbols(j, dl) != 0) {
        dlclose(dl);
        snprintf(why, why_len, "a region's function is missing");
    } else {
        j->dl = dl;
        rc = 0;
    }
    if (!keep) {
        remove_dir(dir);
    }
    return rc;
}

void gv_jit_unload(struct gv_jit *j)
{
    if (j->dl) {
        dlclose(j->dl);
        j->dl = NULL;
    }
}
