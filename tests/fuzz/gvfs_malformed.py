#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gvfs-replay on step files made here (docs/fuzzing.md, "The step file").

  gvfs_malformed.py GVFS_REPLAY

Malformed step files (bad magic or version, truncated, a size or a step
length past the end, sizes and counts near 2^32) must be refused cleanly:
exit status 2, a line saying why, no sanitizer report.  A well-formed file
written by hand, one step of every kind with fields on the edges (offsets
of 2^64 - 8, a BAR0 offset of 2^32 - 8, flipped bits, a reset), must
replay with every oracle holding (exit status 0).  Prints TAP.
"""

import os
import struct
import subprocess
import sys
import tempfile

MAGIC, VERSION = 0x53465647, 1
(MMIO_WR, MMIO_RD, BOOT, ENGINE, CHAN_NEW, CHAN_DEL, VICTIM, INJECT,
 RECORD_OWN, RESET, BAR2, GENMOD) = range(1, 13)
OP_CH_PTE, OP_CH_DESTROY, OP_CH_MEASURE = 3, 4, 5
OP_NOP, OP_FENCE = 0x100, 0x101
EDGE = (1 << 64) - 8


def step(kind, chan=0, a=0, b=0, data=b""):
    s = struct.pack("<BBHIQ", kind, chan, len(data), a, b) + data
    return s + b"\0" * (-len(s) % 8)


def stepfile(steps, seed=1, nsteps=None, size=None, magic=MAGIC,
             version=VERSION):
    body = b"".join(steps)
    return struct.pack("<IIQII", magic, version, seed,
                       len(steps) if nsteps is None else nsteps,
                       len(body) if size is None else size) + body


def cmd(op, payload):
    return struct.pack("<II", op, 8 + len(payload)) + payload


def well_formed():
    nop = cmd(OP_NOP, b"")
    fence = cmd(OP_FENCE, struct.pack("<QQ", 0x10000 + 0x8000, 7))
    measure = cmd(OP_CH_MEASURE, struct.pack("<IIQQQ", 1, 0, 128 << 20,
                                             4096, 0))
    unmap = cmd(OP_CH_PTE, struct.pack("<IIIIII16s", 1, 1, 0, 1, 1, 0,
                                       b"\0" * 16) + b"\0" * 8)
    return [
        step(MMIO_RD, 4, 0x0000),
        step(MMIO_RD, 8, 0xfffffff8),               # past BAR0: skipped
        step(MMIO_WR, 1, 0x0003, 0xff),
        step(CHAN_NEW, 0, 0),                       # slot 0: normal
        step(CHAN_NEW, 1, 1),                       # slot 1: secure
        step(CHAN_NEW, 2, 2, 0),                    # slot 2: stream of 0
        step(ENGINE, 0, 0, 0, nop + fence),
        step(ENGINE, 1, 0, 0, nop + fence),         # sealed, right counter
        step(ENGINE, 1, 0xffffffff, 0, nop),        # counter one behind
        step(ENGINE, 1, 0, 1 + 77, nop),            # a bit flipped
        step(GENMOD, 0, 0x3f01fe, 1234),            # generated: 2 x 64
        step(GENMOD, 1, 0x0500ff, EDGE),            # with its fault
        step(GENMOD, 2, 0xffffffff, 7),             # a stream: skipped
        step(RECORD_OWN, 1, 0, 3),
        step(INJECT, 1, 3, 0),                      # its own group again
        step(INJECT, 5, 3, 0),                      # the victim's: skipped
        step(VICTIM, 0, 1, 0),                      # skipped
        step(BOOT, 0, 0, 0, measure),               # aimed at the victim
        step(BOOT, 0, 1 << 2, 2 << 8, unmap),       # longer, entry in BAR0
        step(BAR2, 8, 0x1234, EDGE),                # 2^64 - 8
        step(BAR2, 1, 0, (200 << 20) + 3),          # protected: refused
        step(BAR2, 0x88, 0x5a5a, (16 << 20) - 4096),
        step(CHAN_DEL, 1, 1),                       # a new incarnation
        step(ENGINE, 1, 0, 0, nop),
        step(CHAN_DEL, 0, 0),
        step(ENGINE, 0, 0, 0, nop),                 # no channel: skipped
        step(RESET, 0, 0, 0),
        step(ENGINE, 2, 0, EDGE, nop),
        step(CHAN_NEW, 3, 3, (0xffffffff << 32) | 1),
    ]


def main():
    prog = sys.argv[1]
    good = well_formed()
    one = step(ENGINE, 0, 0, 0, cmd(OP_NOP, b""))
    cases = [
        ("empty file", b""),
        ("truncated header", stepfile(good)[:10]),
        ("bad magic", stepfile(good, magic=0x53465648)),
        ("bad version", stepfile(good, version=2)),
        ("size past the end", stepfile(good)[:-8]),
        ("trailing bytes", stepfile(good) + b"\0" * 8),
        ("size 2^32 - 8", stepfile([one], size=0xfffffff8)),
        ("a step but no bytes", stepfile([], nsteps=1)),
        ("2^32 - 1 steps", stepfile([one], nsteps=0xffffffff)),
        ("bytes after the last step", stepfile([one, one], nsteps=1)),
        ("a step header cut short", stepfile([one[:8]])),
        ("step length past the end",
         stepfile([struct.pack("<BBHIQ", ENGINE, 0, 100, 0, 0) + b"\0" * 8])),
        ("step length 0xffff",
         stepfile([struct.pack("<BBHIQ", ENGINE, 0, 0xffff, 0, 0) +
                   b"\0" * 0x10000])),
        ("padding past the end",
         stepfile([struct.pack("<BBHIQ", MMIO_RD, 4, 1, 0, 0) + b"\0"])),
    ]
    print(f"1..{len(cases) + 1}")
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        for i, (name, data) in enumerate(cases, 1):
            path = os.path.join(d, f"case-{i}.gvfs")
            with open(path, "wb") as f:
                f.write(data)
            p = subprocess.run([prog, "-q", path], capture_output=True,
                               text=True, timeout=60)
            out = p.stdout + p.stderr
            clean = (p.returncode == 2 and "not a step file" in out and
                     "Sanitizer" not in out and "runtime error" not in out)
            print(f"{'ok' if clean else 'not ok'} {i} - refused: {name}")
            if not clean:
                failed += 1
                print(f"#   exit status {p.returncode}")
                for line in out.splitlines()[-10:]:
                    print(f"#   {line}")
            else:
                print(f"#   {out.strip().splitlines()[-1]}")
        path = os.path.join(d, "hand-made.gvfs")
        with open(path, "wb") as f:
            f.write(stepfile(good))
        p = subprocess.run([prog, path], capture_output=True, text=True,
                           timeout=120)
        out = p.stdout + p.stderr
        ok = (p.returncode == 0 and "Sanitizer" not in out and
              "runtime error" not in out)
        n = len(cases) + 1
        print(f"{'ok' if ok else 'not ok'} {n} - a hand-made step file "
              f"of every kind replays clean")
        for line in out.splitlines():
            print(f"#   {line}")
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
