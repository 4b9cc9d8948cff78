/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PTX translator, front half: the arena, errors, the tokeniser and the
 * parser that turns PTX text into a list of functions (statements with
 * their operands) and module-scope variables.  Nothing is interpreted
 * here beyond syntax; gv_ptx.c gives it meaning.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graviton/gv_isa.h"
#include "gv_ptx_int.h"

/* ---- arena and errors ---- */

struct gvp_block {
    struct gvp_block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

#define GVP_BLOCK 65536u

void *gvp_alloc(struct gvp *p, size_t n)
{
    struct gvp_block *b = p->blocks;
    void *r;

    n = (n + 15) & ~(size_t)15;
    if (!b || b->size - b->used < n) {
        size_t sz = n > GVP_BLOCK ? n : GVP_BLOCK;

        b = malloc(sizeof(*b) + sz);
        if (!b) {
            gvp_fail(p, 0, "translator", "out of memory");
        }
        b->used = 0;
        b->size = sz;
        if (p->blocks && n > GVP_BLOCK) {
            /* a big block goes second so that the current one stays open */
            b->next = p->blocks->next;
            p->blocks->next = b;
        } else {
            b->next = p->blocks;
            p->blocks = b;
        }
    }
    r = b->data + b->used;
    b->used += n;
    memset(r, 0, n);
    return r;
}

char *gvp_strndup(struct gvp *p, const char *s, size_t n)
{
    char *r = gvp_alloc(p, n + 1);

    memcpy(r, s, n);
    r[n] = 0;
    return r;
}

void *gvp_grow(struct gvp *p, void *arr, size_t *cap, size_t need,
               size_t esz)
{
    size_t ncap;
    void *n;

    if (need <= *cap) {
        return arr;
    }
    ncap = *cap ? *cap * 2 : 16;
    while (ncap < need) {
        ncap *= 2;
    }
    if (ncap > (SIZE_MAX >> 1) / esz) {
        gvp_fail(p, 0, "translator", "out of memory");
    }
    n = gvp_alloc(p, ncap * esz);
    if (*cap) {
        memcpy(n, arr, *cap * esz);
    }
    *cap = ncap;
    return n;
}

void gvp_fail(struct gvp *p, int line, const char *construct,
              const char *fmt, ...)
{
    va_list ap;
    size_t n;

    if (p->err && p->err_len) {
        n = (size_t)snprintf(p->err, p->err_len, "line %d: %s: ", line,
                             construct);
        if (n < p->err_len) {
            va_start(ap, fmt);
            vsnprintf(p->err + n, p->err_len - n, fmt, ap);
            va_end(ap);
        }
    }
    longjmp(p->fail, 1);
}

/* ---- types ---- */

const struct gvp_typeinfo gvp_types[PT__COUNT] = {
    [PT_NONE] = { "", 0, K_NONE, GV_T_NONE },
    [PT_B8] = { "b8", 1, K_B, GV_T_U8 },
    [PT_B16] = { "b16", 2, K_B, GV_T_U16 },
    [PT_B32] = { "b32", 4, K_B, GV_T_U32 },
    [PT_B64] = { "b64", 8, K_B, GV_T_U64 },
    [PT_B128] = { "b128", 16, K_OTHER, GV_T_NONE },
    [PT_U8] = { "u8", 1, K_U, GV_T_U8 },
    [PT_U16] = { "u16", 2, K_U, GV_T_U16 },
    [PT_U32] = { "u32", 4, K_U, GV_T_U32 },
    [PT_U64] = { "u64", 8, K_U, GV_T_U64 },
    [PT_S8] = { "s8", 1, K_S, GV_T_S8 },
    [PT_S16] = { "s16", 2, K_S, GV_T_S16 },
    [PT_S32] = { "s32", 4, K_S, GV_T_S32 },
    [PT_S64] = { "s64", 8, K_S, GV_T_S64 },
    [PT_F16] = { "f16", 2, K_HALF, GV_T_F16 },
    [PT_F16X2] = { "f16x2", 4, K_HALF, GV_T_NONE },
    [PT_BF16] = { "bf16", 2, K_HALF, GV_T_NONE },
    [PT_BF16X2] = { "bf16x2", 4, K_HALF, GV_T_NONE },
    [PT_TF32] = { "tf32", 4, K_OTHER, GV_T_NONE },
    [PT_F32] = { "f32", 4, K_F, GV_T_F32 },
    [PT_F64] = { "f64", 8, K_F, GV_T_F64 },
    [PT_PRED] = { "pred", 1, K_PRED, GV_T_PRED },
};

int gvp_type_by_name(const char *s)
{
    for (int i = 1; i < PT__COUNT; i++) {
        if (!strcmp(gvp_types[i].name, s)) {
            return i;
        }
    }
    return PT_NONE;
}

/* ---- tokeniser ---- */

static bool word_start(int c)
{
    return isalpha(c) || c == '_' || c == '$' || c == '%' || c == '.';
}

static bool word_char(int c)
{
    return isalnum(c) || c == '_' || c == '$' || c == '.';
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void add_tok(struct gvp *p, size_t *cap, const struct gvp_tok *t)
{
    p->toks = gvp_grow(p, p->toks, cap, p->ntoks + 1, sizeof(*t));
    p->toks[p->ntoks++] = *t;
}

/* A number at *sp (a digit): an integer or a float literal. */
static void lex_number(struct gvp *p, const char **sp, int line,
                       struct gvp_tok *t)
{
    const char *s = *sp, *e = p->end, *q = s;
    uint64_t v = 0;

    if (s[0] == '0' && s + 1 < e && (s[1] == 'f' || s[1] == 'F' ||
                                     s[1] == 'd' || s[1] == 'D')) {
        int nd = (s[1] == 'f' || s[1] == 'F') ? 8 : 16;

        q = s + 2;
        for (int i = 0; i < nd; i++, q++) {
            if (q >= e || hexval(*q) < 0) {
                gvp_fail(p, line, "literal", "%s needs %d hex digits",
                         nd == 8 ? "0f" : "0d", nd);
            }
            v = v << 4 | (uint64_t)hexval(*q);
        }
        t->kind = TK_FLT;
        t->fk = nd == 8 ? FK_F32 : FK_F64;
        t->u = v;
    } else if (s[0] == '0' && s + 1 < e && (s[1] == 'x' || s[1] == 'X' ||
                                            s[1] == 'b' || s[1] == 'B')) {
        int base = (s[1] == 'x' || s[1] == 'X') ? 16 : 2;
        int nd = 0;

        q = s + 2;
        for (; q < e && hexval(*q) >= 0 && hexval(*q) < base; q++, nd++) {
            if (v >> (base == 16 ? 60 : 63)) {
                gvp_fail(p, line, "literal", "integer literal out of range");
            }
            v = v * (uint64_t)base + (uint64_t)hexval(*q);
        }
        if (!nd) {
            gvp_fail(p, line, "literal", "digits expected after 0%c", s[1]);
        }
        t->kind = TK_INT;
        t->u = v;
    } else {
        bool flt = false;

        while (q < e && isdigit((unsigned char)*q)) {
            q++;
        }
        if (q < e && (*q == '.' || *q == 'e' || *q == 'E')) {
            flt = true;
            if (*q == '.') {
                q++;
                while (q < e && isdigit((unsigned char)*q)) {
                    q++;
                }
            }
            if (q < e && (*q == 'e' || *q == 'E')) {
                q++;
                if (q < e && (*q == '+' || *q == '-')) {
                    q++;
                }
                if (q >= e || !isdigit((unsigned char)*q)) {
                    gvp_fail(p, line, "literal", "bad exponent");
                }
                while (q < e && isdigit((unsigned char)*q)) {
                    q++;
                }
            }
        }
        if (flt) {
            char *tmp = gvp_strndup(p, s, (size_t)(q - s));

            t->kind = TK_FLT;
            t->fk = FK_DEC;
            t->d = strtod(tmp, NULL);
        } else {
            int base = (s[0] == '0' && q - s > 1) ? 8 : 10;

            for (const char *r = s; r < q; r++) {
                int dv = *r - '0';

                if (dv >= base) {
                    gvp_fail(p, line, "literal", "bad octal digit");
                }
                if (v > (UINT64_MAX - (uint64_t)dv) / (uint64_t)base) {
                    gvp_fail(p, line, "literal",
                             "integer literal out of range");
                }
                v = v * (uint64_t)base + (uint64_t)dv;
            }
            t->kind = TK_INT;
            t->u = v;
        }
    }
    if (t->kind == TK_INT && q < e && (*q == 'U' || *q == 'u')) {
        q++;
    }
    if (q < e && (word_char((unsigned char)*q) && *q != '.')) {
        gvp_fail(p, line, "literal", "malformed number");
    }
    t->s = gvp_strndup(p, s, (size_t)(q - s));
    *sp = q;
}

static void tokenise(struct gvp *p)
{
    const char *s = p->src, *e = p->end;
    size_t cap = 0;
    int line = 1;
    struct gvp_tok t;

    while (s < e) {
        int c = (unsigned char)*s;

        if (c == '\n') {
            line++;
            s++;
            continue;
        }
        if (isspace(c)) {
            s++;
            continue;
        }
        if (c == '/' && s + 1 < e && s[1] == '/') {
            while (s < e && *s != '\n') {
                s++;
            }
            continue;
        }
        if (c == '/' && s + 1 < e && s[1] == '*') {
            int l0 = line;

            s += 2;
            while (s + 1 < e && !(s[0] == '*' && s[1] == '/')) {
                if (*s == '\n') {
                    line++;
                }
                s++;
            }
            if (s + 1 >= e) {
                gvp_fail(p, l0, "comment", "unterminated /* comment");
            }
            s += 2;
            continue;
        }
        if (c == 0) {
            gvp_fail(p, line, "text", "NUL character in the PTX text");
        }
        memset(&t, 0, sizeof(t));
        t.line = line;
        if (word_start(c)) {
            const char *q = s + 1;

            for (;;) {
                if (q < e && word_char((unsigned char)*q)) {
                    q++;
                } else if (q + 2 < e && q[0] == ':' && q[1] == ':' &&
                           word_char((unsigned char)q[2])) {
                    q += 2;
                } else {
                    break;
                }
            }
            t.kind = TK_WORD;
            t.s = gvp_strndup(p, s, (size_t)(q - s));
            s = q;
        } else if (isdigit(c)) {
            lex_number(p, &s, line, &t);
        } else if (c == '"') {
            const char *q = s + 1;

            while (q < e && *q != '"' && *q != '\n') {
                q += (*q == '\\' && q + 1 < e) ? 2 : 1;
            }
            if (q >= e || *q != '"') {
                gvp_fail(p, line, "string", "unterminated string");
            }
            t.kind = TK_STR;
            t.s = gvp_strndup(p, s + 1, (size_t)(q - s - 1));
            s = q + 1;
        } else if (strchr(",;:{}[]()+-!@|<>=*/&^~", c)) {
            t.kind = TK_PUNCT;
            t.c = (char)c;
            s++;
        } else {
            gvp_fail(p, line, "text", isprint(c) ? "unexpected character "
                     "'%c'" : "unexpected byte 0x%02x", c);
        }
        add_tok(p, &cap, &t);
    }
    memset(&t, 0, sizeof(t));
    t.kind = TK_END;
    t.line = line;
    add_tok(p, &cap, &t);
}

/* ---- parser ---- */

struct ps {
    struct gvp *p;
    size_t i;                   /* current token */
    struct gvp_module *m;
    size_t funcs_cap, vars_cap;
};

static const struct gvp_tok *peek(struct ps *ps)
{
    return &ps->p->toks[ps->i];
}

static const struct gvp_tok *peek2(struct ps *ps)
{
    return ps->p->toks[ps->i].kind == TK_END ? &ps->p->toks[ps->i]
                                             : &ps->p->toks[ps->i + 1];
}

static const struct gvp_tok *next(struct ps *ps)
{
    const struct gvp_tok *t = &ps->p->toks[ps->i];

    if (t->kind != TK_END) {
        ps->i++;
    }
    return t;
}

static bool is_punct(const struct gvp_tok *t, char c)
{
    return t->kind == TK_PUNCT && t->c == c;
}

static bool is_word(const struct gvp_tok *t, const char *w)
{
    return t->kind == TK_WORD && !strcmp(t->s, w);
}

static bool accept(struct ps *ps, char c)
{
    if (is_punct(peek(ps), c)) {
        next(ps);
        return true;
    }
    return false;
}

static const char *tok_desc(const struct gvp_tok *t)
{
    static __thread char buf[48];

    switch (t->kind) {
    case TK_END:
        return "end of file";
    case TK_PUNCT:
        snprintf(buf, sizeof(buf), "'%c'", t->c);
        return buf;
    case TK_STR:
        return "a string";
    default:
        snprintf(buf, sizeof(buf), "'%.40s'", t->s);
        return buf;
    }
}

static void expect(struct ps *ps, char c, const char *construct)
{
    const struct gvp_tok *t = peek(ps);

    if (!is_punct(t, c)) {
        gvp_fail(ps->p, t->line, construct, "expected '%c', found %s", c,
                 tok_desc(t));
    }
    next(ps);
}

static const char *expect_word(struct ps *ps, const char *construct,
                               const char *what)
{
    const struct gvp_tok *t = peek(ps);

    if (t->kind != TK_WORD) {
        gvp_fail(ps->p, t->line, construct, "expected %s, found %s", what,
                 tok_desc(t));
    }
    next(ps);
    return t->s;
}

/* Skip the rest of the line of token @t (for .loc and .file). */
static void skip_line(struct ps *ps, int line)
{
    while (peek(ps)->kind != TK_END && peek(ps)->line == line) {
        next(ps);
    }
}

/* Skip to the ';' that ends a statement (for .pragma). */
static void skip_stmt(struct ps *ps, const char *construct)
{
    int line = peek(ps)->line;

    while (!is_punct(peek(ps), ';')) {
        if (peek(ps)->kind == TK_END) {
            gvp_fail(ps->p, line, construct, "missing ';'");
        }
        next(ps);
    }
    next(ps);
}

/* ---- integer constant expressions ---- */

static int64_t expr(struct ps *ps, const char *construct);

static int64_t expr_primary(struct ps *ps, const char *construct)
{
    const struct gvp_tok *t = peek(ps);
    int64_t v;

    if (t->kind == TK_INT) {
        next(ps);
        return (int64_t)t->u;
    }
    if (accept(ps, '(')) {
        v = expr(ps, construct);
        expect(ps, ')', construct);
        return v;
    }
    if (accept(ps, '-')) {
        return (int64_t)(0 - (uint64_t)expr_primary(ps, construct));
    }
    if (accept(ps, '~')) {
        return ~expr_primary(ps, construct);
    }
    if (accept(ps, '!')) {
        return !expr_primary(ps, construct);
    }
    if (t->kind == TK_FLT) {
        gvp_fail(ps->p, t->line, construct,
                 "floating-point literal in an integer expression");
    }
    gvp_fail(ps->p, t->line, construct, "expected an operand, found %s",
             tok_desc(t));
}

static int64_t expr_bin(struct ps *ps, const char *construct, int level)
{
    int64_t v, r;

    if (level == 0) {
        return expr_primary(ps, construct);
    }
    v = expr_bin(ps, construct, level - 1);
    for (;;) {
        const struct gvp_tok *t = peek(ps), *t2 = peek2(ps);
        int line = t->line;
        char op = 0;

        if (t->kind != TK_PUNCT) {
            break;
        }
        switch (level) {
        case 1:
            op = (t->c == '*' || t->c == '/') ? t->c : 0;
            break;
        case 2:
            op = (t->c == '+' || t->c == '-') ? t->c : 0;
            break;
        case 3:
            if ((t->c == '<' || t->c == '>') && is_punct(t2, t->c)) {
                op = t->c;
                next(ps);
            }
            break;
        case 4:
            op = t->c == '&' ? '&' : 0;
            break;
        case 5:
            op = t->c == '^' ? '^' : 0;
            break;
        case 6:
            op = t->c == '|' ? '|' : 0;
            break;
        }
        if (!op) {
            break;
        }
        next(ps);
        r = expr_bin(ps, construct, level - 1);
        switch (op) {
        case '*':
            v = (int64_t)((uint64_t)v * (uint64_t)r);
            break;
        case '/':
            if (r == 0 || (r == -1 && v == INT64_MIN)) {
                gvp_fail(ps->p, line, construct, "division by zero");
            }
            v /= r;
            break;
        case '+':
            v = (int64_t)((uint64_t)v + (uint64_t)r);
            break;
        case '-':
            v = (int64_t)((uint64_t)v - (uint64_t)r);
            break;
        case '<':
            v = (r < 0 || r > 63) ? 0 : (int64_t)((uint64_t)v << r);
            break;
        case '>':
            /* arithmetic shift, computed unsigned (a negative value
             * shifted right is implementation-defined in C) */
            if (r < 0 || r > 63) {
                v = v < 0 ? -1 : 0;
            } else if (v < 0) {
                v = (int64_t)~(~(uint64_t)v >> r);
            } else {
                v = (int64_t)((uint64_t)v >> r);
            }
            break;
        case '&':
            v &= r;
            break;
        case '^':
            v ^= r;
            break;
        case '|':
            v |= r;
            break;
        }
    }
    return v;
}

static int64_t expr(struct ps *ps, const char *construct)
{
    return expr_bin(ps, construct, 6);
}

/* ---- operands ---- */

static void parse_operand(struct ps *ps, struct gvp_opd *o,
                          const char *construct, bool call);

static void parse_list(struct ps *ps, struct gvp_opd *o, char close,
                       const char *construct)
{
    size_t cap = 0;

    if (accept(ps, close)) {
        return;
    }
    do {
        o->elts = gvp_grow(ps->p, o->elts, &cap, (size_t)o->n + 1,
                           sizeof(*o->elts));
        parse_operand(ps, &o->elts[o->n++], construct, false);
    } while (accept(ps, ','));
    expect(ps, close, construct);
}

static void parse_operand(struct ps *ps, struct gvp_opd *o,
                          const char *construct, bool call)
{
    const struct gvp_tok *t = peek(ps);

    memset(o, 0, sizeof(*o));
    if (accept(ps, '[')) {
        o->kind = OK_MEM;
        if (peek(ps)->kind == TK_WORD) {
            o->name = next(ps)->s;
            if (accept(ps, '+')) {
                o->ival = expr(ps, construct);
            } else if (accept(ps, '-')) {
                o->ival = (int64_t)(0 - (uint64_t)expr(ps, construct));
            }
        } else {
            o->ival = expr(ps, construct);
        }
        expect(ps, ']', construct);
        return;
    }
    if (accept(ps, '{')) {
        o->kind = OK_VEC;
        parse_list(ps, o, '}', construct);
        if (o->n == 0) {
            gvp_fail(ps->p, t->line, construct, "empty vector operand");
        }
        return;
    }
    if (call && accept(ps, '(')) {
        o->kind = OK_LIST;
        parse_list(ps, o, ')', construct);
        return;
    }
    if (accept(ps, '!')) {
        o->kind = OK_NAME;
        o->neg = true;
        o->name = expect_word(ps, construct, "a predicate after '!'");
        return;
    }
    if (t->kind == TK_WORD) {
        next(ps);
        if (!strcmp(t->s, "_")) {
            o->kind = OK_SINK;
            return;
        }
        o->kind = OK_NAME;
        o->name = t->s;
        if (accept(ps, '|')) {
            o->kind = OK_PAIR;
            o->name2 = expect_word(ps, construct, "a predicate after '|'");
        } else if (accept(ps, '+')) {
            o->ival = expr(ps, construct);
        } else if (is_punct(peek(ps), '-')) {
            next(ps);
            o->ival = (int64_t)(0 - (uint64_t)expr(ps, construct));
        }
        return;
    }
    if (t->kind == TK_FLT || (is_punct(t, '-') && peek2(ps)->kind == TK_FLT)) {
        bool minus = accept(ps, '-');

        t = next(ps);
        o->kind = OK_FLT;
        o->fk = t->fk;
        o->bits = t->u;
        o->dval = t->d;
        if (minus) {
            if (t->fk == FK_DEC) {
                o->dval = -o->dval;
            } else {
                o->bits ^= t->fk == FK_F32 ? 0x80000000ull
                                            : 0x8000000000000000ull;
            }
        }
        return;
    }
    o->kind = OK_INT;
    o->ival = expr(ps, construct);
}

/* ---- declarations ---- */

static int space_of(const char *w)
{
    static const struct { const char *n; int sp; } tab[] = {
        { ".reg", SP_REG }, { ".param", SP_PARAM }, { ".local", SP_LOCAL },
        { ".shared", SP_SHARED }, { ".global", SP_GLOBAL },
        { ".const", SP_CONST },
    };

    for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
        if (!strcmp(w, tab[i].n)) {
            return tab[i].sp;
        }
    }
    return SP_NONE;
}

/* A directive that starts a module-scope statement (and so ends an old
 * PTX function prototype written without ';'). */
static bool module_directive(const char *w)
{
    static const char *const tab[] = {
        ".visible", ".extern", ".weak", ".common", ".entry", ".func",
        ".global", ".const", ".shared", ".local", ".reg", ".tex", ".texref",
        ".surfref", ".samplerref", ".file", ".loc", ".section", ".version",
        ".target", ".address_size", ".alias", NULL,
    };

    for (int i = 0; tab[i]; i++) {
        if (!strcmp(w, tab[i])) {
            return true;
        }
    }
    return false;
}

static void parse_init(struct ps *ps, struct gvp_init *in)
{
    const struct gvp_tok *t = peek(ps);

    in->line = t->line;
    if (accept(ps, '{')) {
        size_t cap = 0;

        in->list = true;
        if (accept(ps, '}')) {
            return;
        }
        do {
            in->elts = gvp_grow(ps->p, in->elts, &cap, (size_t)in->n + 1,
                                sizeof(*in->elts));
            parse_init(ps, &in->elts[in->n++]);
        } while (accept(ps, ','));
        expect(ps, '}', "initialiser");
        return;
    }
    if (is_word(t, "generic") && is_punct(peek2(ps), '(')) {
        next(ps);
        next(ps);
        parse_operand(ps, &in->val, "initialiser", false);
        expect(ps, ')', "initialiser");
        if (in->val.kind != OK_NAME) {
            gvp_fail(ps->p, t->line, "initialiser",
                     "generic() needs a variable name");
        }
        return;
    }
    parse_operand(ps, &in->val, "initialiser", false);
    if (in->val.kind != OK_INT && in->val.kind != OK_FLT &&
        in->val.kind != OK_NAME) {
        gvp_fail(ps->p, t->line, "initialiser", "unexpected %s",
                 tok_desc(t));
    }
}

/*
 * One declaration statement after its state space directive: attributes,
 * type, then one or more names with dimensions and initialisers.  Returns
 * the count in *n.  @construct names the directive for errors.
 */
static struct gvp_decl *parse_decl(struct ps *ps, int space, bool ext,
                                   const char *construct, int *n,
                                   bool single)
{
    struct gvp_decl proto, *out = NULL;
    size_t cap = 0;
    int line = peek(ps)->line;

    memset(&proto, 0, sizeof(proto));
    proto.space = (uint8_t)space;
    proto.vec = 1;
    proto.ext = ext;
    proto.range = -1;
    *n = 0;
    for (;;) {
        const struct gvp_tok *t = peek(ps);
        int ty;

        if (t->kind != TK_WORD || t->s[0] != '.') {
            break;
        }
        next(ps);
        if (!strcmp(t->s, ".align")) {
            const struct gvp_tok *a = next(ps);

            if (a->kind != TK_INT || a->u == 0 || (a->u & (a->u - 1)) ||
                a->u > 4096) {
                gvp_fail(ps->p, t->line, construct,
                         ".align needs a power of two up to 4096");
            }
            proto.align = (uint32_t)a->u;
        } else if (!strcmp(t->s, ".v2") || !strcmp(t->s, ".v4")) {
            proto.vec = (uint8_t)(t->s[2] - '0');
        } else if (!strcmp(t->s, ".ptr")) {
            /* kernel parameter attributes: .ptr [.space] [.align N] */
            const struct gvp_tok *s2 = peek(ps);

            if (s2->kind == TK_WORD && space_of(s2->s) != SP_NONE) {
                next(ps);
            }
        } else if ((ty = gvp_type_by_name(t->s + 1)) != PT_NONE) {
            if (proto.ptype) {
                gvp_fail(ps->p, t->line, construct, "two types");
            }
            proto.ptype = (uint8_t)ty;
        } else if (!strcmp(t->s, ".attribute")) {
            gvp_fail(ps->p, t->line, construct,
                     ".attribute is not supported");
        } else if (!strcmp(t->s, ".texref") || !strcmp(t->s, ".surfref") ||
                   !strcmp(t->s, ".samplerref")) {
            gvp_fail(ps->p, t->line, construct, "%s: textures and surfaces "
                     "are not supported", t->s);
        } else {
            gvp_fail(ps->p, t->line, construct, "unknown attribute %s",
                     t->s);
        }
    }
    if (!proto.ptype) {
        gvp_fail(ps->p, line, construct, "missing type");
    }
    for (;;) {
        struct gvp_decl *d;
        const struct gvp_tok *t = peek(ps);

        out = gvp_grow(ps->p, out, &cap, (size_t)*n + 1, sizeof(*out));
        d = &out[(*n)++];
        *d = proto;
        d->line = t->line;
        d->name = expect_word(ps, construct, "a name");
        if (d->name[0] == '.') {
            gvp_fail(ps->p, t->line, construct, "unexpected %s", d->name);
        }
        if (accept(ps, '<')) {
            const struct gvp_tok *c = next(ps);

            if (c->kind != TK_INT) {
                gvp_fail(ps->p, t->line, construct,
                         "a register count is expected in %s<N>", d->name);
            }
            if (c->u > GVP_MAX_REG_RANGE) {
                gvp_fail(ps->p, t->line, construct,
                         "%s<%llu>: more than %u registers in one range",
                         d->name, (unsigned long long)c->u,
                         GVP_MAX_REG_RANGE);
            }
            d->range = (int32_t)c->u;
            expect(ps, '>', construct);
        }
        while (accept(ps, '[')) {
            const struct gvp_tok *c = peek(ps);

            if (d->ndims == GVP_MAX_DIMS) {
                gvp_fail(ps->p, t->line, construct, "too many dimensions");
            }
            d->is_array = true;
            if (is_punct(c, ']')) {
                if (d->ndims) {
                    gvp_fail(ps->p, t->line, construct,
                             "only the first dimension may be empty");
                }
                d->unsized = true;
                d->dims[d->ndims++] = 0;
            } else {
                int64_t v = expr(ps, construct);

                if (v <= 0 || v > (1ll << 32)) {
                    gvp_fail(ps->p, t->line, construct,
                             "bad array dimension %lld", (long long)v);
                }
                d->dims[d->ndims++] = (uint64_t)v;
            }
            expect(ps, ']', construct);
        }
        if (accept(ps, '=')) {
            d->init = gvp_alloc(ps->p, sizeof(*d->init));
            parse_init(ps, d->init);
        }
        if (single || !accept(ps, ',')) {
            break;
        }
    }
    for (int i = 0; i < *n; i++) {
        struct gvp_decl *d = &out[i];
        uint64_t sz = (uint64_t)gvp_types[d->ptype].size * d->vec;

        for (int k = 0; k < d->ndims; k++) {
            if (d->dims[k] && sz > (1ull << 40) / d->dims[k]) {
                gvp_fail(ps->p, d->line, construct, "%s is too large",
                         d->name);
            }
            sz *= d->dims[k];
        }
        d->size = sz;
    }
    return out;
}

/* ---- functions ---- */

static void add_stmt(struct ps *ps, struct gvp_func *f, size_t *cap,
                     const struct gvp_stmt *s)
{
    f->stmts = gvp_grow(ps->p, f->stmts, cap, (size_t)f->nstmts + 1,
                        sizeof(*s));
    f->stmts[f->nstmts++] = *s;
}

static void parse_insn(struct ps *ps, struct gvp_stmt *s)
{
    const struct gvp_tok *t = peek(ps);
    size_t cap = 0;
    bool call;

    s->kind = S_INSN;
    s->opc = t->s;
    next(ps);
    call = !strncmp(s->opc, "call", 4) &&
           (s->opc[4] == 0 || s->opc[4] == '.');
    if (accept(ps, ';')) {
        return;
    }
    do {
        s->opd = gvp_grow(ps->p, s->opd, &cap, (size_t)s->nopd + 1,
                          sizeof(*s->opd));
        parse_operand(ps, &s->opd[s->nopd++], s->opc, call);
    } while (accept(ps, ','));
    if (!is_punct(peek(ps), ';')) {
        /* the line the statement ends on, not the next one's (a missing
         * ';' is found at the following instruction) */
        gvp_fail(ps->p, ps->p->toks[ps->i - 1].line, s->opc,
                 "expected ',' or ';' after an operand, found %s",
                 tok_desc(peek(ps)));
    }
    next(ps);
}

static void parse_body(struct ps *ps, struct gvp_func *f)
{
    size_t cap = 0;
    int depth = 0;

    for (;;) {
        const struct gvp_tok *t = peek(ps);
        struct gvp_stmt s;

        memset(&s, 0, sizeof(s));
        s.line = t->line;
        if (t->kind == TK_END) {
            gvp_fail(ps->p, f->line, f->name, "missing '}' at the end of the "
                     "function body");
        }
        if (accept(ps, '{')) {
            s.kind = S_OPEN;
            depth++;
            add_stmt(ps, f, &cap, &s);
            continue;
        }
        if (accept(ps, '}')) {
            if (depth-- == 0) {
                return;
            }
            s.kind = S_CLOSE;
            add_stmt(ps, f, &cap, &s);
            continue;
        }
        if (t->kind == TK_WORD && t->s[0] != '.' && t->s[0] != '%' &&
            is_punct(peek2(ps), ':')) {
            next(ps);
            next(ps);
            if (is_word(peek(ps), ".callprototype") ||
                is_word(peek(ps), ".calltargets")) {
                /* a call's prototype or target list: the call names it,
                 * and the callee is found from the module (gv_ptx_call.c)
                 */
                skip_stmt(ps, peek(ps)->s);
                continue;
            }
            s.kind = S_LABEL;
            s.label = t->s;
            add_stmt(ps, f, &cap, &s);
            continue;
        }
        if (t->kind == TK_WORD && t->s[0] == '.') {
            int sp = space_of(t->s);

            if (!strcmp(t->s, ".loc") || !strcmp(t->s, ".file")) {
                skip_line(ps, t->line);
                continue;
            }
            if (!strcmp(t->s, ".pragma")) {
                next(ps);
                skip_stmt(ps, ".pragma");
                continue;
            }
            if (sp == SP_NONE) {
                gvp_fail(ps->p, t->line, t->s, "directive not supported in "
                         "a function body");
            }
            next(ps);
            s.kind = S_DECL;
            s.decl = parse_decl(ps, sp, false, t->s, &s.ndecl, false);
            expect(ps, ';', t->s);
            add_stmt(ps, f, &cap, &s);
            continue;
        }
        if (accept(ps, '@')) {
            s.guard_neg = accept(ps, '!');
            s.guard = expect_word(ps, "guard", "a predicate after '@'");
            t = peek(ps);
        }
        if (t->kind != TK_WORD || t->s[0] == '.' || t->s[0] == '%') {
            gvp_fail(ps->p, t->line, "statement", "expected an instruction, "
                     "found %s", tok_desc(t));
        }
        parse_insn(ps, &s);
        add_stmt(ps, f, &cap, &s);
    }
}

static struct gvp_decl *parse_params(struct ps *ps, int *n,
                                     const char *construct)
{
    struct gvp_decl *out = NULL;
    size_t cap = 0;

    *n = 0;
    expect(ps, '(', construct);
    if (accept(ps, ')')) {
        return NULL;
    }
    do {
        const struct gvp_tok *t = peek(ps);
        struct gvp_decl *d;
        int sp, k;

        if (t->kind != TK_WORD || (sp = space_of(t->s)) == SP_NONE ||
            (sp != SP_PARAM && sp != SP_REG)) {
            gvp_fail(ps->p, t->line, construct,
                     "expected .param or .reg, found %s", tok_desc(t));
        }
        next(ps);
        d = parse_decl(ps, sp, false, t->s, &k, true);
        out = gvp_grow(ps->p, out, &cap, (size_t)*n + 1, sizeof(*out));
        out[(*n)++] = d[0];
    } while (accept(ps, ','));
    expect(ps, ')', construct);
    return out;
}

static void parse_ntid(struct ps *ps, uint32_t v[3], const char *construct)
{
    int line = peek(ps)->line;
    int k = 0;

    v[0] = v[1] = v[2] = 1;
    do {
        const struct gvp_tok *t = next(ps);

        if (t->kind != TK_INT || t->u == 0 || t->u > GV_ISA_MAX_BLOCK ||
            k == 3) {
            gvp_fail(ps->p, line, construct, "expected 1 to 3 thread counts "
                     "from 1 to %u", GV_ISA_MAX_BLOCK);
        }
        v[k++] = (uint32_t)t->u;
    } while (accept(ps, ','));
    if ((uint64_t)v[0] * v[1] * v[2] > GV_ISA_MAX_BLOCK) {
        gvp_fail(ps->p, line, construct, "more than %u threads",
                 GV_ISA_MAX_BLOCK);
    }
}

static struct gvp_func *find_func(struct gvp_module *m, const char *name)
{
    for (int i = 0; i < m->nfuncs; i++) {
        if (!strcmp(m->funcs[i]->name, name)) {
            return m->funcs[i];
        }
    }
    return NULL;
}

static void parse_func(struct ps *ps, bool entry, bool ext)
{
    struct gvp_func *f = gvp_alloc(ps->p, sizeof(*f)), *old;
    const char *kw = entry ? ".entry" : ".func";

    f->entry = entry;
    f->line = peek(ps)->line;
    if (!entry && is_punct(peek(ps), '(')) {
        f->rets = parse_params(ps, &f->nrets, kw);
    }
    f->name = expect_word(ps, kw, "a function name");
    if (is_punct(peek(ps), '(')) {
        f->params = parse_params(ps, &f->nparams, f->name);
    }
    for (;;) {
        const struct gvp_tok *t = peek(ps);

        if (is_word(t, ".reqntid") || is_word(t, ".maxntid")) {
            bool req = t->s[1] == 'r';

            next(ps);
            parse_ntid(ps, req ? f->reqntid : f->maxntid, t->s);
            if (req) {
                f->has_reqntid = true;
            } else {
                f->has_maxntid = true;
            }
        } else if (is_word(t, ".minnctapersm") || is_word(t, ".maxnreg") ||
                   is_word(t, ".maxnctapersm")) {
            next(ps);
            if (next(ps)->kind != TK_INT) {
                gvp_fail(ps->p, t->line, t->s, "expected a number");
            }
        } else if (is_word(t, ".noreturn")) {
            next(ps);
        } else if (is_word(t, ".pragma")) {
            next(ps);
            skip_stmt(ps, ".pragma");
        } else if (t->kind == TK_WORD && t->s[0] == '.' &&
                   !module_directive(t->s)) {
            gvp_fail(ps->p, t->line, t->s, "function directive not "
                     "supported");
        } else {
            break;
        }
    }
    old = find_func(ps->m, f->name);
    /* a prototype ends with ';' or, in old PTX, where the next module
     * directive starts (or at the end of the file) */
    if (accept(ps, ';') || peek(ps)->kind == TK_END ||
        (peek(ps)->kind == TK_WORD && module_directive(peek(ps)->s))) {
        if (!old) {
            goto add;
        }
        return;                 /* a second prototype */
    }
    if (!is_punct(peek(ps), '{')) {
        gvp_fail(ps->p, peek(ps)->line, f->name, "expected '{' or ';', "
                 "found %s", tok_desc(peek(ps)));
    }
    if (ext) {
        gvp_fail(ps->p, f->line, f->name, ".extern function with a body");
    }
    next(ps);
    f->has_body = true;
    parse_body(ps, f);
    if (old) {
        if (old->has_body) {
            gvp_fail(ps->p, f->line, f->name, "function defined twice "
                     "(first at line %d)", old->line);
        }
        if (old->entry != f->entry) {
            gvp_fail(ps->p, f->line, f->name, "declared as %s at line %d",
                     old->entry ? ".entry" : ".func", old->line);
        }
        *old = *f;
        return;
    }
add:
    ps->m->funcs = gvp_grow(ps->p, ps->m->funcs, &ps->funcs_cap,
                            (size_t)ps->m->nfuncs + 1, sizeof(f));
    ps->m->funcs[ps->m->nfuncs++] = f;
}

static void parse_version(struct ps *ps)
{
    const struct gvp_tok *t = next(ps);
    unsigned maj = 0, min = 0;
    int line = t->line;

    if ((t->kind != TK_FLT && t->kind != TK_INT) ||
        sscanf(t->s, "%u.%u", &maj, &min) != 2) {
        gvp_fail(ps->p, line, ".version", "expected MAJOR.MINOR");
    }
    if (maj < 1 || maj > 9) {
        gvp_fail(ps->p, line, ".version", "PTX ISA %u.%u is not supported "
                 "(1.0 to 9.x)", maj, min);
    }
    ps->m->version = maj * 10 + (min > 9 ? 9 : min);
}

static void parse_target(struct ps *ps)
{
    int line = peek(ps)->line;

    do {
        const char *w = expect_word(ps, ".target", "a target");

        if (!strcmp(w, "map_f64_to_f32")) {
            ps->m->map_f64 = true;      /* gv_ptx_compat.c */
            continue;
        }
        if (strncmp(w, "sm_", 3) && strncmp(w, "compute_", 8) &&
            strcmp(w, "texmode_unified") &&
            strcmp(w, "texmode_independent") && strcmp(w, "debug")) {
            gvp_fail(ps->p, line, ".target", "unknown target %s", w);
        }
    } while (accept(ps, ','));
}

static void parse_module_var(struct ps *ps, int space, bool ext,
                             const char *construct)
{
    struct gvp_decl *d;
    int n;

    d = parse_decl(ps, space, ext, construct, &n, false);
    expect(ps, ';', construct);
    for (int i = 0; i < n; i++) {
        struct gvp_decl *v = gvp_alloc(ps->p, sizeof(*v));

        *v = d[i];
        ps->m->vars = gvp_grow(ps->p, ps->m->vars, &ps->vars_cap,
                               (size_t)ps->m->nvars + 1, sizeof(v));
        ps->m->vars[ps->m->nvars++] = v;
    }
}

void gvp_parse(struct gvp *p, struct gvp_module *m)
{
    struct ps ps = { .p = p, .m = m };

    tokenise(p);
    while (peek(&ps)->kind != TK_END) {
        const struct gvp_tok *t = peek(&ps);
        bool ext = false;
        int sp;

        if (t->kind != TK_WORD || t->s[0] != '.') {
            gvp_fail(p, t->line, "module", "expected a directive, found %s",
                     tok_desc(t));
        }
        next(&ps);
        if (!strcmp(t->s, ".version")) {
            parse_version(&ps);
            continue;
        }
        if (!strcmp(t->s, ".target")) {
            parse_target(&ps);
            continue;
        }
        if (!strcmp(t->s, ".address_size")) {
            const struct gvp_tok *a = next(&ps);

            if (a->kind != TK_INT || (a->u != 64 && a->u != 32)) {
                gvp_fail(p, t->line, ".address_size", "expected 32 or 64");
            }
            m->addr32 = a->u == 32;
            continue;
        }
        if (!strcmp(t->s, ".file") || !strcmp(t->s, ".loc")) {
            skip_line(&ps, t->line);
            continue;
        }
        if (!strcmp(t->s, ".pragma")) {
            skip_stmt(&ps, ".pragma");
            continue;
        }
        if (!strcmp(t->s, ".section")) {
            int depth = 0;

            /* debug sections: skip their name and braced contents */
            while (peek(&ps)->kind != TK_END) {
                const struct gvp_tok *u = next(&ps);

                if (is_punct(u, '{')) {
                    depth++;
                } else if (is_punct(u, '}') && --depth == 0) {
                    break;
                }
            }
            if (depth) {
                gvp_fail(p, t->line, ".section", "missing '}'");
            }
            continue;
        }
        /* linkage */
        while (!strcmp(t->s, ".visible") || !strcmp(t->s, ".extern") ||
               !strcmp(t->s, ".weak") || !strcmp(t->s, ".common")) {
            if (!strcmp(t->s, ".extern")) {
                ext = true;
            }
            t = next(&ps);
            if (t->kind != TK_WORD) {
                gvp_fail(p, t->line, "module", "expected a directive after "
                         "a linkage attribute, found %s", tok_desc(t));
            }
        }
        if (!strcmp(t->s, ".entry") || !strcmp(t->s, ".func")) {
            parse_func(&ps, t->s[1] == 'e', ext);
            continue;
        }
        sp = space_of(t->s);
        if (sp == SP_GLOBAL || sp == SP_CONST || sp == SP_SHARED ||
            sp == SP_LOCAL || sp == SP_REG) {
            if (sp == SP_CONST && is_punct(peek(&ps), '[')) {
                gvp_fail(p, t->line, ".const", "constant banks are not "
                         "supported");
            }
            parse_module_var(&ps, sp, ext, t->s);
            continue;
        }
        if (!strcmp(t->s, ".tex") || !strcmp(t->s, ".texref") ||
            !strcmp(t->s, ".surfref") || !strcmp(t->s, ".samplerref")) {
            gvp_fail(p, t->line, t->s, "textures and surfaces are not "
                     "supported");
        }
        gvp_fail(p, t->line, t->s, "directive not supported");
    }
    if (!m->version) {
        /* a module begins with .version (PTX ISA, .version) */
        gvp_fail(p, peek(&ps)->line, "module", "no .version directive");
    }
}

void gvp_free_all(struct gvp *p)
{
    while (p->blocks) {
        struct gvp_block *b = p->blocks;

        p->blocks = b->next;
        free(b);
    }
}
