#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check that the guest harness reports failures: boots one guest in which
the identity test is told a wrong memory size (it must fail on that check),
one test exits nonzero, one hangs (the guest must be killed and the log
kept) and one does not exist."""
import os
import re
import subprocess
import sys

gvboot, guest_dir, qemu_dir = sys.argv[1], sys.argv[2], sys.argv[3]
log = os.path.join(guest_dir, "console-harness-selftest.log")
if os.path.exists(log):
    os.unlink(log)
cmd = [sys.executable, gvboot, "--guest-dir", guest_dir, "--qemu-dir", qemu_dir,
       "--vram-size", "64M", "--claim-vram-size", "128M",
       # the whole boot fits in it: about 10 s, more on a loaded machine
       # (the image is some 90 MB)
       "--timeout", "40", "--log", log,
       "test", "identity", "selftest_fail", "selftest_hang", "never_ran"]
p = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
out = p.stdout
print("\n".join("# " + line for line in out.splitlines()))

expect = [
    (r"^not ok 1 - identity # exit status 1$", "identity fails"),
    (r"not ok - \[.*\] device memory size: 0x4000000 \(expected 0x8000000\)",
     "identity names the wrong size"),
    (r"^not ok 2 - selftest_fail # exit status 3$", "nonzero exit fails"),
    (r"^not ok 3 - selftest_hang # guest timed out after 40\.0 s while running it$",
     "hang detected"),
    (r"^not ok 4 - never_ran # guest timed out after 40\.0 s before it ran$",
     "tests after the hang fail"),
]
bad = 0
print("1..%d" % (len(expect) + 2))
for i, (pat, what) in enumerate(expect, 1):
    ok = re.search(pat, out, re.M) is not None
    bad += not ok
    print("%s %d - %s" % ("ok" if ok else "not ok", i, what))
n = len(expect)
ok = p.returncode != 0
bad += not ok
print("%s %d - harness exits nonzero" % ("ok" if ok else "not ok", n + 1))
kept = os.path.exists(log) and "@@GV-BEGIN selftest_hang" in open(log).read()
bad += not kept
print("%s %d - console log kept" % ("ok" if kept else "not ok", n + 2))
sys.exit(1 if bad else 0)
