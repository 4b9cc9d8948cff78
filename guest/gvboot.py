#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Boot the guest in the QEMU we build, with the graviton-gpu attached.

  gvboot.py --guest-dir DIR test NAME...   run guest tests, print TAP
  gvboot.py --guest-dir DIR demo [NAME...] run the sample programs
  gvboot.py --guest-dir DIR shell          interactive shell on the console

DIR holds the guest image the build made (vmlinuz, initramfs.cpio.gz);
--qemu-dir the QEMU build (qemu-system-x86_64, firmware/).  One boot runs every test named; each test program's
exit status becomes one TAP result, its output goes into the console log.
A guest that does not finish within --timeout seconds is killed; the tests
it did not finish are reported as failures and the console log is kept.
"""

import argparse
import os
import re
import select
import subprocess
import sys
import time

MARK = re.compile(r"@@GV-(INSMOD|BEGIN|END|DEMO|DONE)(?: (\S+))?(?: (-?\d+))?")


def parse_size(text):
    m = re.fullmatch(r"(\d+)([KMG]?)", text.strip().upper())
    if not m:
        raise argparse.ArgumentTypeError(f"bad size {text!r}")
    return int(m.group(1)) << {"": 0, "K": 10, "M": 20, "G": 30}[m.group(2)]


def qemu_command(args, mode, extra):
    d = args.guest_dir
    q = args.qemu_dir or d
    append = ["console=ttyS0", "panic=-1", "oops=panic", "quiet",
              "loglevel=4", f"gv.mode={mode}",
              f"gv.vram={args.claim_vram_size or args.vram_size}"]
    append += extra
    cmd = [os.path.join(q, "qemu-system-x86_64"),
           "-L", os.path.join(q, "firmware"),
           "-M", "q35", "-accel", "tcg", "-cpu", "max",
           "-smp", str(args.smp), "-m", args.memory,
           "-nographic", "-nodefaults", "-no-reboot",
           "-serial", "mon:stdio" if mode == "shell" else "stdio",
           "-kernel", os.path.join(d, "vmlinuz"),
           "-initrd", os.path.join(d, "initramfs.cpio.gz"),
           "-append", " ".join(append),
           "-device", "pcie-root-port,id=rp0,chassis=1",
           "-device", f"graviton-gpu,bus=rp0,vram-size={args.vram_size}"
           + (f",ek={args.ek}" if args.ek else "")]
    if args.qemu_log:
        cmd += ["-d", "guest_errors", "-D", args.qemu_log]
    return cmd


def run_guest(args, mode, extra, on_line):
    """Boot, feed each console line to on_line, return (lines, timed_out)."""
    cmd = qemu_command(args, mode, extra)
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
        for line in lines:
            m = MARK.search(line)
            if m and m.group(1) == "BEGIN":
                inside = m.group(2) == t
            elif m and m.group(1) == "END":
                inside = False
            elif inside:
                print(f"#   {line}")
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

    names = ",".join(args.names) if args.names else "gv-identity,gv-attest-demo,gv-secure-hello,gv-secure-kernel"
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
    p.add_argument("--memory", default="512M")
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
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("mode", choices=["test", "demo", "shell"])
    p.add_argument("names", nargs="*")
    args = p.parse_args()
    if args.mode == "test" and not args.names:
        p.error("test: name at least one guest test")
    return {"test": cmd_test, "demo": cmd_demo, "shell": cmd_shell}[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
