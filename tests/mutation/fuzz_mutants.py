#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Re-insert each security bug and let the host fuzzers find it.

Issue 11's measure of a fuzzer: re-inserting a fixed security bug must be
found by a campaign of at most ten minutes.  For each mutation of
mutate.py (the checks removed one at a time, and the four leaks of the
security issue reverted), this script puts the bug into a scratch copy of
the committed tree (a git worktree), rebuilds the libFuzzer harnesses
there (clang, ASan, UBSan: the build of `scripts/fuzz.sh host`) and runs
them from their committed corpora, one after the other, until the first
finding or the end of the mutation's budget.  It prints, per mutation,
which harness found it, after how many seconds, and the oracle's words.

  tests/mutation/fuzz_mutants.py [--minutes N] [--only ID[,ID...]]
                                 [--baseline MIN] [--workdir DIR]

--minutes: the budget of one mutation, all harnesses together (default
10).  --baseline: first run every harness this long on the unmutated
tree, which must find nothing (the oracles' false-positive check;
default 2, 0 skips it).  Runs niced, one job.  The report goes to
DIR/report.md too.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mutate  # noqa: E402

SRC = mutate.SRC
HARNESSES = ['fuzz-cp', 'fuzz-engine', 'fuzz-rt']
# Where a mutation's file points first: the engines' memory, copies,
# the SIMT interpreter and its scheduler (the watchdog) to fuzz-engine,
# the runtime's checks to fuzz-rt, the rest to fuzz-cp.
ENGINE_FIRST = ('hw/core/gv_simt_mem.h', 'hw/core/gv_bounds.h',
                'hw/core/gv_copy.c', 'hw/core/gv_mmu.c', 'hw/core/gv_simt.c',
                'hw/core/gv_sched.c')
# The oracles' and sanitizers' first words of a finding.
FINDING = re.compile(r'(fuzz: .*|ERROR: AddressSanitizer: [^ ]*|'
                     r'runtime error: .*|ERROR: libFuzzer: .*)')


def host_mutations():
    """The mutations a host harness can meet: the device core, the key
    derivation shared with the runtime, the runtime's checks."""
    out = []
    for mid, path, find, repl, what in mutate.GUEST_MUTATIONS + \
            mutate.MUTATIONS:
        edits = mutate.edits_of(path, find, repl)
        if all(e[0].startswith(('hw/', 'include/', 'runtime/gvrt_secure.c',
                                'runtime/gvrt_kernel.c'))
               for e in edits):
            out.append((mid, edits, what))
    return out


def order(edits):
    files = [e[0] for e in edits]
    if any(f.startswith('runtime/gvrt_secure') for f in files):
        return ['fuzz-rt', 'fuzz-cp', 'fuzz-engine']
    if any(f in ENGINE_FIRST for f in files):
        return ['fuzz-engine', 'fuzz-cp', 'fuzz-rt']
    return ['fuzz-cp', 'fuzz-engine', 'fuzz-rt']


def sh(cmd, cwd, log, env=None):
    with open(log, 'a') as f:
        f.write('$ ' + ' '.join(cmd) + '\n')
        f.flush()
        return subprocess.run(cmd, cwd=cwd, env=env, stdout=f,
                              stderr=subprocess.STDOUT).returncode


def campaign(build, harness, secs, work, log):
    """One harness from its committed corpus for @secs seconds: (seconds
    until it stopped, the finding's words or None)."""
    corpus = os.path.join(SRC, 'tests', 'fuzz', 'corpus', harness)
    new = tempfile.mkdtemp(dir=work, prefix=harness + '-new-')
    run = tempfile.mkdtemp(dir=work, prefix=harness + '-run-')
    t0 = time.time()
    with open(log, 'w') as f:
        r = subprocess.run(
            ['nice', os.path.join(build, 'tests', 'fuzz', harness),
             f'-max_total_time={secs}', '-timeout=10', '-rss_limit_mb=4096',
             '-print_final_stats=1', '-artifact_prefix=' + run + '/', new,
             corpus], cwd=run, stdout=f, stderr=subprocess.STDOUT)
    took = time.time() - t0
    shutil.rmtree(new, ignore_errors=True)
    if r.returncode == 0:
        shutil.rmtree(run, ignore_errors=True)
        return took, None
    words = None
    for line in open(log, errors='replace'):
        m = FINDING.search(line)
        if m:
            words = m.group(1).strip()
            break
    return took, words or f'exit {r.returncode}'


def setup(workdir):
    wt = os.path.join(workdir, 'tree')
    if os.path.exists(wt):
        subprocess.run(['git', 'worktree', 'remove', '--force', wt], cwd=SRC)
        shutil.rmtree(wt, ignore_errors=True)
    subprocess.run(['git', 'worktree', 'prune'], cwd=SRC)
    if subprocess.run(['git', 'worktree', 'add', '--detach', wt, 'HEAD'],
                      cwd=SRC).returncode:
        sys.exit(2)
    build = os.path.join(wt, 'build-fuzz')
    env = dict(os.environ, CC='clang')
    log = os.path.join(workdir, 'build.log')
    if sh(['nice', 'meson', 'setup', build, '-Dfuzzer=true',
           '-Dguest=disabled', '-Db_sanitize=address,undefined',
           '-Db_lundef=false'], wt, log, env):
        print('meson setup failed; see', log)
        sys.exit(2)
    return wt, build


def ninja(build, log):
    return sh(['nice', 'ninja', '-C', build, '-j1'] +
              ['tests/fuzz/' + h for h in HARNESSES], build, log)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--minutes', type=float, default=10)
    ap.add_argument('--baseline', type=float, default=2)
    ap.add_argument('--only', default='')
    ap.add_argument('--workdir', default='/tmp/graviton-fuzz-mutants')
    args = ap.parse_args()

    muts = host_mutations()
    if args.only:
        ids = args.only.split(',')
        muts = [m for m in muts if m[0] in ids]
    os.makedirs(args.workdir, exist_ok=True)
    wt, build = setup(args.workdir)
    blog = os.path.join(args.workdir, 'build.log')
    if ninja(build, blog):
        print('the harnesses do not build; see', blog)
        return 2
    os.environ.setdefault('UBSAN_OPTIONS',
                          'print_stacktrace=1:halt_on_error=1')
    if args.baseline > 0:
        for h in HARNESSES:
            took, words = campaign(build, h, int(args.baseline * 60),
                                   args.workdir, os.path.join(
                                       args.workdir, f'baseline-{h}.log'))
            print(f'baseline {h:12} {took:6.0f} s  '
                  f'{words or "nothing found"}', flush=True)
            if words:
                print('the unmutated tree has a finding: fix the harness or '
                      'the bug first')
                return 2

    rows = []
    for mid, edits, what in muts:
        saved = {}
        stale = False
        for epath, efind, erepl in edits:
            f = os.path.join(wt, epath)
            cur = open(f).read()
            saved.setdefault(f, cur)
            if cur.count(efind) != 1:
                stale = True
                break
            open(f, 'w').write(cur.replace(efind, erepl))
        found = None
        if stale:
            verdict = 'STALE'
        elif ninja(build, blog):
            verdict = 'build failed'
        else:
            left = args.minutes * 60
            verdict = 'not found'
            for i, h in enumerate(order(edits)):
                share = left * (0.6, 0.6, 1.0)[i]
                took, words = campaign(
                    build, h, max(10, int(share)), args.workdir,
                    os.path.join(args.workdir, f'{mid}-{h}.log'))
                left -= took
                if words:
                    found = (h, args.minutes * 60 - left, words)
                    verdict = 'found'
                    break
                if left < 10:
                    break
        for f, text in saved.items():
            open(f, 'w').write(text)
        rows.append((mid, what, verdict, found))
        if found:
            print(f'{mid:22} found by {found[0]:12} after {found[1]:5.0f} s: '
                  f'{found[2][:100]}', flush=True)
        else:
            print(f'{mid:22} {verdict}', flush=True)
    ninja(build, blog)      # the tree as committed again

    lines = ['| mutation | the bug | found by | after | how |',
             '|---|---|---|---|---|']
    for mid, what, verdict, found in rows:
        if found:
            lines.append(f'| `{mid}` | {what} | `{found[0]}` | '
                         f'{found[1]:.0f} s | {found[2]} |')
        else:
            lines.append(f'| `{mid}` | {what} | {verdict} | | |')
    report = '\n'.join(lines) + '\n'
    print('\n' + report)
    with open(os.path.join(args.workdir, 'report.md'), 'w') as f:
        f.write(report)
    return 0 if all(r[2] == 'found' for r in rows) else 1


if __name__ == '__main__':
    sys.exit(main())
