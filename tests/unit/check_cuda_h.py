#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check our cuda.h against NVIDIA's.

Both headers go through the C preprocessor (the build's compiler), so
that each is read as a compiler reads it: NVIDIA's in its public form and
in its internal form (__CUDA_API_VERSION_INTERNAL, which also declares
the older ABI symbols such as cuCtxCreate_v2), ours in its CUDA 13 form
(the default) and its CUDA 12 form (GRAVITON_CUDA_VERSION=12080).  Then,
with whitespace and parameter names normalised away and typedefs resolved
to what they stand for:

  enums       every constant of ours exists in NVIDIA's header, in the
              enum of the same name, with the same value; every enum of
              ours is complete (has all of NVIDIA's constants)
  prototypes  every function we declare exists in NVIDIA's header under
              the same ABI symbol, with the same return and parameter
              types
  typedefs    every type name of ours means what NVIDIA's means
  structs     every struct of ours has NVIDIA's tag and members
  macros      every macro of ours is NVIDIA's too with the same expansion
              (the API-name mappings included; GRAVITON_* are ours), and
              every mapping NVIDIA makes for a call we declare, we make
  ours        nothing graviton_cuda.h declares exists in NVIDIA's header,
              and CU_CTX_GRAVITON_SECURE shares no bit with NVIDIA's
              context flags

Exits 0 if all agree, 1 on any difference (each printed), 77 (meson's
"skipped") when NVIDIA's header is not installed.
"""

import argparse
import ast
import os
import re
import shlex
import subprocess
import sys

SKIP = 77

TOKEN_RE = re.compile(r"""
    (?P<id>[A-Za-z_]\w*)
  | (?P<num>0[xX][0-9A-Fa-f]+[uUlL]*
           |\d+[uUlL]*(?:\.\d*)?(?:[eE][-+]?\d+)?[fF]?)
  | (?P<str>"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')
  | (?P<punct>->|<<|>>|<=|>=|==|!=|&&|\|\||\.\.\.
             |[{}()\[\];,*&|^~!<>=+\-/%?:.\#])
  | (?P<ws>\s+)
""", re.X)

C_TYPE_WORDS = {
    'void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed',
    'unsigned', 'const', 'volatile', 'struct', 'union', 'enum', '_Bool',
    'restrict', '__restrict',
}


def tokenize(text):
    out = []
    pos = 0
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m:
            raise ValueError('cannot tokenize near %r' % text[pos:pos + 40])
        pos = m.end()
        if m.lastgroup != 'ws':
            out.append(m.group())
    return out


def int_literal(tok):
    t = tok.rstrip('uUlL')
    return int(t, 16) if t[:2] in ('0x', '0X') else int(t, 10)


def is_int_literal(tok):
    return re.fullmatch(r'0[xX][0-9A-Fa-f]+[uUlL]*|\d+[uUlL]*',
                        tok) is not None


def split_top(tokens, sep):
    """Split @tokens at @sep outside (), [] and {}."""
    parts, cur, depth = [], [], 0
    for t in tokens:
        if t in '([{':
            depth += 1
        elif t in ')]}':
            depth -= 1
        if t == sep and depth == 0:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    if cur:
        parts.append(cur)
    return parts


def eval_expr(tokens, names):
    """Value of an integer constant expression over known @names."""
    src = []
    for t in tokens:
        if is_int_literal(t):
            src.append(str(int_literal(t)))
        elif re.fullmatch(r'[A-Za-z_]\w*', t):
            if t not in names:
                raise ValueError('unknown name %s' % t)
            src.append(str(names[t]))
        elif t in ('(', ')', '+', '-', '*', '/', '%', '<<', '>>', '|', '&',
                   '^', '~'):
            src.append('//' if t == '/' else t)
        else:
            raise ValueError('cannot evaluate %r' % ' '.join(tokens))
    tree = ast.parse(' '.join(src), mode='eval')
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp,
                                 ast.Constant, ast.operator, ast.unaryop)):
            raise ValueError('cannot evaluate %r' % ' '.join(tokens))
    return eval(compile(tree, '<enum>', 'eval'), {'__builtins__': {}})


class Header:
    """The declarations of one preprocessed header."""

    def __init__(self, text):
        self.enums = {}        # typedef name -> (tag, {const: value})
        self.consts = {}       # const -> (enum typedef name, value)
        self.typedefs = {}     # name -> tokens it stands for (one level)
        self.structs = {}      # tag -> member token lists
        self.protos = {}       # name -> (return tokens, [param tokens])
        for decl in split_top(tokenize(text), ';'):
            self._declaration(decl)

    def _declaration(self, d):
        if not d:
            return
        if d[0] == 'extern' and len(d) > 1 and d[1].startswith('"'):
            d = d[2:]
        if d and d[0] == '}':           # the end of an extern "C" block
            d = d[1:]
        if not d:
            return
        if d[0] == 'typedef':
            self._typedef(d[1:])
        elif d[0] == 'enum' and '{' in d:
            self._enum(d, None)
        elif d[0] in ('struct', 'union') and '{' in d:
            self._struct(d)
        elif '(' in d:
            self._prototype(d)

    def _typedef(self, d):
        if d[0] == 'enum' and '{' in d:
            self._enum(d, d[-1])
            self.typedefs[d[-1]] = ['enum', d[1] if d[1] != '{' else d[-1]]
        elif d[0] in ('struct', 'union') and '{' in d:
            tag = self._struct(d)
            self.typedefs[d[-1]] = [d[0], tag]
        elif '(' in d:
            # a function pointer: typedef RET (CC *NAME)(PARAMS)
            i = d.index('(')
            inner = d[i + 1:d.index(')', i)]
            name = inner[-1]
            rest = d[:i] + ['('] + inner[:-1] + [')'] + \
                d[d.index(')', i) + 1:]
            self.typedefs[name] = rest
        else:
            self.typedefs[d[-1]] = d[:-1]

    def _enum(self, d, name):
        lb, rb = d.index('{'), len(d) - 1 - d[::-1].index('}')
        tag = d[1] if d[1] != '{' else None
        values, nxt = {}, 0
        known = {c: v for c, (_, v) in self.consts.items()}
        for item in split_top(d[lb + 1:rb], ','):
            if not item:
                continue
            const = item[0]
            if len(item) > 1:
                nxt = eval_expr(item[2:], {**known, **values})
            values[const] = nxt
            nxt += 1
        key = name or tag
        self.enums[key] = (tag, values)
        for c, v in values.items():
            self.consts[c] = (key, v)

    def _struct(self, d):
        lb, rb = d.index('{'), len(d) - 1 - d[::-1].index('}')
        tag = d[1] if d[1] != '{' else '<anonymous>'
        self.structs[tag] = [m for m in split_top(d[lb + 1:rb], ';') if m]
        return tag

    def _prototype(self, d):
        i = d.index('(')
        name = d[i - 1]
        if not re.fullmatch(r'[A-Za-z_]\w*', name):
            return
        depth, j = 0, i
        for j in range(i, len(d)):
            if d[j] == '(':
                depth += 1
            elif d[j] == ')':
                depth -= 1
                if depth == 0:
                    break
        params = split_top(d[i + 1:j], ',')
        self.protos[name] = (d[:i - 1], params)

    # -- canonical forms --

    def resolve(self, tokens, depth=0):
        """@tokens with every typedef name replaced by what it means."""
        if depth > 20:
            raise ValueError('typedef loop at %r' % tokens)
        out = []
        for i, t in enumerate(tokens):
            tag = i > 0 and tokens[i - 1] in ('struct', 'union', 'enum')
            if t in self.typedefs and not tag:
                out += self.resolve(self.typedefs[t], depth + 1)
            else:
                out.append(t)
        return out

    def param_type(self, p):
        """A parameter's type tokens without its name."""
        p = list(p)
        if len(p) > 1 and re.fullmatch(r'[A-Za-z_]\w*', p[-1]) and \
                p[-1] not in C_TYPE_WORDS and p[-1] not in self.typedefs:
            p = p[:-1]
        return self.resolve(p)

    def signature(self, name):
        ret, params = self.protos[name]
        ps = [self.param_type(p) for p in params]
        if ps == [['void']]:
            ps = []
        return ' '.join(self.resolve(ret)), [' '.join(p) for p in ps]


class Checker:
    def __init__(self, cc, nvidia, ours_dir):
        self.cc = cc
        self.errors = []
        self.counts = {}
        self.nv_path = nvidia
        self.ours = os.path.join(ours_dir, 'cuda.h')
        self.ours_ext = os.path.join(ours_dir, 'graviton_cuda.h')

    def run_cc(self, path, args, own=False):
        """@path preprocessed; with @own, only the lines that come from
        @path itself (not from the headers it includes)."""
        cmd = self.cc + ['-E', '-x', 'c'] + ([] if own else ['-P']) + \
            args + [path]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit('%s failed:\n%s' % (' '.join(cmd), r.stderr))
        if not own:
            return r.stdout
        me, mine, out = os.path.realpath(path), False, []
        for line in r.stdout.splitlines():
            m = re.match(r'# \d+ "(.*)"', line)
            if m:
                mine = os.path.realpath(m.group(1)) == me
            elif mine:
                out.append(line)
        return '\n'.join(out)

    def macros(self, path, args, own=False):
        """The macros @path defines; with @own, less those of the headers
        it includes with <...> (the system's)."""
        out = {}
        for line in self.run_cc(path, ['-dM'] + args).splitlines():
            m = re.match(r'#define (\w+)(\([^)]*\))?(?: (.*))?$', line)
            if m:
                out[m.group(1)] = (m.group(2), m.group(3) or '')
        if own:
            with open(path) as f:
                incs = re.findall(r'^\s*#\s*include\s*(<[^>]+>)', f.read(),
                                  re.M)
            src = ''.join('#include %s\n' % i for i in incs)
            r = subprocess.run(self.cc + ['-E', '-dM', '-x', 'c', '-'],
                               input=src, capture_output=True, text=True)
            for line in r.stdout.splitlines():
                m = re.match(r'#define (\w+)', line)
                if m:
                    out.pop(m.group(1), None)
        return out

    def fail(self, msg):
        self.errors.append(msg)

    def count(self, what, n=1):
        self.counts[what] = self.counts.get(what, 0) + n

    # -- the checks --

    def check(self):
        nv_pub = Header(self.run_cc(self.nv_path, [], True))
        nv_int = Header(self.run_cc(self.nv_path,
                                    ['-D__CUDA_API_VERSION_INTERNAL'], True))
        ours13 = Header(self.run_cc(self.ours, [], True))
        ours12 = Header(self.run_cc(self.ours,
                                    ['-DGRAVITON_CUDA_VERSION=12080'], True))
        nv_mac = self.macros(self.nv_path, [], True)
        our_mac = self.macros(self.ours, [], True)
        self.check_enums(ours13, nv_pub)
        self.check_typedefs(ours13, nv_pub)
        self.check_structs(ours13, nv_pub)
        self.check_protos([ours13, ours12], nv_pub, nv_int)
        self.check_macros(ours13, our_mac, nv_mac)
        self.check_extensions(nv_pub, nv_mac)

    def check_enums(self, ours, nv):
        for name, (tag, values) in ours.enums.items():
            if name not in nv.enums:
                self.fail('enum %s: not in NVIDIA\'s header' % name)
                continue
            nv_tag, nv_values = nv.enums[name]
            if tag != nv_tag:
                self.fail('enum %s: tag %s, NVIDIA\'s is %s' %
                          (name, tag, nv_tag))
            for c, v in values.items():
                self.count('enum constants')
                if c not in nv_values:
                    where = nv.consts.get(c)
                    self.fail('%s: not in NVIDIA\'s %s%s' % (
                        c, name, ' (it is in %s)' % where[0] if where else ''))
                elif nv_values[c] != v:
                    self.fail('%s = %d, NVIDIA\'s is %d' %
                              (c, v, nv_values[c]))
            missing = sorted(set(nv_values) - set(values))
            if missing:
                self.fail('enum %s lacks %s' % (name, ', '.join(missing)))
            self.count('enums (complete)')

    def check_typedefs(self, ours, nv):
        for name in ours.typedefs:
            self.count('typedefs')
            if name not in nv.typedefs:
                self.fail('typedef %s: not in NVIDIA\'s header' % name)
                continue
            a = ' '.join(ours.resolve([name]))
            b = ' '.join(nv.resolve([name]))
            if a != b:
                self.fail('typedef %s is "%s", NVIDIA\'s is "%s"' %
                          (name, a, b))

    def check_structs(self, ours, nv):
        for tag, members in ours.structs.items():
            self.count('structs')
            if tag not in nv.structs:
                self.fail('struct %s: not in NVIDIA\'s header' % tag)
                continue
            a = [' '.join(ours.resolve(m)) for m in members]
            b = [' '.join(nv.resolve(m)) for m in nv.structs[tag]]
            if a != b:
                self.fail('struct %s has members %s, NVIDIA\'s %s' %
                          (tag, a, b))

    def check_protos(self, ours_forms, nv_pub, nv_int):
        seen = set()
        for ours in ours_forms:
            for name in ours.protos:
                if name in seen:
                    continue
                seen.add(name)
                self.count('prototypes')
                nv = nv_pub if name in nv_pub.protos else \
                    nv_int if name in nv_int.protos else None
                if nv is None:
                    self.fail('%s: no such ABI symbol in NVIDIA\'s header' %
                              name)
                    continue
                a, b = ours.signature(name), nv.signature(name)
                if a != b:
                    self.fail('%s is %s(%s), NVIDIA\'s is %s(%s)' % (
                        name, a[0], ', '.join(a[1]), b[0], ', '.join(b[1])))

    @staticmethod
    def api_target(expansion):
        """The ABI symbol an API-name macro maps to, or None."""
        m = re.fullmatch(r'\s*(?:__CUDA_API_PT[DS][SZ]\(\s*(\w+)\s*\)|(\w+))'
                         r'\s*', expansion)
        if not m:
            return None
        t = m.group(1) or m.group(2)
        return t if t.startswith('cu') else None

    def expand(self, macros, text, depth=0):
        """Object-like macro expansion, integer literals as values."""
        out = []
        for t in tokenize(text):
            if t in macros and macros[t][0] is None and depth < 20:
                out += self.expand(macros, macros[t][1], depth + 1)
            elif is_int_literal(t):
                out.append(str(int_literal(t)))
            else:
                out.append(t)
        return out

    def check_macros(self, ours, our_mac, nv_mac):
        declared = set(ours.protos)
        for name, (params, body) in sorted(our_mac.items()):
            if name.startswith('GRAVITON_'):
                continue
            self.count('macros')
            if name not in nv_mac:
                self.fail('macro %s: not in NVIDIA\'s header' % name)
                continue
            nv_params, nv_body = nv_mac[name]
            ours_t, nv_t = self.api_target(body), self.api_target(nv_body)
            if ours_t or nv_t:
                if ours_t != nv_t:
                    self.fail('%s maps to %s, NVIDIA\'s to %s' %
                              (name, ours_t, nv_t))
                continue
            a = self.expand(our_mac, body)
            b = self.expand(nv_mac, nv_body)
            if params != nv_params or a != b:
                self.fail('macro %s is "%s", NVIDIA\'s is "%s"' %
                          (name, ' '.join(a), ' '.join(b)))
        # every mapping NVIDIA makes for a call we declare, we make
        for name, (params, body) in nv_mac.items():
            t = self.api_target(body)
            if params is None and t in declared and name not in our_mac:
                self.fail('NVIDIA maps %s to %s; we do not' % (name, t))

    def check_extensions(self, nv, nv_mac):
        ext = Header(self.run_cc(self.ours_ext, [], True))
        ext_mac = self.macros(self.ours_ext, [], True)
        base_mac = self.macros(self.ours, [])   # with the system's
        names = set(ext.consts) | set(ext.typedefs) | set(ext.protos) | \
            set(ext.structs) | (set(ext_mac) - set(base_mac))
        nv_names = set(nv.consts) | set(nv.typedefs) | set(nv.protos) | \
            set(nv.structs) | set(nv_mac)
        for n in sorted(names):
            self.count('extension names')
            if n in nv_names:
                self.fail('graviton_cuda.h\'s %s clashes with NVIDIA\'s' % n)
        flag = int(''.join(self.expand(ext_mac, ext_mac[
            'CU_CTX_GRAVITON_SECURE'][1])), 0)
        for c, v in nv.enums['CUctx_flags'][1].items():
            if flag & v:
                self.fail('CU_CTX_GRAVITON_SECURE (%#x) overlaps %s (%#x)' %
                          (flag, c, v))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('ours', help='directory of our cuda.h and '
                    'graviton_cuda.h')
    ap.add_argument('--nvidia', default=os.environ.get(
        'NVIDIA_CUDA_H', '/usr/local/cuda/include/cuda.h'),
        help='NVIDIA\'s cuda.h (default: $NVIDIA_CUDA_H or '
        '/usr/local/cuda/include/cuda.h)')
    ap.add_argument('--cc', default=os.environ.get('CC', 'cc'),
                    help='the C compiler, for its preprocessor')
    a = ap.parse_args()

    if not os.path.isfile(a.nvidia):
        print('SKIP: NVIDIA\'s cuda.h is not installed at %s; nothing to '
              'compare our header with (install the CUDA toolkit, or pass '
              '--nvidia / set NVIDIA_CUDA_H)' % a.nvidia)
        return SKIP
    ck = Checker(shlex.split(a.cc), a.nvidia, a.ours)
    ck.check()
    with open(a.nvidia, errors='replace') as f:
        ver = re.search(r'#define CUDA_VERSION (\d+)', f.read())
    print('our cuda.h against %s (CUDA_VERSION %s):' %
          (a.nvidia, ver.group(1) if ver else '?'))
    for what, n in ck.counts.items():
        print('  %4d %s checked' % (n, what))
    for e in ck.errors:
        print('DIFFERENCE: ' + e)
    print('%d difference(s)' % len(ck.errors))
    return 1 if ck.errors else 0


if __name__ == '__main__':
    sys.exit(main())
