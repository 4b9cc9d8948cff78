#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Guest test: the paper's evaluation in its smoke size (scripts/paper.sh
--smoke all) runs, and its report holds every table and figure with our
numbers beside the paper's."""
import os
import re
import subprocess
import sys

src, build = sys.argv[1], sys.argv[2]
out = os.path.join(build, "paper-smoke")
results = []


def check(ok, what, detail=""):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {what}")
    if not ok and detail:
        for line in detail.splitlines()[-20:]:
            print(f"#   {line}")


p = subprocess.run(["bash", os.path.join(src, "scripts", "paper.sh"),
                    "--no-ninja", "--smoke", "-B", build, "--out", out,
                    "all"], capture_output=True, text=True)
check(p.returncode == 0, "paper.sh --smoke all succeeds",
      p.stdout + p.stderr)
report = ""
if os.path.exists(os.path.join(out, "report.md")):
    with open(os.path.join(out, "report.md")) as f:
        report = f.read()
for title in ("Table 1", "Table 2", "Table 3", "Figure 10", "Figure 11"):
    check(f"## {title}" in report, f"the report has {title}", report)
# each table has our numbers, not only the paper's
check(re.search(r"\| CH_CREATE \| 2330 \| [\d.]+ \| \d+ / \d+", report)
      is not None, "Table 1: device core and guest figures for CH_CREATE")
# Table 1's split: the secure CH_CREATE's crypto (the quote) measured in
# the guest and in the device core, the small table's clearing
m = re.search(r"\| CH_CREATE \(ioctl CHAN_CREATE.*?\| paper \| .*?\n"
              r"\|  \| ours, guest, secure \| ([\d.]+) \| ([\d.]+) \| "
              r"([\d.]+) \| ([\d.]+) \| ", report)
check(m is not None and float(m.group(4)) > float(m.group(3)),
      "Table 1 split: the secure CHAN_CREATE's crypto measured in the "
      "guest (GV_REG_PROF_*)", report)
m = re.search(r"\| CH_PDE \+ CH_PTE small.*?\n(?:\|  \|.*\n)*?"
              r"\|  \| ours, device core \(secure\) \| - \| ([\d.]+) \| "
              r"([\d.]+) \|", report)
check(m is not None and float(m.group(2)) > 0,
      "Table 1 split: the device core's page initialisation of a small "
      "table (bench-cp)", report)
check(re.search(r"\| CNN, training \| [\d.]+ \| [\d.]+ \| [\d.]+ \| "
                r"[\d.]+ \| [+-]\d+% \| [+-]\d+% \| \+53% \|", report)
      is not None, "the applications with the CPU's copy crypto at native "
      "speed", report)
check(re.search(r"\*\*ours, authdec-kmac: total\*\* \| [\d.]+", report)
      is not None, "Table 2: the AES + SHA-3-family scheme measured")
check(re.search(r"The guest's CPU runs it \*\*\d+x\*\* slower", report)
      is not None, "Table 2: the guest CPU's crypto against the host's "
      "native AES-GCM (bench-copy)", report)
check(re.search(r"\| cuCtxCreate \| 77.65 → 252.63 \| [\d.]+ → [\d.]+",
                report) is not None, "Table 3: cuCtxCreate both ways")
check(re.search(r"Secure overhead: \*\*[+-]\d+%\*\*", report) is not None,
      "Figure 10: the secure overhead")
guest = ""
if os.path.exists(os.path.join(out, "guest.txt")):
    with open(os.path.join(out, "guest.txt")) as f:
        guest = f.read()
check(guest.count("Result = PASS") == 6,
      "BlackScholes, the autoencoder and the CNN ran right, normally and "
      "securely", guest)
check("trained weights (hash" in report and
      report.count("are bit-identical") == 3 and "DIFFERENT" not in report,
      "BlackScholes prices bit-identically, the autoencoder and the CNN "
      "train bit-identically, in both modes", report)
# Figure 11: each phase beside the paper's, and the overhead's split
for phase, paper in (("initialisation", 73), ("testing", 57),
                     ("training", 53)):
    check(re.search(r"\| %s .*?\| [\d.]+ \| [\d.]+ \| [+-]\d+%% \| "
                    r"\+%d%% \|" % (phase, paper), report) is not None,
          f"Figure 11: {phase}, normal and secure, beside the paper's")
split = (r" \| [\d.]+ \| [\d.]+ \| [+-][\d.]+ .*\| [+-][\d.]+ "
         r"\([+-]\d+%\) \| [+-][\d.]+ \([+-]\d+%\)")
for row, fig in (("BlackScholes, total", 10), ("autoencoder, total", 10),
                 ("training", 11)):
    check(re.search(r"\| " + row + split, report) is not None,
          f"Figure {fig}: {row}: the overhead split into isolation and "
          "secure copy")
# the CNN's training against a numpy reference of it (forward pass and
# every gradient), where it ran on Fashion-MNIST
fm = "/usr/share/datasets/fashion-mnist/train-%s-idx%d-ubyte.gz"
m = re.search(r"cnn \(driver API\): .*?(\d+) training images, \d+ test "
              r"images, batches of (\d+), (\d+) batches, data from files\n"
              r"(?:.*\n)*?((?:  batch .*\n)+)", guest)
if m and os.path.exists(fm % ("images", 3)):
    # Debian's python3 has numpy (with python3-matplotlib)
    py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else \
        sys.executable
    ref = subprocess.run([py, os.path.join(
        src, "tests", "guest", "cnn_reference.py"), fm % ("images", 3),
        fm % ("labels", 1)] + list(m.groups()[:3]),
        capture_output=True, text=True)
    ours = re.findall(r"loss ([\d.]+)", m.group(4))
    theirs = re.findall(r"loss ([\d.]+)", ref.stdout)
    check(len(ours) == len(theirs) > 0 and
          all(abs(float(a) - float(b)) < 1e-4 for a, b in zip(ours, theirs)),
          "the CNN's losses equal a numpy reference's",
          m.group(4) + ref.stdout + ref.stderr)
# Tables 2 and 3 and Figure 10 in modelled device time (the Titan
# Black's profile): every call, copy and phase has the device's share
p = subprocess.run(["bash", os.path.join(src, "scripts", "paper.sh"),
                    "--no-ninja", "--smoke", "-B", build, "--out",
                    out + "-timing", "--timing", "titan-black", "table2",
                    "table3", "fig10"], capture_output=True, text=True)
check(p.returncode == 0, "paper.sh --smoke --timing titan-black table2 "
      "table3 fig10 succeeds", p.stdout + p.stderr)
report = ""
if os.path.exists(os.path.join(out + "-timing", "report.md")):
    with open(os.path.join(out + "-timing", "report.md")) as f:
        report = f.read()
m = re.search(r"\| cuCtxCreate \| 77.65 → 252.63 \| ([\d.]+) → ([\d.]+) \| "
              r"[\d.]+x \|",
              report.split("Table 3 in modelled device time")[-1])
check(m is not None and 0 < float(m.group(1)) < float(m.group(2)),
      "Table 3 in device time: cuCtxCreate costs the device more in a "
      "secure context (the quote)", report)
m = re.search(r"\| ours, plain \| ([\d.]+) / ([\d.]+) \|(?:.*\n)*?"
              r"\| ours, authdec-gcm \| ([\d.]+) / ([\d.]+) \|", report)
check(m is not None and 0 < float(m.group(1)) < float(m.group(3)),
      "Table 2 in device time: AuthDec's kernels add to the plain copy",
      report)
m = re.search(r"\| BlackScholes, kernels \| ([\d.]+) \| ([\d.]+) \|", report)
check(m is not None and 0 < float(m.group(1)) < float(m.group(2)),
      "Figure 10 in device time: BlackScholes' kernels by phase, the "
      "secure ones dearer (group decryption)", report)
print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
