#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Boot the guest in the QEMU we build, with the graviton-gpu attached.

  gvboot.py --guest-dir DIR test NAME...   run guest tests, print TAP
  gvboot.py --guest-dir DIR demo [NAME...] run the sample programs (NAME or
                                           secure:NAME, GRAVITON_SECURE=1)
  gvboot.py --guest-dir DIR shell          interactive shell on the console
  gvboot.py --guest-dir DIR [--secure] [--env K=V] run PROG [-- ARGS...]
                                           run your own program (a file in a
                                           directory of its own, e.g. what
                                           scripts/gv-build.sh made)

DIR holds the guest image the build made (vmlinuz, initramfs.cpio.gz);
--qemu-dir the QEMU build (qemu-system-x86_64, firmware/).  One boot runs every test named; each test program's
exit status becomes one TAP result, its output goes into the console log.
A guest that does not finish within --timeout seconds is killed; the tests
it did not finish are reported as failures and the console log is kept.

`run` adds PROG's directory to the guest as /gv/run (an extra initramfs
archive after the image's own), runs PROG there with ARGS (GRAVITON_SECURE=1
in its environment with --secure), prints its output and exits with its
status (125 when the guest did not run it to the end).
"""

import argparse
import gzip
import os
import re
import select
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

# The demo's programs: the runtime's own samples, then the driver-API
# samples (samples/), each plainly and (secure:NAME) with GRAVITON_SECURE=1.
DEMO = ["gv-identity", "gv-attest-demo", "gv-secure-hello", "gv-secure-kernel",
        "secure:deviceQuery", "vectorAdd", "secure:vectorAdd", "matrixMul",
        "secure:matrixMul", "BlackScholes", "secure:BlackScholes",
        "threadMigration", "secure:threadMigration"]

MARK = re.compile(r"@@GV-(INSMOD|BEGIN|END|DEMO|DONE)(?: (\S+))?(?: (-?\d+))?")


def parse_size(text):
    m = re.fullmatch(r"(\d+)([KMG]?)", text.strip().upper())
    if not m:
        raise argparse.ArgumentTypeError(f"bad size {text!r}")
    return int(m.group(1)) << {"": 0, "K": 10, "M": 20, "G": 30}[m.group(2)]


def qemu_command(args, mode, extra, initrd=None):
    d = args.guest_dir
    q = args.qemu_dir or d
    append = ["console=ttyS0", "panic=-1", "oops=panic", "quiet",
              "loglevel=4", f"gv.mode={mode}",
              f"gv.vram={args.claim_vram_size or args.vram_size}"]
    append += extra + args.append
    cmd = [os.path.join(q, "qemu-system-x86_64"),
           "-L", os.path.join(q, "firmware"),
           "-M", "q35", "-accel", "tcg", "-cpu", "max",
           "-smp", str(args.smp), "-m", args.memory,
           "-nographic", "-nodefaults", "-no-reboot",
           "-serial", "mon:stdio" if mode == "shell" else "stdio",
           "-kernel", os.path.join(d, "vmlinuz"),
           "-initrd", initrd or os.path.join(d, "initramfs.cpio.gz"),
           "-append", " ".join(append),
           "-device", "pcie-root-port,id=rp0,chassis=1",
           "-device", f"graviton-gpu,bus=rp0,vram-size={args.vram_size}"
           + (f",ek={args.ek}" if args.ek else "")
           + "".join(f",{p}" for p in args.device_prop)]
    if args.qemu_log:
        # the guest's mistakes, and whether kernels ran compiled
        # (docs/compute.md, "Compiled regions")
        cmd += ["-d", "guest_errors", "-D", args.qemu_log,
                "-trace", "graviton_jit_*"]
    return cmd


def run_guest(args, mode, extra, on_line, initrd=None):
    """Boot, feed each console line to on_line, return (lines, timed_out)."""
    cmd = qemu_command(args, mode, extra, initrd)
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines, buf, timed_out = [], b"", False
    deadline = time.monotonic() + args.timeout
    fd = proc.stdout.fileno()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buf += chunk
        while b"\n" in buf:
            raw, buf = buf.split(b"\n", 1)
            line = raw.decode("utf-8", "replace").rstrip("\r")
            lines.append(line)
            on_line(line)
    if buf:
        lines.append(buf.decode("utf-8", "replace"))
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    return lines, timed_out, proc.returncode


def save_log(args, lines, name):
    path = args.log or os.path.join(args.guest_dir, f"console-{name}.log")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def cmd_test(args):
    tests = args.names
    results = {}
    current = [None]
    insmod = [None]

    def on_line(line):
        m = MARK.search(line)
        if args.verbose:
            print(f"# {line}", flush=True)
        if not m:
            return
        kind, name, rc = m.groups()
        if kind == "INSMOD":
            insmod[0] = int(name)
        elif kind == "BEGIN":
            current[0] = name
        elif kind == "END" and rc is not None:
            results[name] = int(rc)
            current[0] = None

    start = time.monotonic()
    lines, timed_out, qrc = run_guest(args, "test",
                                      ["gv.tests=" + ",".join(tests)], on_line)
    wall = time.monotonic() - start
    log = save_log(args, lines, args.name)

    print(f"1..{len(tests)}")
    failed = 0
    for i, t in enumerate(tests, 1):
        rc = results.get(t)
        if rc == 0:
            print(f"ok {i} - {t}")
            continue
        failed += 1
        if rc is not None:
            why = f"exit status {rc}"
        elif timed_out and current[0] == t:
            why = f"guest timed out after {args.timeout} s while running it"
        elif timed_out:
            why = f"guest timed out after {args.timeout} s before it ran"
        else:
            why = f"guest stopped before it finished (qemu status {qrc})"
        print(f"not ok {i} - {t} # {why}")
        # Show the test's own output, so the failure explains itself.
        inside = False
        seed = None
        for line in lines:
            m = MARK.search(line)
            if m and m.group(1) == "BEGIN":
                inside = m.group(2) == t
            elif m and m.group(1) == "END":
                inside = False
            elif inside:
                print(f"#   {line}")
                s = re.search(r"@@GVF-START seed=(\d+)", line)
                seed = s.group(1) if s else seed
        if seed is not None:
            # a fuzzer (gv-fuzz): a crash or hang of QEMU replays from it
            print(f"# {t}: fuzz seed {seed} (rerun with gv.fuzz_seed={seed})")
    if insmod[0] not in (0, None):
        print(f"# insmod graviton.ko failed with status {insmod[0]}")
    print(f"# guest: {wall:.1f} s wall, console log {log}")
    return 1 if failed else 0


def cmd_demo(args):
    started = [args.verbose]    # firmware noise is shown only with -v

    def on_line(line):
        m = MARK.search(line)
        if m:
            if m.group(1) == "INSMOD":
                started[0] = True
                if m.group(2) != "0":
                    print(f"[insmod graviton.ko failed: {m.group(2)}]")
            elif m.group(1) == "DEMO":
                print(f"[{m.group(2)} exited with {m.group(3)}]")
            return
        if started[0]:
            print(line, flush=True)

    names = ",".join(args.names) if args.names else ",".join(DEMO)
    lines, timed_out, _ = run_guest(args, "demo", ["gv.demo=" + names],
                                    on_line)
    save_log(args, lines, "demo")
    statuses = [int(m.group(3)) for m in map(MARK.search, lines)
                if m and m.group(1) == "DEMO"]
    if timed_out:
        print(f"guest timed out after {args.timeout} s", file=sys.stderr)
        return 1
    if not statuses or any(statuses):
        return 1
    return 0


def cpio_newc(entries):
    """A newc cpio archive of (name, mode, data) entries (data None: a
    directory), as the kernel's initramfs unpacker reads it."""
    out = bytearray()

    def pad4():
        out.extend(b"\0" * (-len(out) % 4))

    for ino, (name, mode, data) in enumerate(entries + [("TRAILER!!!", 0,
                                                          b"")], 1):
        body = data or b""
        fields = [ino, mode, 0, 0, 1 if data is not None else 2,
                  int(time.time()), len(body), 0, 0, 0, 0,
                  len(name.encode()) + 1, 0]
        out += b"070701" + b"".join(b"%08X" % f for f in fields)
        out += name.encode() + b"\0"
        pad4()
        out += body
        pad4()
    return bytes(out)


def run_archive(prog_dir, run_args, env):
    """/gv/run with every file under prog_dir, and /gv/run-args: the
    arguments and environment, as shell for /init to source."""
    entries = [("gv/run", 0o040755, None)]
    for root, dirs, files in os.walk(prog_dir):
        dirs.sort()
        rel = os.path.relpath(root, prog_dir)
        base = "gv/run" if rel == "." else "gv/run/" + rel
        if rel != ".":
            entries.append((base, 0o040755, None))
        for f in sorted(files):
            path = os.path.join(root, f)
            if not os.path.isfile(path):
                continue
            mode = 0o100755 if os.access(path, os.X_OK) else 0o100644
            with open(path, "rb") as fh:
                entries.append((f"{base}/{f}", mode, fh.read()))
    script = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in env)
    script += "set -- " + " ".join(shlex.quote(a) for a in run_args) + "\n"
    entries.append(("gv/run-args", 0o100644, script.encode()))
    return gzip.compress(cpio_newc(entries), compresslevel=1)


def cmd_run(args):
    path = os.path.abspath(args.names[0])
    if os.path.isdir(path):
        progs = [f for f in sorted(os.listdir(path))
                 if os.path.isfile(os.path.join(path, f))
                 and os.access(os.path.join(path, f), os.X_OK)]
        if len(progs) != 1:
            print(f"run: {path} holds {len(progs) or 'no'} programs "
                  f"({', '.join(progs)}): name one", file=sys.stderr)
            return 125
        prog_dir, prog = path, progs[0]
    elif os.path.isfile(path) and os.access(path, os.X_OK):
        prog_dir, prog = os.path.split(path)
    else:
        print(f"run: {path}: no such program", file=sys.stderr)
        return 125
    if not re.fullmatch(r"[A-Za-z0-9._+-]+", prog):
        print(f"run: program name {prog!r}: letters, digits and ._+- only",
              file=sys.stderr)
        return 125
    env = []
    for e in args.env:
        k, eq, v = e.partition("=")
        if not eq or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k):
            print(f"run: --env {e!r}: NAME=VALUE expected", file=sys.stderr)
            return 125
        env.append((k, v))

    result = [None]
    inside = [False]

    def on_line(line):
        m = MARK.search(line)
        if m and m.group(1) == "INSMOD" and m.group(2) != "0":
            print(f"[insmod graviton.ko failed: {m.group(2)}]",
                  file=sys.stderr)
        elif m and m.group(1) == "BEGIN":
            inside[0] = True
        elif m and m.group(1) == "END" and m.group(3) is not None:
            if inside[0] and m.start() > 0:     # output without a newline
                print(line[:m.start()], flush=True)
            inside[0] = False
            result[0] = int(m.group(3))
        elif args.verbose or inside[0]:
            print(line, flush=True)

    # The image's archive, then ours: the kernel unpacks both into one
    # root file system.
    with tempfile.NamedTemporaryFile(prefix="gv-run-", suffix=".cpio.gz",
                                     dir=args.tmp_dir) as initrd:
        with open(os.path.join(args.guest_dir, "initramfs.cpio.gz"),
                  "rb") as base:
            shutil.copyfileobj(base, initrd)
        initrd.write(run_archive(prog_dir, args.names[1:], env))
        initrd.flush()
        extra = ["gv.run=" + prog] + (["gv.secure=1"] if args.secure else [])
        lines, timed_out, qrc = run_guest(args, "run", extra, on_line,
                                          initrd.name)
    save_log(args, lines, "run")
    if result[0] is None:
        why = (f"guest timed out after {args.timeout:g} s" if timed_out else
               f"guest stopped before the program finished (qemu status "
               f"{qrc})")
        print(f"[{prog}: {why}; console log "
              f"{args.log or os.path.join(args.guest_dir, 'console-run.log')}]",
              file=sys.stderr)
        return 125
    print(f"[{prog} exited with {result[0]}]", file=sys.stderr)
    return result[0]


def cmd_shell(args):
    cmd = qemu_command(args, "shell", [])
    print("(Ctrl-A X quits QEMU)", file=sys.stderr)
    return subprocess.call(cmd)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--guest-dir", required=True,
                   help="vmlinuz and initramfs.cpio.gz (build/guest)")
    p.add_argument("--qemu-dir", help="qemu-system-x86_64 and firmware/ "
                   "(build/hw; default: the guest dir)")
    p.add_argument("--vram-size", type=parse_size, default=256 << 20)
    p.add_argument("--memory", default="1G")
    p.add_argument("--ek", help="the device's EK (PEM, from gv-provision); "
                   "without it the device refuses secure channels")
    p.add_argument("--smp", type=int, default=1)
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("--log", help="console log file")
    p.add_argument("--qemu-log", help="QEMU guest-error log file")
    p.add_argument("--name", default="test", help="log name for 'test'")
    p.add_argument("--claim-vram-size", type=parse_size,
                   help="tell the guest tests a vram size other than the "
                        "device's (the harness self-test uses it)")
    p.add_argument("--secure", action="store_true",
                   help="run: GRAVITON_SECURE=1 in the program's environment")
    p.add_argument("--env", action="append", default=[], metavar="K=V",
                   help="run: more environment for the program")
    p.add_argument("--tmp-dir", help="run: where the combined initramfs "
                   "is written for the boot (default: $TMPDIR)")
    p.add_argument("--device-prop", action="append", default=[],
                   metavar="K=V", help="more graviton-gpu properties "
                   "(e.g. debug=on for the fuzzer's debug block)")
    p.add_argument("--append", action="append", default=[], metavar="ARG",
                   help="more kernel command line (e.g. gv.fuzz_seed=7)")
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("mode", choices=["test", "demo", "shell", "run"])
    p.add_argument("names", nargs="*")
    # run: everything after the first "--" is the program's own
    argv = sys.argv[1:]
    prog_args = []
    if "--" in argv:
        i = argv.index("--")
        argv, prog_args = argv[:i], argv[i + 1:]
    args = p.parse_args(argv)
    if args.mode == "test" and not args.names:
        p.error("test: name at least one guest test")
    if args.mode == "run":
        if not args.names:
            p.error("run: name the program (its arguments after --)")
        args.names += prog_args
    elif prog_args:
        p.error("arguments after -- are for run only")
    return {"test": cmd_test, "demo": cmd_demo, "shell": cmd_shell,
            "run": cmd_run}[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
