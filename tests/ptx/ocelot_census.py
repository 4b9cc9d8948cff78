#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Translate every .ptx file of a directory with gv-ptxas and tally the
refusals by construct (docs/ptx.md, "GPU Ocelot's corpus").

    tests/ptx/ocelot_census.py [DIR] [--ptxas build/tools/gv-ptxas] [-q]

DIR defaults to /tmp/ocelot-ptx.  Prints one line per file (ok, or the
translator's "line N: <construct>: <why>"), then the totals and the
refusals grouped by construct.  Exits 0 (77 when DIR is absent, with a
message: the corpus is fetched, never committed); 1 on a crash or a
message without a line number.
"""
import argparse
import collections
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MSG = re.compile(r'^(?P<file>.*?):(?P<line>\d+): (?P<construct>[^:]+): '
                 r'(?P<why>.*)$')


def construct_key(construct, why):
    """Group refusals: the instruction's base name, or the directive."""
    c = construct.strip()
    if c in ('.global', '.const') and why.startswith('.'):
        c, why = why.split(': ', 1)     # ".global: .texref: ..."
    elif not c.startswith('.') and '.' in c:
        c = c.split('.')[0]             # "mul24.lo.s32" -> "mul24"
    why = re.sub(r'\b\d{5,}\b', 'N', why)
    return '%s: %s' % (c, why)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('dir', nargs='?', default='/tmp/ocelot-ptx')
    ap.add_argument('--ptxas', default=os.path.join(ROOT, 'build', 'tools',
                                                    'gv-ptxas'))
    ap.add_argument('-q', '--quiet', action='store_true',
                    help='only the totals and the tally')
    a = ap.parse_args()
    if not os.path.isdir(a.dir):
        print('SKIP: %s is absent; fetch github:gtcasl/gpuocelot and copy '
              'its .ptx files there (docs/ptx.md)' % a.dir)
        return 77
    if not os.access(a.ptxas, os.X_OK):
        print('SKIP: %s is not built' % a.ptxas)
        return 77
    files = sorted(f for f in os.listdir(a.dir) if f.endswith('.ptx'))
    ok, bad, tally, examples = 0, 0, collections.Counter(), {}
    for f in files:
        path = os.path.join(a.dir, f)
        r = subprocess.run([a.ptxas, path, '-o', os.devnull],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True, errors='replace', timeout=120)
        err = r.stderr.strip().split('\n')[0]
        if r.returncode == 0:
            ok += 1
            if not a.quiet:
                print('ok    %s' % f)
            continue
        m = MSG.match(err)
        if r.returncode != 1 or not m:
            print('CRASH %s: rc %d: %s' % (f, r.returncode, err))
            bad += 1
            continue
        key = construct_key(m.group('construct'), m.group('why'))
        tally[key] += 1
        examples.setdefault(key, '%s:%s' % (f, m.group('line')))
        if not a.quiet:
            print('no    %s:%s: %s: %s' % (f, m.group('line'),
                                          m.group('construct'),
                                          m.group('why')))
    print('\n%d files: %d translate, %d refused%s' %
          (len(files), ok, sum(tally.values()),
           ', %d crashed' % bad if bad else ''))
    for key, n in tally.most_common():
        print('%4d  %s  (e.g. %s)' % (n, key, examples[key]))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
