/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PTX translator: PTX text (as clang or nvcc emit it) in, a GVX module
 * (include/graviton/gv_isa.h) out; plus the structural checker, a lookup
 * and a disassembler for GVX modules.  Self-contained (libc and libm), so
 * that guest programs can link it statically.  docs/ptx.md describes the
 * supported PTX subset, docs/isa.md the module format.
 */
#ifndef GV_PTX_H
#define GV_PTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graviton/gv_isa.h"
#include "graviton/gv_isa_rules.h"

/*
 * Translate @len bytes of PTX text at @ptx into a GVX module image.  On
 * success returns 0 and *@out (malloc'd, the caller frees it) holds
 * *@out_len bytes.  On failure returns -1, leaves *@out NULL and writes a
 * message "line N: <construct>: <why>" to @err (NUL-terminated, truncated
 * to @err_len bytes; @err may be NULL).
 */
int gv_ptx_translate(const char *ptx, size_t len, uint8_t **out,
                     size_t *out_len, char *err, size_t err_len);

/* A .global or .const variable of a translated module. */
struct gv_ptx_symbol {
    const char *name;
    uint32_t offset;            /* in the module's data section (MADDR) */
    uint32_t size;              /* bytes */
    int is_const;               /* .const (else .global) */
};

/*
 * gv_ptx_translate(), and the module's variables: *@syms (malloc'd as one
 * block with their names, the caller frees it; NULL if @syms is NULL) holds
 * *@nsyms entries, in declaration order.  A device address is the
 * module's address + its header's data_off + offset.
 */
int gv_ptx_translate_syms(const char *ptx, size_t len, uint8_t **out,
                          size_t *out_len, struct gv_ptx_symbol **syms,
                          size_t *nsyms, char *err, size_t err_len);

/*
 * gv_ptx_translate() on the contents of the file at @path.  On failure the
 * message says which: "PATH: <I/O error>" or "PATH: line N: ...".
 */
int gv_ptx_translate_file(const char *path, uint8_t **out, size_t *out_len,
                          char *err, size_t err_len);

/*
 * Check a GVX image's structure the way the engine does before running it
 * (header, section bounds and alignment, every function, parameter, string
 * and instruction: opcodes, types, modifiers, register and constant
 * operands, branch targets).  0, or -1 with a message in @err.
 */
int gv_isa_check(const uint8_t *img, size_t len, char *err, size_t err_len);

/*
 * A module image from its parts, in the one layout every writer uses
 * (the translator, gv-ptxas, the test and attack libraries, the module
 * generator): the header, then the functions, parameters, instructions,
 * constants and strings, each right after the one before (the strings
 * @strings_size bytes, NUL-terminated names), then the data at the next
 * multiple of 256 bytes, the image's size a multiple of 8.  A part with
 * no entries may have a NULL pointer; NULL @data with a @data_size gives
 * zeroed data.  The caller fills each function's fields; the header's
 * are filled here.  A calloc'd image of *@len bytes, or NULL when out of
 * memory or when *@len (set either way) is larger than GV_ISA_MODULE_MAX.
 * Nothing is checked: run
 * gv_isa_check() on the result where the parts are not known good.
 */
struct gv_isa_parts {
    const struct gv_isa_func *funcs;
    uint32_t nfuncs;
    const struct gv_isa_param *params;
    uint32_t nparams;
    const struct gv_insn *insns;
    uint32_t ninsns;
    const uint64_t *consts;
    uint32_t nconsts;
    const char *strings;
    uint32_t strings_size;
    const uint8_t *data;
    uint32_t data_size;
};
uint8_t *gv_isa_write(const struct gv_isa_parts *p, size_t *len);

/* The index of the function named @name in a valid image, or -1. */
int gv_isa_find_func(const uint8_t *img, size_t len, const char *name);

/*
 * A human-readable listing of the image (functions, their parameters and
 * instructions, constants, data): a malloc'd string, NULL only when out of
 * memory.  An invalid image gives a one-line message saying why.
 */
char *gv_isa_disasm(const uint8_t *img, size_t len);

/* Name of a GVX opcode, type or special register ("?" when out of range).
 * (Whether a type is one of an opcode's, gv_isa_type_ok(), and the other
 * instruction rules are in graviton/gv_isa_rules.h, shared with the
 * device.) */
const char *gv_isa_op_name(unsigned op);
const char *gv_isa_type_name(unsigned type);
const char *gv_isa_sreg_name(unsigned sreg);

#endif /* GV_PTX_H */
