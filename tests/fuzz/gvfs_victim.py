#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The guest fuzzer's victim steps replayed on the host (gvfs-replay's
victim, tests/fuzz/gvfs_victim.c): TAP.

    gvfs_victim.py GVFS_REPLAY CORPUS_DIR

1. The committed corpus replays clean with --no-host-skips: every step
   it skips, the guest skips too (none for want of the guest's victim),
   and its victim steps and injections into the victim's channels ran.
2. regress-victim-replay.gvfs (hand-written): the victim runs a group on
   stream 0 (recording 3); recording 3 injected into the victim's channel
   and into the fuzzer's secure channel is refused (group.auth: the
   counter, the channel's key); the victim runs again after the
   injection; a group withheld (GVV_SEAL, stream 1) is accepted once when
   delivered and refused the second time; then the victim is tainted and
   its next step skipped, as in the guest.  Clean: the oracle "a group the
   victim ran was accepted again" stays quiet.  With the device's counter
   check removed (mutate.py's `cmd-counter`) step 1 is accepted and
   gvfs-replay reports that oracle and exits 1 (checked by hand: the
   report in docs/fuzzing.md).
3. --no-host-skips fails (status 3) on a step the guest would run and
   the host cannot: an injection into a victim ring a register step moved
   out of the bench's guest memory.
4. The guest's other taint: a bootstrap group the device accepted that
   aimed at the victim's channels (a CH_PDE of channel 1); the victim
   step after it is skipped.
"""
import os
import re
import struct
import subprocess
import sys
import tempfile

K_MMIO_WR, K_BOOT, K_VICTIM, K_INJECT = 1, 3, 7, 8
GVV_RUN = 3
# CH_PDE of the victim's channel 1 (a free PDE, a table from the
# attacker's pool: the top MiB of the protected region, 254 MiB)
PDE_AT_VICTIM = struct.pack('<IIIIIIQ', 0x2, 32, 1, 5, 0, 0, 254 << 20)
RING_LO_CHAN1 = 0x1000 + 1 * 0x40 + 0x08  # GV_REG_CHAN(1, GV_CHAN_RING_LO)

# regress-victim-replay.gvfs, step by step: what the host must say
REGRESS = [
    (0, 'ran: accepted'),
    (1, 'ran: refused, AUTH (group.auth)'),
    (2, 'ran: accepted'),
    (3, 'ran: refused, AUTH (group.auth)'),
    (4, 'ran: accepted'),
    (5, 'ran: accepted'),
    (6, 'ran: accepted'),
    (7, 'ran: refused, AUTH (group.auth)'),
    (8, 'skipped: the victim is tainted'),
]


def stepfile(path, steps):
    body = b''
    for k, c, a, b, *data in steps:
        d = data[0] if data else b''
        body += struct.pack('<BBHIQ', k, c, len(d), a, b) + d + \
            bytes(-len(d) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<IIQII', 0x53465647, 1, 0, len(steps),
                            len(body)) + body)


def main():
    replay, corpus = sys.argv[1], sys.argv[2]
    n = 0
    bad = 0

    def ok(cond, what, out=None):
        nonlocal n, bad
        n += 1
        print(('ok' if cond else 'not ok') + f' {n} - {what}')
        bad += not cond
        if not cond and out:
            sys.stdout.write('# ' + out.replace('\n', '\n# ') + '\n')

    print(f'1..{3 + len(REGRESS) + 2}')
    p = subprocess.run([replay, '-q', '--no-host-skips', corpus],
                       capture_output=True, text=True)
    m = re.search(r'(\d+) files: \d+ steps ran \((\d+) victim steps, '
                  r'(\d+) injections into its channels\), \d+ skipped, '
                  r'(\d+) of them steps the guest runs', p.stdout)
    ok(p.returncode == 0 and m and m.group(4) == '0',
       'the corpus replays clean, no step skipped that the guest runs'
       + (f' ({m.group(1)} files)' if m else ''), p.stdout[-3000:])
    ok(m and int(m.group(2)) > 0 and int(m.group(3)) > 0,
       'its victim steps and injections into the victim\'s channels ran'
       + (f' ({m.group(2)}, {m.group(3)})' if m else ''))

    f = os.path.join(corpus, 'regress-victim-replay.gvfs')
    p = subprocess.run([replay, f], capture_output=True, text=True)
    said = dict(re.findall(r'^  step (\d+): .*?: ((?:ran|skipped): .*)$',
                           p.stdout, re.M))
    for i, want in REGRESS:
        got = said.get(str(i), '(not run)')
        ok(got.startswith(want), f'regress-victim-replay step {i}: {want}'
           + ('' if got.startswith(want) else f' (got: {got})'))
    ok(p.returncode == 0 and ': clean:' in p.stdout and
       'accepted again' not in p.stdout,
       'regress-victim-replay: clean, no group of the victim accepted '
       'again', p.stdout)

    with tempfile.TemporaryDirectory() as d:
        g = os.path.join(d, 'moved-ring.gvfs')
        stepfile(g, [(K_VICTIM, 0, GVV_RUN, 1),
                     (K_MMIO_WR, 4, RING_LO_CHAN1, 0x7fff0000),
                     (K_INJECT, 4, 1, 0)])
        p = subprocess.run([replay, '-q', '--no-host-skips', g],
                           capture_output=True, text=True)
        ok(p.returncode == 3 and '[the guest runs it]' in p.stdout,
           '--no-host-skips: status 3 for a step the guest runs and the '
           'host skips (a victim ring outside the bench\'s memory)',
           p.stdout)
        g = os.path.join(d, 'boot-taint.gvfs')
        stepfile(g, [(K_BOOT, 0, 0, 0, PDE_AT_VICTIM),
                     (K_VICTIM, 0, GVV_RUN, 1)])
        p = subprocess.run([replay, g], capture_output=True, text=True)
        ok(p.returncode == 0 and re.search(r'step 0: boot .*ran: accepted',
                                           p.stdout) and
           re.search(r'step 1: victim .*skipped: the victim is tainted',
                     p.stdout),
           'a bootstrap group the device accepted that aimed at the '
           'victim\'s channel taints it: its next step is skipped, as in '
           'the guest', p.stdout)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
