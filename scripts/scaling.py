#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The compute engine's throughput against its SM worker threads.

Runs bench-compute (large sizes, no oclgrind) with --sms 1, 2 and 4,
interleaved and repeated, and writes a Markdown table of each kernel's
best throughput (lane instructions per second) and speed-up over one SM,
and a PNG plot when matplotlib is there (Debian: python3-matplotlib).

  scripts/scaling.py [-B BUILD] [--rounds N] [--out DIR]
"""
import argparse
import os
import re
import subprocess
import sys

SMS = (1, 2, 4)


def run(bench, sms):
    """bench-compute's large-size table: kernel -> lane-insn/s."""
    p = subprocess.run([bench, "--no-oclgrind", "--runs", "3", "--sms",
                        str(sms)], capture_output=True, text=True,
                       timeout=900)
    if p.returncode != 0:
        sys.exit(f"scaling: bench-compute --sms {sms} failed:\n{p.stderr}")
    big, out = False, {}
    for line in p.stdout.splitlines():
        if line.startswith("Table 2"):
            big = True
        m = re.match(r"(\w+)\s+(\d+) \|\s+([\d.]+) s\s+([\d.e+]+)\s+yes",
                     line)
        if big and m:
            out[(m.group(1), int(m.group(2)))] = float(m.group(4))
    if not out:
        sys.exit("scaling: no results in bench-compute's output")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-B", default="build")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    bench = os.path.join(a.B, "bench", "bench-compute")
    out = a.out or os.path.join(a.B, "scaling")
    os.makedirs(out, exist_ok=True)
    best = {}
    for _ in range(a.rounds):
        for n in SMS:
            for k, v in run(bench, n).items():
                best[(k, n)] = max(best.get((k, n), 0.0), v)
    kernels = sorted({k for k, _ in best})
    lines = ["| kernel | size | " + " | ".join(f"{n} SM" for n in SMS) +
             " | speed-up 2 / 4 SMs |", "|---" * (len(SMS) + 3) + "|"]
    for k in kernels:
        v = [best[(k, n)] for n in SMS]
        lines.append(f"| {k[0]} | {k[1]} | " +
                     " | ".join(f"{x / 1e9:.2f}" for x in v) +
                     f" | {v[1] / v[0]:.2f}x / {v[2] / v[0]:.2f}x |")
    table = "\n".join(lines) + "\n"
    with open(os.path.join(out, "scaling.md"), "w") as f:
        f.write("Throughput, 10^9 lane instructions per second (best of "
                f"{a.rounds} rounds of 3 runs), against SM worker "
                f"threads; this machine has {os.cpu_count()} cores.\n\n")
        f.write(table)
    print(table, end="")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("scaling: no plot (python3-matplotlib is not installed)")
        return 0
    fig, ax = plt.subplots(figsize=(6, 4))
    for k in kernels:
        ax.plot(SMS, [best[(k, n)] / 1e9 for n in SMS], marker="o",
                label=f"{k[0]} ({k[1]})")
    ax.set_xticks(SMS)
    ax.set_xlabel("SM worker threads")
    ax.set_ylabel("10^9 lane instructions / s")
    ax.set_title(f"Compute engine scaling ({os.cpu_count()} host cores)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "scaling.png"), dpi=100)
    print(f"scaling: {os.path.join(out, 'scaling.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
