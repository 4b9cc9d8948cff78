#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The project's style rules that a machine can check (TAP output).

One style in our libraries and tests (4 spaces, no tabs, 80 columns; the
ABI headers in include/graviton/ may reach 100 for their tables); kernel
style (tabs) in guest-driver/, guest-attack/ and the uapi header (the
kernel's scripts/checkpatch.pl is the tool for those); no file over
1,500 lines and no function over 150, except the files and functions
listed below, each a known debt with its reason.
"""
import os
import re
import sys

SRC = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
OUR_DIRS = ['hw', 'crypto', 'ptx', 'runtime', 'tests', 'tools', 'bench',
            'samples', 'kernels', 'include']
KERNEL_STYLE = ('guest-driver/', 'guest-attack/',
                'include/graviton/graviton_uapi.h')
WIDE_OK = {'include/graviton/': 100}
LONG_FILES = {}
LONG_FUNCS = {
    ('bench/bench_copy.c', 'main'): 'a table of runs; to be split',
    ('tests/guest/attack/atk20_reentry.c', 'main'): 'one check a line',
    ('tests/guest/driver_badargs.c', 'main'): 'one bad argument a line',
}
FUNC_RE = re.compile(r'^(?:static\s+)?(?:inline\s+)?[A-Za-z_][\w\s\*]*?'
                     r'\b([A-Za-z_]\w*)\s*\([^;]*$')


def files():
    for top in OUR_DIRS:
        for d, dirs, names in os.walk(os.path.join(SRC, top)):
            dirs[:] = [x for x in dirs if not x.startswith('build')]
            for n in names:
                if n.endswith(('.c', '.h', '.cu', '.cpp')):
                    yield os.path.relpath(os.path.join(d, n), SRC)


def check(rel):
    problems = []
    lines = open(os.path.join(SRC, rel), errors='replace').read().split('\n')
    width = next((w for p, w in WIDE_OK.items() if rel.startswith(p)), 80)
    kernel = rel.startswith(KERNEL_STYLE)
    for i, line in enumerate(lines, 1):
        if not kernel and '\t' in line:
            problems.append(f'{rel}:{i}: a tab')
        if not kernel and len(line) > width:
            problems.append(f'{rel}:{i}: {len(line)} columns (> {width})')
        if line.rstrip() != line:
            problems.append(f'{rel}:{i}: trailing white space')
    if len(lines) > 1500 and rel not in LONG_FILES:
        problems.append(f'{rel}: {len(lines)} lines (> 1500)')
    start = None
    for i, line in enumerate(lines, 1):
        m = FUNC_RE.match(line)
        if m and not line.startswith((' ', '#', '/', '*', '}')):
            start = (i, m.group(1))
        elif line == '}' and start:
            n = i - start[0]
            if n > 150 and (rel, start[1]) not in LONG_FUNCS:
                problems.append(f'{rel}:{start[0]}: {start[1]}() is {n} '
                                f'lines (> 150)')
            start = None
    return problems


def main():
    rels = sorted(files())
    print(f'1..{len(rels)}')
    bad = 0
    for k, rel in enumerate(rels, 1):
        p = check(rel)
        if p:
            bad += 1
            print(f'not ok {k} - {rel}')
            for line in p:
                print(f'# {line}')
        else:
            print(f'ok {k} - {rel}')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
