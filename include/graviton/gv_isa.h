/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU: the compute engine's instruction set ("GVX") and module
 * format.  Like a real GPU the device never sees PTX: the translator
 * (ptx/, the equivalent of the CUDA driver's PTX JIT) turns PTX into a
 * module in this format, the runtime copies the module into device memory
 * and a LAUNCH command names it.  The engine validates every module before
 * running it (a malicious one gets an error, never a crash).
 * docs/isa.md describes every instruction; this header is the contract.
 *
 * Little-endian, fixed width.
 */
#ifndef GRAVITON_GV_ISA_H
#define GRAVITON_GV_ISA_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

#define GV_ISA_ASSERT(t, n) _Static_assert(sizeof(t) == (n), #t " ABI size")

/* ---- registers and operands ----
 *
 * Every thread has nregs 64-bit register slots (a function's own count).
 * A 16-bit operand field is one of:
 *   0 .. 0x7fff              register slot
 *   0x8000 .. 0xfffe         constant (index - 0x8000 into the module's
 *                            pool of 64-bit constants); never a destination
 *   0xffff                   none (e.g. atom whose result is discarded)
 * An instruction reads from a register or constant only the low bits of
 * its type; every write stores the result zero-extended to 64 bits (a
 * predicate is 0 or 1, an f32 is its bit pattern in the low 32 bits).
 */
#define GV_ISA_CONST_BASE       0x8000u
#define GV_ISA_NONE             0xffffu
#define GV_ISA_MAX_REGS         0x7fffu
#define GV_ISA_MAX_CONSTS       0x7fffu

/* ---- types (gv_insn.type, and the source type of CVT) ---- */
enum gv_isa_type {
    GV_T_NONE = 0,
    GV_T_U8 = 1, GV_T_S8 = 2, GV_T_U16 = 3, GV_T_S16 = 4,
    GV_T_U32 = 5, GV_T_S32 = 6, GV_T_U64 = 7, GV_T_S64 = 8,
    GV_T_F32 = 9, GV_T_F64 = 10,
    GV_T_PRED = 11,
    GV_T_F16 = 12,              /* CVT, LD and ST only */
    GV_T__COUNT
};
/* PTX's .bN types are the unsigned types of the same width. */

/* ---- opcodes ----
 * d, a, b, c, e are the operand fields of struct gv_insn.  "type" is the
 * operand type unless said otherwise.  Integer arithmetic wraps. */
enum gv_isa_op {
    GV_I_NOP = 0,       /* nothing (membar, fence, bar.warp.sync) */
    GV_I_MOV,           /* d = a */
    /* d = a + b;  f32/f64: round to nearest even; mod GV_M_SAT (f32 clamp
     * to [0,1], s32 saturate) */
    GV_I_ADD,
    GV_I_SUB,           /* d = a - b */
    GV_I_MUL,           /* d = a * b, low half for integers */
    GV_I_MULHI,         /* d = high half of the double-width a * b (integer) */
    GV_I_MULWIDE,       /* d = a * b at double width; type is the SOURCE type (u16/s16/u32/s32) */
    GV_I_MAD,           /* d = a * b + c (low half); f32/f64: fused, like FMA */
    GV_I_MADHI,         /* d = high half of (a * b) + c */
    GV_I_MADWIDE,       /* d = a * b (double width) + c (double width); type is the SOURCE type */
    GV_I_DIV,           /* d = a / b; integer: truncating; b == 0 gives all
                           ones (unsigned) or -1 (signed); INT_MIN / -1 gives
                           INT_MIN; f32/f64: IEEE (approx and full forms are
                           computed exactly too) */
    GV_I_REM,           /* d = a % b (sign of a); b == 0 gives a; INT_MIN % -1 gives 0 */
    GV_I_ABS,           /* d = |a| (integer: INT_MIN stays INT_MIN) */
    GV_I_NEG,           /* d = -a */
    GV_I_MIN,           /* d = min(a, b); floats: a NaN operand is ignored (fmin) */
    GV_I_MAX,           /* d = max(a, b) */
    GV_I_AND,           /* d = a & b (pred too) */
    GV_I_OR,
    GV_I_XOR,
    GV_I_NOT,           /* d = ~a; pred: d = !a */
    GV_I_CNOT,          /* d = (a == 0) */
    GV_I_SHL,           /* d = a << b; b is u32 and b >= width gives 0 */
    GV_I_SHR,           /* d = a >> b; arithmetic for signed types (b >= width: sign fill) */
    GV_I_POPC,          /* d (u32) = population count of a (type u32 or u64) */
    GV_I_CLZ,           /* d (u32) = leading zeros of a (type u32 or u64) */
    GV_I_BREV,          /* d = bit-reverse of a (u32/u64) */
    /* d = bit field of a at position b (u32), length c (u32); signed types
     * sign-extend (PTX bfe) */
    GV_I_BFE,
    /* d = b with bits [c, c + e) replaced by the low bits of a
     * (PTX bfi.bN d, a, b, c, e) */
    GV_I_BFI,
    GV_I_PRMT,          /* d = byte permute of {b, a} by selector c; mod = GV_PRMT_* mode */
    /* funnel shift, type u32: d = shf(a = lo, b = hi, c = amount);
     * mod = GV_SHF_* */
    GV_I_SHF,
    GV_I_FMA,           /* d = a * b + c, one rounding (f32/f64) */
    GV_I_RCP,           /* d = 1 / a (f32/f64) */
    GV_I_SQRT,          /* d = sqrt(a), correctly rounded */
    GV_I_RSQRT,         /* d = 1 / sqrt(a) */
    GV_I_SIN,           /* d = sin(a) (f32) */
    GV_I_COS,           /* d = cos(a) (f32) */
    GV_I_EX2,           /* d = 2^a (f32) */
    GV_I_LG2,           /* d = log2(a) (f32) */
    GV_I_TANH,          /* d = tanh(a) (f32) */
    GV_I_COPYSIGN,      /* d = |b| with the sign of a (PTX copysign order) */
    GV_I_TESTP,         /* d (pred) = class test of a; mod = GV_TESTP_* */
    GV_I_SETP,          /* d (pred) = a CMP b; mod = GV_CMP_*; type is the compared type */
    GV_I_SELP,          /* d = c ? a : b (c is a predicate) */
    GV_I_CVT,           /* d (type) = convert a (source type e & 0xff); rounding (e >> 8) & 0xf
                           = GV_RND_*; mod GV_M_SAT clamps (float: [0,1]; integer: to the
                           destination range); float -> integer saturates, NaN gives 0 */
    GV_I_LD,            /* d = [a + (int16)e]; type = access type; mod = GV_SPACE_*
                           (8/16-bit signed loads sign-extend) */
    GV_I_ST,            /* [a + (int16)e] = b; type = access type; mod = GV_SPACE_* */
    GV_I_ATOM,          /* d = old [a + (int16)e]; [..] = op(old, b[, c]); type: u32 s32 u64 s64
                           f32 f64; mod = space | (GV_ATOM_* << 4); CAS: if old == b store c;
                           d may be GV_ISA_NONE (PTX red) */
    GV_I_BRA,           /* go to instruction index (b | c << 16) (module-absolute, inside the
                           same function); the guard predicate makes it conditional; mod
                           GV_BRA_JOIN (guarded only): d | a << 16 is the branch's
                           reconvergence point (its immediate post-dominator, module-absolute,
                           inside the function), where the lanes that diverge there meet */
    GV_I_EXIT,          /* the thread ends */
    /* block barrier a (constant, 0..15): the lanes wait until every live
     * thread of the block has arrived at barrier a, or, with GV_BAR_COUNT,
     * b (u32) threads have (arrivals count per barrier; a completed
     * barrier starts over).  GV_BAR_ARRIVE: the lanes arrive and go on
     * (PTX bar.arrive; needs GV_BAR_COUNT) */
    GV_I_BAR,
    GV_I_S2R,           /* d = special register mod (GV_SR_*), u32 unless noted */
    GV_I_MADDR,         /* d (u64) = address of the module's data section + a (u64):
                           .global/.const variables (a = offset in the data section) */
    GV_I_SHFL,          /* d = value of a in the source lane; mod = GV_SHFL_*; b = lane or
                           offset; c = PTX's c operand (clamp | segment mask << 8); e =
                           member mask (GV_ISA_NONE: all lanes).  An out-of-range source
                           lane gives the lane's own a. */
    GV_I_VOTE,          /* d = vote over the active lanes of predicate a; mod = GV_VOTE_*;
                           e = member mask or GV_ISA_NONE */
    GV_I_TRAP,          /* the launch stops with a fault (PTX trap) */
    /* d (u32) = position of the |c|-th set bit of a (u32) counted from bit b
     * upwards (c > 0) or downwards (c < 0; c = 0: bit b itself), 0xffffffff
     * if there is none or b > 31 (PTX fns; b is u32, c s32) */
    GV_I_FNS,
    /* call: each lane's frame end a (u64, a byte offset in local memory)
     * must be <= the function's local_size, else the launch faults
     * (compute.call_depth: the call stack's depth limit); then d (u64) =
     * the return address (the index of the instruction after the CALL in
     * its function, an opaque value for RET) and the lanes go to
     * instruction (b | c << 16) (module-absolute, inside the same
     * function).  The translator's calling convention: docs/isa.md */
    GV_I_CALL,
    /* return: each lane goes to the return address a (u64) that a CALL
     * wrote; one that is not an instruction of the function faults
     * (compute.call_return) */
    GV_I_RET,
    GV_I__COUNT
};

/* modifiers (gv_insn.mod) */
#define GV_M_SAT                0x40u   /* saturate (ADD/SUB s32, float ops, CVT) */
#define GV_M_FTZ                0x80u   /* f32: subnormal inputs and results flush to zero */
/* f32/f64 ADD SUB MUL MAD FMA DIV RCP SQRT: the rounding of the result,
 * GV_RND_RZ, _RM or _RP in mod & GV_M_RND (0 or GV_RND_RN: to nearest) */
#define GV_M_RND                0x07u

enum gv_isa_cmp {                       /* SETP, mod & 0x1f */
    GV_CMP_EQ = 0, GV_CMP_NE, GV_CMP_LT, GV_CMP_LE, GV_CMP_GT, GV_CMP_GE,
    /* unordered forms: true when either operand is NaN (floats only) */
    GV_CMP_EQU, GV_CMP_NEU, GV_CMP_LTU, GV_CMP_LEU, GV_CMP_GTU, GV_CMP_GEU,
    GV_CMP_NUM, GV_CMP_NAN,
    /* PTX lo/ls/hi/hs are LT/LE/GT/GE on unsigned types */
    GV_CMP__COUNT
};

enum gv_isa_rnd {                       /* CVT: (e >> 8) & 0xf */
    GV_RND_NONE = 0,                    /* exact or integer -> integer */
    GV_RND_RN, GV_RND_RZ, GV_RND_RM, GV_RND_RP,         /* to a float: IEEE rounding */
    GV_RND_RNI, GV_RND_RZI, GV_RND_RMI, GV_RND_RPI,     /* to an integer value */
};

enum gv_isa_space {                     /* LD/ST/ATOM: mod & 0xf */
    GV_SPACE_GLOBAL = 0,                /* device virtual address (the channel's page tables) */
    GV_SPACE_SHARED = 1,                /* byte offset into the block's shared memory */
    GV_SPACE_LOCAL = 2,                 /* byte offset into the thread's local memory */
    /* byte offset into the launch's parameter buffer (read only) */
    GV_SPACE_PARAM = 3,
    GV_SPACE_GENERIC = 4,               /* generic address, see below */
};

/* Generic addresses: below 2^40 global; the shared and local windows lie
 * above the 40-bit virtual address space.  cvta.shared adds
 * GV_GENERIC_SHARED, cvta.to.shared subtracts it; the same for local.
 * Anything else faults. */
#define GV_GENERIC_SHARED       0x0001000000000000ull
#define GV_GENERIC_LOCAL        0x0002000000000000ull
#define GV_GENERIC_WINDOW       0x0000000100000000ull   /* 4 GiB each */

enum gv_isa_atom {                      /* ATOM: mod >> 4 */
    GV_ATOM_ADD = 0, GV_ATOM_MIN, GV_ATOM_MAX,
    GV_ATOM_INC,                        /* u32: old >= b ? 0 : old + 1 */
    GV_ATOM_DEC,                        /* u32: old == 0 || old > b ? b : old - 1 */
    GV_ATOM_AND, GV_ATOM_OR, GV_ATOM_XOR, GV_ATOM_EXCH, GV_ATOM_CAS,
};

enum gv_isa_sreg {                      /* S2R: mod */
    GV_SR_TID_X = 0, GV_SR_TID_Y, GV_SR_TID_Z,
    GV_SR_NTID_X, GV_SR_NTID_Y, GV_SR_NTID_Z,
    GV_SR_CTAID_X, GV_SR_CTAID_Y, GV_SR_CTAID_Z,
    GV_SR_NCTAID_X, GV_SR_NCTAID_Y, GV_SR_NCTAID_Z,
    GV_SR_LANEID, GV_SR_WARPID, GV_SR_NWARPID, GV_SR_SMID, GV_SR_NSMID,
    GV_SR_GRIDID,                       /* u64 */
    GV_SR_LANEMASK_EQ, GV_SR_LANEMASK_LT, GV_SR_LANEMASK_LE,
    GV_SR_LANEMASK_GT, GV_SR_LANEMASK_GE,
    GV_SR_CLOCK,                        /* u32: instructions the warp has issued */
    GV_SR_CLOCK64,                      /* u64: same */
    GV_SR_GLOBALTIMER,                  /* u64: nanoseconds, host monotonic clock */
    GV_SR__COUNT
};

enum gv_isa_shfl { GV_SHFL_UP = 0, GV_SHFL_DOWN, GV_SHFL_BFLY, GV_SHFL_IDX };
enum gv_isa_vote { GV_VOTE_ALL = 0, GV_VOTE_ANY, GV_VOTE_UNI, GV_VOTE_BALLOT };
enum gv_isa_testp {
    GV_TESTP_FINITE = 0, GV_TESTP_INFINITE, GV_TESTP_NUMBER,
    GV_TESTP_NOTANUMBER, GV_TESTP_NORMAL, GV_TESTP_SUBNORMAL,
};
enum gv_isa_prmt {
    GV_PRMT_DEFAULT = 0, GV_PRMT_F4E, GV_PRMT_B4E, GV_PRMT_RC8,
    GV_PRMT_ECL, GV_PRMT_ECR, GV_PRMT_RC16,
};
#define GV_BAR_ARRIVE           0x1u    /* BAR: arrive without waiting */
#define GV_BAR_COUNT            0x2u    /* BAR: b is the thread count */
#define GV_SHF_R                0x1u    /* SHF: right (else left) */
#define GV_SHF_WRAP             0x2u    /* SHF: amount mod 32 (else clamp to 32) */
#define GV_BRA_JOIN             0x1u    /* BRA: d | a << 16 is the reconvergence point */

/* guard (gv_insn.guard) */
#define GV_G_ON                 0x1u    /* execute only where predicate gpred ... */
#define GV_G_NEG                0x2u    /* ... is false (else true) */

/* One instruction: 16 bytes. */
struct gv_insn {
    uint8_t op;                 /* GV_I_* */
    uint8_t type;               /* GV_T_* */
    uint8_t mod;
    uint8_t guard;              /* GV_G_* */
    uint16_t gpred;             /* guard predicate register */
    uint16_t d, a, b, c, e;
};
GV_ISA_ASSERT(struct gv_insn, 16);

/* ---- module image ----
 *
 *   header | functions | params | instructions | constants | strings | data
 *
 * Every section offset is from the start of the module and 8-byte aligned;
 * data is 256-byte aligned.  The module is placed in device memory at a
 * 256-byte aligned virtual address (LAUNCH's module_va); MADDR turns a
 * data offset into an address, so .global/.const variables live in the
 * module's own (writable) memory.  Only entry functions appear: the
 * translator inlines .func calls, and the functions that recurse are
 * code inside the entry's instruction range, reached by CALL.
 */
#define GV_ISA_MAGIC            0x584d5647u     /* "GVMX" */
#define GV_ISA_VERSION          1u
#define GV_ISA_MODULE_MAX       (32u << 20)     /* image, data included */
#define GV_ISA_MAX_PARAM        4096u           /* bytes of kernel parameters */
#define GV_ISA_MAX_SHARED       (48u << 10)     /* static + dynamic, per block */
#define GV_ISA_MAX_LOCAL        (64u << 10)     /* per thread */
#define GV_ISA_MAX_BLOCK        1024u           /* threads per block */

struct gv_isa_module {
    uint32_t magic;
    uint16_t version;
    uint16_t hdr_size;          /* sizeof(struct gv_isa_module) */
    uint32_t total_size;        /* bytes, data included */
    uint32_t nfuncs, funcs_off;         /* struct gv_isa_func[] */
    uint32_t nparams, params_off;       /* struct gv_isa_param[] */
    uint32_t ninsns, insns_off;         /* struct gv_insn[] */
    uint32_t nconsts, consts_off;       /* uint64_t[] */
    uint32_t strings_size, strings_off; /* NUL-terminated names */
    uint32_t data_size, data_off;       /* initial .global/.const image */
    uint32_t reserved;
};
GV_ISA_ASSERT(struct gv_isa_module, 64);

#define GV_FUNC_ENTRY           (1u << 0)
struct gv_isa_func {
    uint32_t name_off;          /* into strings */
    uint32_t flags;             /* GV_FUNC_ENTRY */
    uint32_t insn_start, insn_count;
    uint32_t nregs;             /* register slots 0..nregs-1 */
    uint32_t param_start, nparams;      /* into the param table */
    uint32_t param_size;        /* bytes of the parameter buffer */
    uint32_t shared_size;       /* static shared bytes, a multiple of 16; .extern
                                   .shared arrays (dynamic) start at this offset */
    uint32_t local_size;        /* bytes of local memory per thread */
    uint32_t reqntid[3];        /* .reqntid / .maxntid, 0 if none */
    uint32_t reserved;
};
GV_ISA_ASSERT(struct gv_isa_func, 56);

struct gv_isa_param {
    uint32_t offset;            /* in the parameter buffer, naturally aligned */
    uint32_t size;              /* bytes */
};
GV_ISA_ASSERT(struct gv_isa_param, 8);

#endif /* GRAVITON_GV_ISA_H */
