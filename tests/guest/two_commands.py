#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The two commands of "your own program", from the host, as a user runs
them (README, docs/your-program.md):

 1. a driver-API program that is not part of the meson build (the
    vectorAdd sample's sources, copied to a temporary directory) is built
    by scripts/gv-build.sh and run by scripts/gv-run.sh --secure with an
    argument: it must pass in a secure context and exit 0;
 2. a program that reports what it was given (a shell script) is run with
    awkward arguments and an --env: the arguments arrive intact, the
    environment and working directory are as documented, output without a
    final newline is kept, and its exit status 3 is gv-run.sh's.

    two_commands.py SOURCE_ROOT BUILD_ROOT
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

src, build = sys.argv[1], sys.argv[2]
gv_build = os.path.join(src, "scripts", "gv-build.sh")
gv_run = os.path.join(src, "scripts", "gv-run.sh")
results = []


def check(ok, what, detail=""):
    results.append((bool(ok), what))
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {what}")
    if not ok and detail:
        print("\n".join("#   " + line for line in detail.splitlines()))


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, **kw)
    return p.returncode, p.stdout, p.stderr


def build_and_run_sample(tmp):
    """1. build and run a sample's sources, outside the meson build"""
    work = os.path.join(tmp, "vectorAdd")
    shutil.copytree(os.path.join(src, "samples", "vectorAdd"), work)
    shutil.copy(os.path.join(src, "samples", "common", "helper_gv.h"), work)
    out = os.path.join(tmp, "out")
    rc, so, se = run(["bash", gv_build, "-B", build, "--no-ninja", "-o", out,
                      "vectorAdd.c", "vectorAdd_kernel.cu"], cwd=work)
    check(rc == 0, "gv-build.sh builds vectorAdd.c + vectorAdd_kernel.cu",
          so + se)
    check(os.access(os.path.join(out, "vectorAdd"), os.X_OK) and
          os.path.isfile(os.path.join(out, "vectorAdd_kernel.ptx")),
          "the program and its PTX are in the output directory")
    rc, so, se = run(["readelf", "-l", os.path.join(out, "vectorAdd")])
    check(rc == 0 and "INTERP" not in so, "the program is static", se)
    log = os.path.join(tmp, "console-1.log")
    rc, so, se = run(["bash", gv_run, "-B", build, "--log", log, "--secure",
                      "--timeout", "240", os.path.join(out, "vectorAdd"),
                      "--", "-n=3000"])
    check(rc == 0, "gv-run.sh --secure: exit status 0", so + se)
    check(re.search(r"^Vector addition \(driver API\), 3000 elements$", so,
                    re.M), "the argument reached the program", so)
    check(re.search(r"^vectorAdd: secure context", so, re.M),
          "GRAVITON_SECURE=1 made its context secure", so)
    check(re.search(r"^Result = PASS$", so, re.M), "the result is right", so)
    check(re.search(r"^\[vectorAdd exited with 0\]$", se, re.M),
          "gv-run.sh reports the exit status", se)


def arguments_and_status(tmp):
    """2. arguments, environment, working directory, exit status"""
    prog = os.path.join(tmp, "args")
    os.mkdir(prog)
    with open(os.path.join(prog, "report"), "w") as f:
        f.write('#!/bin/sh\n'
                'echo "cwd=$(pwd) argc=$#"\n'
                'for a in "$@"; do echo "arg=<$a>"; done\n'
                'echo "secure=${GRAVITON_SECURE:-unset} extra=<$EXTRA>"\n'
                'cat data.txt\n'
                'printf "no newline"\n'
                'exit 3\n')
    os.chmod(os.path.join(prog, "report"), 0o755)
    with open(os.path.join(prog, "data.txt"), "w") as f:
        f.write("data file beside the program\n")
    log = os.path.join(tmp, "console-2.log")
    args = ["two words", "it's", "$HOME", "", "-v", "--", "*"]
    rc, so, se = run(["bash", gv_run, "-B", build, "--log", log,
                      "--env", "EXTRA=x 'y' z", "--timeout", "120",
                      prog, "--"] + args)
    check(rc == 3, "gv-run.sh exits with the program's status (3)",
          f"status {rc}\n" + so + se)
    want = (["cwd=/gv/run argc=7"] + [f"arg=<{a}>" for a in args] +
            ["secure=unset extra=<x 'y' z>", "data file beside the program",
             "no newline"])
    check(so.splitlines() == want, "arguments, environment, working "
          "directory, data file and unterminated output as given",
          "got:\n" + so + "wanted:\n" + "\n".join(want))


tmp = tempfile.mkdtemp(prefix="gv-two-commands-")
try:
    build_and_run_sample(tmp)
    arguments_and_status(tmp)
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print(f"1..{len(results)}")
sys.exit(0 if all(ok for ok, _ in results) else 1)
