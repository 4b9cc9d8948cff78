#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Merge a guest campaign's corpus into the committed step files.

    python3 tests/fuzz/gvfs_merge.py CAMPAIGN_CORPUS [COMMITTED] [--name N]
                                     [--edge-max N] [--edge-bytes B]

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

Edge-kept inputs: a campaign in the coverage QEMU (`--edges`) also keeps
inputs that only raised the count of the core's edges, and
scripts/fuzz.sh writes CAMPAIGN_CORPUS/kept.txt (file, `rules` or
`edges`, edges it added).  Those kept for edges alone become edge-N-K.gvfs,
chosen by most edges added (then the smaller file), at most --edge-max
files (default 24) and --edge-bytes bytes (default 24576) of them,
without duplicates; the committed edge-*.gvfs are replaced by them.  A
campaign without edge-kept inputs (no --edges, or no kept.txt: every
input counts as rule-kept) leaves the committed edge-*.gvfs as they are,
and an input it exports that is one of them is not copied again.
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


def kept_why(campaign):
    """kept.txt of the campaign's corpus: {file: (why, edges added)}."""
    why = {}
    path = os.path.join(campaign, 'kept.txt')
    if os.path.exists(path):
        for line in open(path):
            f = line.split()
            if len(f) == 3 and f[1] in ('rules', 'edges') and f[2].isdigit():
                why[f[0]] = (f[1], int(f[2]))
    return why


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('campaign')
    ap.add_argument('committed', nargs='?', default=os.path.join(
        os.path.dirname(__file__), 'corpus', 'gvfs'))
    ap.add_argument('--name', default='merged')
    ap.add_argument('--edge-max', type=int, default=24)
    ap.add_argument('--edge-bytes', type=int, default=24576)
    args = ap.parse_args()

    why = kept_why(args.campaign)
    new = sorted(glob.glob(os.path.join(args.campaign, '*.gvfs')),
                 key=lambda p: int(''.join(c for c in os.path.basename(p)
                                           if c.isdigit()) or 0))
    if not new:
        sys.exit(f'gvfs_merge: {args.campaign}: no step files')
    edge_new = [p for p in new
                if why.get(os.path.basename(p), ('rules',))[0] == 'edges']
    rule_new = [p for p in new if p not in edge_new]
    old = sorted(glob.glob(os.path.join(args.committed, 'guest-*.gvfs')))
    old_edges = sorted(glob.glob(os.path.join(args.committed,
                                              'edge-*.gvfs')))
    if edge_new:
        old += old_edges
    keep = [p for p in glob.glob(os.path.join(args.committed, '*.gvfs'))
            if p not in old]
    kept_bodies = {body(p) for p in keep}
    seen, out = set(), []
    for p in rule_new:
        b = body(p)
        if b in kept_bodies or b in seen:
            continue
        seen.add(b)
        out.append(p)
    edges, ebytes = [], 0
    for p in sorted(edge_new, key=lambda p: (-why[os.path.basename(p)][1],
                                             os.path.getsize(p))):
        b = body(p)
        if b in kept_bodies or b in seen or len(edges) >= args.edge_max or \
                ebytes + os.path.getsize(p) > args.edge_bytes:
            continue
        seen.add(b)
        edges.append(p)
        ebytes += os.path.getsize(p)
    for p in old:
        os.unlink(p)
    for pre, files in (('guest', out), ('edge', edges)):
        for k, p in enumerate(files):
            with open(p, 'rb') as f:
                data = f.read()
            dst = os.path.join(args.committed,
                               f'{pre}-{args.name}-{k:03d}.gvfs')
            with open(dst, 'wb') as f:
                f.write(data)
    size = sum(os.path.getsize(p) for p in
               glob.glob(os.path.join(args.committed, '*.gvfs')))
    print(f'gvfs_merge: {len(old)} campaign inputs replaced by {len(out)} '
          f'of {len(rule_new)} exported for rules ({len(rule_new) - len(out)}'
          f' the same as a kept file or each other) and {len(edges)} of '
          f'{len(edge_new)} kept for edges alone ({ebytes} bytes; at most '
          f'{args.edge_max} files, {args.edge_bytes} bytes); {len(keep)} '
          f'files kept (hand-written, and edge-*.gvfs unless replaced); '
          f'{size} bytes in {args.committed}')


if __name__ == '__main__':
    main()
