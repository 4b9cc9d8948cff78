#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Merge a guest campaign's corpus into the committed step files.

    python3 tests/fuzz/gvfs_merge.py CAMPAIGN_CORPUS [COMMITTED] [--name N]

CAMPAIGN_CORPUS is the corpus/ directory of a campaign that was seeded
with COMMITTED (default tests/fuzz/corpus/gvfs): `scripts/fuzz.sh guest
--corpus tests/fuzz/corpus/gvfs ...`.  Such a campaign is the minimiser:
its seeds ran first, in name order, then its own inputs, and an input
(a seed or a new one) joined the corpus it exported only if it reached a
rule that no input before it had reached (gv-fuzz, docs/fuzzing.md).  So
the export is the committed corpus, minimised, plus what the campaign
added.

The merge: the campaign inputs of the committed directory (guest-*.gvfs)
are replaced by the export, named guest-N-K.gvfs; hand-written files
(attack-*, hand-made, probe-*, regress-*) always stay, and an exported
input whose steps are the same bytes as one of them is not copied again
(the header's seed may differ).  Prints what it kept and dropped.
"""
import argparse
import glob
import os
import sys

HDR = 24


def body(path):
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < HDR or data[:4] != b'GVFS':
        sys.exit(f'gvfs_merge: {path}: not a step file')
    return data[16:20] + data[HDR:]     # nsteps and the steps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('campaign')
    ap.add_argument('committed', nargs='?', default=os.path.join(
        os.path.dirname(__file__), 'corpus', 'gvfs'))
    ap.add_argument('--name', default='merged')
    args = ap.parse_args()

    old = sorted(glob.glob(os.path.join(args.committed, 'guest-*.gvfs')))
    keep = [p for p in glob.glob(os.path.join(args.committed, '*.gvfs'))
            if p not in old]
    kept_bodies = {body(p) for p in keep}
    new = sorted(glob.glob(os.path.join(args.campaign, '*.gvfs')),
                 key=lambda p: int(''.join(c for c in os.path.basename(p)
                                           if c.isdigit()) or 0))
    if not new:
        sys.exit(f'gvfs_merge: {args.campaign}: no step files')
    seen, out = set(), []
    for p in new:
        b = body(p)
        if b in kept_bodies or b in seen:
            continue
        seen.add(b)
        out.append(p)
    for p in old:
        os.unlink(p)
    for k, p in enumerate(out):
        with open(p, 'rb') as f:
            data = f.read()
        dst = os.path.join(args.committed, f'guest-{args.name}-{k:03d}.gvfs')
        with open(dst, 'wb') as f:
            f.write(data)
    size = sum(os.path.getsize(p) for p in
               glob.glob(os.path.join(args.committed, '*.gvfs')))
    print(f'gvfs_merge: {len(old)} campaign inputs replaced by {len(out)} '
          f'of {len(new)} exported ({len(new) - len(out)} the same as a '
          f'hand-written file or each other); {len(keep)} hand-written '
          f'files kept; {size} bytes in {args.committed}')


if __name__ == '__main__':
    main()
