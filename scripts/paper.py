#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The Graviton paper's evaluation beside ours: reads what scripts/paper.sh
collected (DIR/guest.txt from the guest, DIR/bench-cp.txt and
DIR/bench-copy.txt from the host)
and writes DIR/report.md and, with matplotlib, DIR/fig9.png,
DIR/fig10.png, DIR/fig10-ae.png and DIR/fig11.png.  The paper's numbers
are those of design.md section 10 (OSDI 2018, GTX Titan Black)."""
import os
import re
import sys

# Table 1, microseconds: Base, Inv, Init, Crypto, Intr (None: '-')
PAPER_T1 = {
    "CH_CREATE": (2, 13, 2246, 11, 58),
    "CH_DESTROY": (1, 10592, None, 23, 68),
    "CH_PDE small": (1, 104, 3783, None, 62),
    "CH_PDE big": (1, 62, 57, None, 63),
    "CH_PTE small, 8 entries": (8, 14, None, 21, 82),
    "CH_PTE big, 8 entries": (8, 297, None, 21, 78),
}
# Table 2, milliseconds, sizes 4 KB .. 64 MB
T2_SIZES = [4 << 10, 64 << 10, 256 << 10, 4 << 20, 64 << 20]
PAPER_T2 = {
    "Base (plain copy)": [0.02, 0.03, 0.08, 1.07, 11.05],
    "AES on CPU": [0.01, 0.05, 0.10, 1.46, 25.45],
    "SHA3 on CPU": [0.02, 0.11, 0.34, 3.19, 51.79],
    "SHA3 on GPU": [0.12, 0.13, 0.12, 0.31, 0.58],
    "AES on GPU": [0.31, 0.38, 0.79, 6.54, 87.98],
    "Total": [0.46, 0.70, 1.43, 12.57, 176.87],
}
# Table 3, milliseconds, normal -> secure
PAPER_T3 = {
    "cuCtxCreate": (77.65, 252.63),
    "cuCtxDestroy": (17.00, 29.43),
    "cuModuleLoad": (1.72, 85.27),
    "cuMemAlloc small": (0.02, 0.19),
    "cuMemAlloc big": (0.03, 0.43),
    "cuMemFree small": (0.03, 0.28),
    "cuMemFree big": (0.05, 0.66),
}
# our Table 3 rows (gv-cuda-bench) for the paper's
T3_OURS = {
    "cuCtxCreate": "cuCtxCreate",
    "cuCtxDestroy": "cuCtxDestroy",
    "cuModuleLoad": "cuModuleLoadData (matmul)",
    "cuMemAlloc small": "cuMemAlloc 4 KiB",
    "cuMemAlloc big": "cuMemAlloc 16 MiB",
    "cuMemFree small": "cuMemFree 4 KiB",
    "cuMemFree big": "cuMemFree 16 MiB",
}
PAPER_FIG10 = {"BlackScholes": 26, "autoencoder": 33}  # secure overhead, %
# Figure 11 (Cifar-10 CNN in Caffe), secure overhead by phase, percent;
# with a hardware AES engine for command groups: +17 % overall
PAPER_FIG11 = {"init": 73, "testing": 57, "training": 53}
PAPER_FIG11_AES = 17
CNN_PHASES = ["init", "testing", "training"]
SCHEMES = ["engine-gcm", "authdec-gcm", "authdec-kmac"]


def size_name(n):
    return f"{n >> 20} MiB" if n >= 1 << 20 else f"{n >> 10} KiB"


def parse_guest(path):
    """The @@ lines of gv-cuda-bench, the BlackScholes, autoencoder and
    CNN runs (bs, ae, cnn: mode -> phases; ae and cnn also mode -> losses
    and hash)."""
    t1, t2, t3, bs, ae, cnn = {}, {}, {}, {}, {}, {}
    app = mode = None
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"@@(BS|AE|CNN) (normal|secure)$", line)
            if m:
                app, mode = m.groups()
                continue
            if app == "AE" and parse_ae_line(ae, mode, line):
                continue
            if app == "CNN" and parse_cnn_line(cnn, mode, line):
                continue
            if line.startswith("@@TIMING "):
                bs["timing"] = line[9:].replace("--device-prop ", "")
                cnn["timing"] = bs["timing"]
                continue
            m = re.search(r"launches of .*: ([\d.]+) ms each", line)
            if m and mode and app == "BS":
                bs["launch_" + mode] = float(m.group(1))
            m = re.match(r"\s+copy crypto \(host\): ([\d.]+) ms$", line)
            if m and mode and app == "BS":
                bs["crypto_" + mode] = float(m.group(1))
            m = re.match(r"\s+prices hash ([0-9a-f]+)$", line)
            if m and mode and app == "BS":
                bs["hash_" + mode] = m.group(1)
            if line.startswith("@@T1 "):
                f = line.split()[1:]
                dv = (float(f[3]), float(f[4])) if len(f) >= 5 else (0, 0)
                t1[f[0]] = (float(f[1]), float(f[2])) + dv
            elif line.startswith("@@T2 "):
                f = line.split()[1:]
                dev = float(f[5]) if len(f) >= 6 else 0.0
                t2[(f[0], f[1], int(f[2]))] = (float(f[3]), float(f[4]),
                                               dev)
            elif line.startswith("@@T3 "):
                f = line[5:].split("|")
                dv = (float(f[3]), float(f[4])) if len(f) >= 5 else (0, 0)
                t3[f[0]] = (float(f[1]), float(f[2])) + dv
            m = re.search(r"time: init ([\d.]+) ms, copies ([\d.]+) ms, "
                          r"kernels ([\d.]+) ms, rest .*? ([\d.]+) ms, "
                          r"total ([\d.]+) ms", line)
            if m and mode and app == "BS":
                bs[mode] = [float(x) for x in m.groups()]
            m = re.match(r"\s+device clock: init ([\d.]+) ms, copies "
                         r"([\d.]+) ms, kernels ([\d.]+) ms$", line)
            if m and mode and app == "BS":
                bs["device_" + mode] = [float(x) for x in m.groups()]
            m = re.match(r"BlackScholes \(driver API\): (\d+) options, "
                         r"(\d+) iterations, (\d+) batch", line)
            if m:
                bs["shape"] = tuple(int(x) for x in m.groups())
    return t1, t2, t3, bs, ae, cnn


def parse_ae_line(ae, mode, line):
    """One line of an autoencoder run into ae[mode]: True if taken."""
    r = ae.setdefault(mode, {"loss": [], "hash": None, "time": None,
                             "shape": None, "ok": False})
    m = re.match(r"\s+batch \d+: loss ([\d.]+)$", line)
    if m:
        r["loss"].append(float(m.group(1)))
        return True
    m = re.match(r"\s+weights hash ([0-9a-f]+)$", line)
    if m:
        r["hash"] = m.group(1)
        return True
    m = re.search(r"time: init ([\d.]+) ms, copies ([\d.]+) ms, "
                  r"kernels ([\d.]+) ms, rest .*? ([\d.]+) ms, "
                  r"total ([\d.]+) ms", line)
    if m:
        r["time"] = [float(x) for x in m.groups()]
        return True
    m = re.match(r"\s+device clock: init ([\d.]+) ms, copies ([\d.]+) ms, "
                 r"kernels ([\d.]+) ms$", line)
    if m:
        r["device"] = [float(x) for x in m.groups()]
        return True
    m = re.match(r"\s+copy crypto \(host\): ([\d.]+) ms$", line)
    if m:
        r["crypto"] = float(m.group(1))
        return True
    m = re.match(r"autoencoder \(driver API\): .*?(\d+) images, batches "
                 r"of (\d+), (\d+) batches, (.*)$", line)
    if m:
        r["shape"] = (int(m.group(1)), int(m.group(2)), int(m.group(3)),
                      m.group(4))
        return True
    if line == "Result = PASS":
        r["ok"] = True
        return True
    return False


def phase_values(line, key):
    """The three phases' numbers of a CNN line 'KEY: init X ms, testing
    Y ms, training Z ms' (None if it is not one)."""
    m = re.match(r"\s+" + key + r": init ([\d.]+)(?: ms)?, testing "
                 r"([\d.]+)(?: ms)?, training ([\d.]+)", line)
    return [float(x) for x in m.groups()] if m else None


def parse_cnn_line(cnn, mode, line):
    """One line of a CNN run into cnn[mode]: True if taken."""
    r = cnn.setdefault(mode, {"loss": [], "hash": None, "time": None,
                              "test": None, "shape": None, "ok": False,
                              "scheme": None})
    m = re.match(r"\s+batch \d+: loss ([\d.]+), correct", line)
    if m:
        r["loss"].append(float(m.group(1)))
        return True
    m = re.match(r"\s+test: loss ([\d.]+), accuracy (\d+)/(\d+)", line)
    if m:
        r["test"] = (float(m.group(1)), int(m.group(2)), int(m.group(3)))
        return True
    m = re.match(r"\s+weights hash ([0-9a-f]+)$", line)
    if m:
        r["hash"] = m.group(1)
        return True
    m = re.match(r"\s+copy scheme: (\S+)$", line)
    if m:
        r["scheme"] = m.group(1)
        return True
    m = re.search(r"time: init ([\d.]+) ms, testing ([\d.]+) ms, "
                  r"training ([\d.]+) ms, rest .*? ([\d.]+) ms, "
                  r"total ([\d.]+) ms", line)
    if m:
        r["time"] = [float(x) for x in m.groups()]
        return True
    for key in ("copies", "copy crypto", "launches", "launch calls",
                "guest cpu"):
        v = phase_values(line, key)
        if v:
            r[key] = [int(x) for x in v] if key == "launches" else v
            return True
    m = re.match(r"\s+device clock: (.*); copies: (.*)$", line)
    if m:
        r["device"] = phase_values("  x: " + m.group(1), "x")
        r["device copies"] = phase_values("  x: " + m.group(2), "x")
        return True
    m = re.match(r"cnn \(driver API\): .*?(\d+) training images, (\d+) "
                 r"test images, batches of (\d+), (\d+) batches, (.*)$",
                 line)
    if m:
        r["shape"] = tuple(int(x) for x in m.groups()[:4]) + (m.group(5),)
        return True
    if line == "Result = PASS":
        r["ok"] = True
        return True
    return False


def parse_bench_cp(path):
    rows = {}
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            m = re.match(r"(CH_\S.*?)\s{2,}([\d.]+)\s+(\S+)\s+(\S+)\s*$",
                         line)
            if m:
                rows[m.group(1)] = float(m.group(2))
    return rows


def parse_t1_split(guest_path, cp_path):
    """Table 1's split: the guest's (@@T1S lines of gv-cuda-bench cmds:
    (ioctl, mode) -> total, inv, init, crypto, intr, µs) and the device
    core's (bench-cp's "split" lines: command -> inv, init, crypto)."""
    guest, core = {}, {}
    if os.path.exists(guest_path):
        with open(guest_path, errors="replace") as f:
            for line in f:
                if line.startswith("@@T1S "):
                    x = line.split()[1:]
                    guest[(x[0], x[1])] = tuple(float(v) for v in x[2:7])
    if os.path.exists(cp_path):
        with open(cp_path) as f:
            for line in f:
                m = re.match(r"split\s+(CH_\S.*?)\s+inv\s+([\d.]+)\s+"
                             r"init\s+([\d.]+)\s+crypto\s+([\d.]+)", line)
                if m:
                    core[m.group(1)] = tuple(float(m.group(i))
                                             for i in (2, 3, 4))
    return guest, core


def table1_split(out, guest, core):
    """The paper's Table 1 columns (Base, Inv, Init, Crypto, Intr) beside
    ours: the guest's ioctl split by the device's profile, and the device
    core alone (bench-cp)."""
    if not guest and not core:
        return
    out.append("## Table 1, split into the paper's components (µs)\n")
    out.append("Paper: Base (its MMIO traps), Inv (invariant checks), Init "
               "(page initialisation), Crypto, Intr (interrupt). Ours, "
               "through the driver in the guest: the device's host-time "
               "profile read around each ioctl (GV_REG_PROF_*): Inv is "
               "the command processor's time less clearing and crypto "
               "(fetch, decode, checks, PMM and table updates), Intr from "
               "the device's last interrupt to the ioctl's return (\"-\": "
               "none; a bootstrap command completes within its doorbell's "
               "MMIO write and the driver reads GET, so no management "
               "command of ours raises one), Base the rest (syscall, "
               "driver, MMIO exits). Device core: "
               "`bench-cp`, the command alone, in-process (no MMIO, no "
               "interrupt). Our guest rows are one driver ioctl, which "
               "carries several commands (the paper's rows summed "
               "beside it).\n")
    out.append("| command | row | Base | Inv | Init | Crypto | Intr | "
               "total |")
    out.append("|---|---|---|---|---|---|---|---|")
    rows = [
        ("CH_CREATE (ioctl CHAN_CREATE: + the fence page's CH_PDE, "
         "CH_PTE)", ["CH_CREATE"], "create", ["CH_CREATE secure"]),
        ("CH_PDE + CH_PTE small, 8 entries (ioctl MEM_ALLOC)",
         ["CH_PDE small", "CH_PTE small, 8 entries"], "alloc-small",
         ["CH_PDE small", "CH_PTE small, 8"]),
        ("CH_PDE + CH_PTE big, 8 entries (ioctl MEM_ALLOC)",
         ["CH_PDE big", "CH_PTE big, 8 entries"], "alloc-big",
         ["CH_PDE big", "CH_PTE big, 8"]),
        ("CH_DESTROY (ioctl CHAN_DESTROY)", ["CH_DESTROY"], "destroy",
         ["CH_DESTROY authorised"]),
        ("unmap 8 small pages (ioctl MEM_FREE)", [], "free-small",
         ["CH_PTE unmap small"]),
        ("unmap 8 big pages (ioctl MEM_FREE)", [], "free-big",
         ["CH_PTE unmap big"]),
    ]
    for name, paper, op, cores in rows:
        first = True

        def row(label, cells):
            nonlocal first
            vals = [fmt(c, 1) if c is not None else "-" for c in cells]
            out.append(f"| {name if first else ''} | {label} | " +
                       " | ".join(vals) + " |")
            first = False
        if paper:
            comp = [sum(PAPER_T1[p][i] or 0 for p in paper) for i in range(5)]
            row("paper", comp + [sum(comp)])
        for mode in ("secure", "normal"):
            g = guest.get((op, mode))
            if g:
                tot, inv, init, cr, intr = g
                base = max(tot - inv - init - cr - max(intr, 0), 0)
                # intr < 0: the ioctl saw no interrupt (None: "-")
                row(f"ours, guest, {mode}", [base, inv, init, cr,
                                             intr if intr >= 0 else None,
                                             tot])
        cs = [next((v for k, v in core.items() if k.startswith(c)), None)
              for c in cores]
        if cs and all(cs):
            inv, init, cr = (sum(c[i] for c in cs) for i in range(3))
            row("ours, device core (secure)",
                [None, inv, init, cr, None, inv + init + cr])
    out.append("")


def parse_bench_copy(path):
    """bench-copy's host figures: size in bytes -> native AES-256-GCM
    sealing time on the host (ms, the 'AES CPU' column)."""
    rows = {}
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            m = re.match(r"\s*(\d+) K \|\s+([\d.]+)\s+([\d.]+) \|", line)
            if m:
                rows[int(m.group(1)) << 10] = float(m.group(3))
    return rows


def fmt(v, digits=2):
    return "-" if v is None else f"{v:.{digits}f}"


def table1(out, t1, cp):
    out.append("## Table 1: command latency (µs)\n")
    out.append("Guest: each of the driver's ioctls that carries the "
               "command, timed from user space in the guest (syscall, "
               "driver, MMIO doorbell, the command or commands, the "
               "interrupt), normal / secure channel, median. Device core: "
               "`bench-cp` on the host, the command alone. Paper: its "
               "Table 1 total (Base + Inv + Init + Crypto + Intr).\n")
    modelled = any(v[2] or v[3] for v in t1.values() if len(v) >= 4)
    if modelled:
        out.append("Modelled: the device-time model's clock across the "
                   "ioctl (docs/devtime.md), normal / secure: what the "
                   "commands would take on the profile's GPU.\n")
    out.append("| command | paper | device core | guest ioctl (normal / "
               "secure) |" + (" modelled (µs) |" if modelled else ""))
    out.append("|---|---|---|---|" + ("---|" if modelled else ""))
    rows = [
        ("CH_CREATE", "CH_CREATE secure", "create",
         "CHAN_CREATE: CH_CREATE + fence page"),
        ("CH_PDE small", "CH_PDE small", None, None),
        ("CH_PTE small, 8 entries", "CH_PTE small, 8", "alloc-small",
         "MEM_ALLOC 8 small pages: CH_PDE + CH_PTE"),
        ("CH_PDE big", "CH_PDE big", None, None),
        ("CH_PTE big, 8 entries", "CH_PTE big, 8", "alloc-big",
         "MEM_ALLOC 8 big pages: CH_PDE + CH_PTE"),
        ("CH_DESTROY", "CH_DESTROY authorised", "destroy", "CHAN_DESTROY"),
    ]
    for paper, core, op, what in rows:
        total = sum(x for x in PAPER_T1[paper] if x is not None)
        core_v = next((v for k, v in cp.items() if k.startswith(core)),
                      None)
        g = t1.get(op) if op else None
        gs = f"{g[0]:.0f} / {g[1]:.0f} ({what})" if g else "-"
        ms = (f" {g[2]:.2f} / {g[3]:.2f} |" if g else " - |") \
            if modelled else ""
        out.append(f"| {paper} | {total} | {fmt(core_v, 1)} | {gs} |{ms}")
    for op, what in (("free-small", "MEM_FREE 8 small pages (secure: "
                      "authorised unmap, scrub)"),
                     ("free-big", "MEM_FREE 8 big pages")):
        g = t1.get(op)
        if g:
            ms = f" {g[2]:.2f} / {g[3]:.2f} |" if modelled else ""
            out.append(f"| {what} | - | - | {g[0]:.0f} / {g[1]:.0f} |{ms}")
    out.append("")


def table2_head(out, sizes, hdr):
    """Table 2's header and the paper's rows, for the sizes we ran."""
    out.append(hdr)
    out.append("|---" * (len(sizes) + 1) + "|")
    for name, vals in PAPER_T2.items():
        cells = [fmt(vals[T2_SIZES.index(s)]) if s in T2_SIZES else "-"
                 for s in sizes]
        out.append(f"| paper: {name} | " + " | ".join(cells) + " |")


def table2(out, t2, native=None):
    sizes = sorted({k[2] for k in t2})
    if not sizes:
        return
    out.append("## Table 2: secure copy, host to device (ms)\n")
    out.append("Per scheme: the plain copy (a normal context), the host's "
               "cryptography (sealing; `cuGravitonCtxGetCopyCryptoTime`), "
               "and the rest of the secure copy's time, which is the "
               "device's: its cryptography and the launches that run it. "
               "Median. The paper's scheme is AES-256 + Marsupilami14, "
               "closest to our `authdec-kmac` (AES-256-CTR + a KMAC256 "
               "tree).\n")
    hdr = "| row | " + " | ".join(size_name(s) for s in sizes) + " |"
    table2_head(out, sizes, hdr)
    base = [t2.get(("plain", "htod", s), (0, 0, 0))[0] / 1e3 for s in sizes]
    out.append("| ours: plain copy | " +
               " | ".join(fmt(b) for b in base) + " |")
    for sch in SCHEMES:
        if (sch, "htod", sizes[0]) not in t2:
            continue
        tot = [t2[(sch, "htod", s)][0] / 1e3 for s in sizes]
        cpu = [t2[(sch, "htod", s)][1] / 1e3 for s in sizes]
        dev = [max(0.0, t - b - c) for t, b, c in zip(tot, base, cpu)]
        out.append(f"| ours, {sch}: CPU crypto | " +
                   " | ".join(fmt(c) for c in cpu) + " |")
        if native and sch.endswith("-gcm"):
            out.append(f"| ours, {sch}: CPU crypto at native speed | " +
                       " | ".join(fmt(native[s]) if s in native else "-"
                                  for s in sizes) + " |")
        out.append(f"| ours, {sch}: device crypto | " +
                   " | ".join(fmt(d) for d in dev) + " |")
        out.append(f"| **ours, {sch}: total** | " +
                   " | ".join(fmt(t) for t in tot) + " |")
    out.append("")
    table2_native_note(out, t2, sizes, native)
    out.append("Device to host (ms, total / CPU crypto):\n")
    out.append(hdr)
    out.append("|---" * (len(sizes) + 1) + "|")
    for sch in ["plain"] + SCHEMES:
        if (sch, "dtoh", sizes[0]) not in t2:
            continue
        cells = []
        for s in sizes:
            t, c = t2[(sch, "dtoh", s)][:2]
            cells.append(f"{t / 1e3:.2f} / {c / 1e3:.2f}")
        out.append(f"| {sch} | " + " | ".join(cells) + " |")
    out.append("")
    table2_device(out, t2, sizes, hdr)


def native_factor(t2, native):
    """How many times slower the guest's CPU crypto is than the same
    AES-256-GCM natively on this machine's host (bench-copy, the same
    run): the median over copies of 256 KiB and more, or None."""
    if not native:
        return None
    ratios = sorted(t2[(sch, "htod", s)][1] / 1e3 / native[s]
                    for sch in ("engine-gcm", "authdec-gcm")
                    for (_, _, s) in t2
                    if s >= 256 << 10 and s in native and native[s] > 0
                    and (sch, "htod", s) in t2)
    return ratios[len(ratios) // 2] if ratios else None


def table2_native_note(out, t2, sizes, native):
    """How much slower the guest's CPU crypto is than the same AES-256-GCM
    natively on this machine's host (bench-copy, the same run)."""
    factor = native_factor(t2, native)
    if not factor:
        return
    out.append("CPU crypto at native speed: the same AES-256-GCM sealing "
               "on this machine's host, natively (`bench-copy`'s \"AES "
               "CPU\", OpenSSL through our crypto layer, in the same run). "
               "The guest's CPU runs it **%.0fx** slower (median over "
               "copies of 256 KiB and more): QEMU translates the guest's "
               "x86 code (TCG, no KVM here) and AES-NI with it. Scale the "
               "guest's CPU crypto by that factor to compare with the "
               "paper's native CPU.\n" % factor)


def bs_figures(bs):
    """BlackScholes' host times (init, copies, kernels, rest, total; ms)
    of the normal and the secure run and the secure run's copy crypto;
    None for what the log lacks."""
    return bs.get("normal"), bs.get("secure"), bs.get("crypto_secure")


def ae_figures(ae):
    """The same of the autoencoder."""
    n, s = ae.get("normal") or {}, ae.get("secure") or {}
    return n.get("time"), s.get("time"), s.get("crypto")


def fig10_apps(bs, ae):
    """Figure 10's applications: (name, their figures) of each."""
    return (("BlackScholes", bs_figures(bs)),
            ("autoencoder", ae_figures(ae)))


def apps_native(out, factor, bs, ae, cnn):
    """The applications' secure overhead with the guest CPU's copy crypto
    at native speed: each secure run's copy crypto (host time, measured by
    the runtime) divided by Table 2's factor, the rest as run."""
    rows = []
    for name, (n, s, cr) in fig10_apps(bs, ae):
        if n and s and cr is not None:
            rows.append((name, n[4], s[4], cr, PAPER_FIG10.get(name)))
    cn, cs = cnn.get("normal"), cnn.get("secure")
    if cn and cs and cn.get("time") and cs.get("time") and \
            cs.get("copy crypto"):
        for i, ph in enumerate(CNN_PHASES):
            rows.append((f"CNN, {ph}", cn["time"][i], cs["time"][i],
                         cs["copy crypto"][i], PAPER_FIG11[ph]))
    if not factor or not rows:
        return
    out.append("### The applications with the CPU's copy crypto at native "
               "speed (ms)\n")
    out.append("Each secure run's copy crypto (host time in the guest, "
               "`cuGravitonCtxGetCopyCryptoTime`) divided by Table 2's "
               f"factor (**{factor:.0f}x**: the guest's AES-256-GCM against "
               "the host's, same run); everything else as run. An estimate "
               "of the overhead on a native CPU, as the paper's was: the "
               "rest of the guest's CPU work (runtime, driver) is also "
               "translated and is not scaled here.\n")
    out.append("| application | normal | secure | of it copy crypto | "
               "secure, crypto native | overhead as run | overhead, "
               "crypto native | paper |")
    out.append("|---|---|---|---|---|---|---|---|")
    for name, n, s, cr, paper in rows:
        sn = s - cr + cr / factor
        out.append(f"| {name} | {n:.1f} | {s:.1f} | {cr:.1f} | {sn:.1f} | "
                   f"{pct(s - n, n)} | {pct(sn - n, n)} | "
                   f"{'+%d%%' % paper if paper else '-'} |")
    out.append("")


def table2_device(out, t2, sizes, hdr):
    """Table 2 in modelled device time, when the run had the model: each
    copy's device clock (PCIe transfer, the copy engine's crypto mode,
    AuthDec's launches); the CPU's crypto is the guest's, not the
    device's, and is in the host-time table above."""
    if not any(v[2] > 0 for v in t2.values()):
        return
    out.append("### Table 2 in modelled device time (ms)\n")
    out.append("The device clock across each copy (docs/devtime.md): the "
               "plain copy's transfer, and for each scheme its transfer "
               "plus the device's cryptography (the copy engine's crypto "
               "mode, or AuthDec's kernels). The paper's figures are its "
               "GPU's. Host to device / device to host.\n")
    table2_head(out, sizes, hdr)
    for sch in ["plain"] + SCHEMES:
        if (sch, "htod", sizes[0]) not in t2:
            continue
        cells = [f"{t2[(sch, 'htod', s)][2] / 1e3:.3f} / "
                 f"{t2[(sch, 'dtoh', s)][2] / 1e3:.3f}" for s in sizes]
        out.append(f"| ours, {sch} | " + " | ".join(cells) + " |")
    out.append("")


def table3_rows(out, t3, at, digits, paper_ratio):
    """Table 3's rows from columns @at, @at + 1 (normal, secure) of t3:
    the paper's calls, then ours alone."""
    f = f".{digits}f"
    for name, (pn, ps) in PAPER_T3.items():
        ours = t3.get(T3_OURS[name])
        oc = orr = "-"
        if ours:
            n, s = ours[at] / 1e3, ours[at + 1] / 1e3
            oc = f"{n:{f}} → {s:{f}}"
            orr = f"{s / n:.1f}x" if n > 0 else "-"
        pr = f" {ps / pn:.1f}x |" if paper_ratio else ""
        out.append(f"| {name} | {pn} → {ps} | {oc} |{pr} {orr} |")
    for k in [k for k in t3 if k not in T3_OURS.values()]:
        n, s = t3[k][at] / 1e3, t3[k][at + 1] / 1e3
        ns = f"{n:{f}}" if n > 0 else "-"
        orr = f"{s / n:.1f}x" if n > 0 and not paper_ratio else "-"
        pr = " - |" if paper_ratio else ""
        out.append(f"| {k.strip()} (ours only) | - | {ns} → {s:{f}} |{pr} "
                   f"{orr} |")


def table3(out, t3):
    if not t3:
        return
    out.append("## Table 3: driver API latency (ms), normal → secure\n")
    out.append("| call | paper | ours | paper ratio | our ratio |")
    out.append("|---|---|---|---|---|")
    table3_rows(out, t3, 0, 3, True)
    out.append("")
    table3_device(out, t3)


def table3_device(out, t3):
    """Table 3 in modelled device time: the device clock across each call
    (the commands it sent: CH_CREATE and its quote, CH_PDE/CH_PTE with
    their table clearing and summaries, the module's copy, ...). What the
    call costs on the guest's CPU (the runtime, the driver, the key
    exchange) is not device time."""
    if not any(v[2] > 0 or v[3] > 0 for v in t3.values()):
        return
    out.append("### Table 3 in modelled device time (ms), normal → "
               "secure\n")
    out.append("The device clock across each call (docs/devtime.md): the "
               "device's share of the call; the paper's figures are whole "
               "calls on its machine.\n")
    out.append("| call | paper (whole call) | ours, device time | "
               "our ratio |")
    out.append("|---|---|---|---|")
    table3_rows(out, t3, 2, 4, False)
    out.append("")


def fig10(out, bs):
    if "normal" not in bs or "secure" not in bs:
        return
    n, s = bs["normal"], bs["secure"]
    shape = bs.get("shape", (0, 0, 0))
    over = (s[4] / n[4] - 1) * 100 if n[4] > 0 else 0
    out.append("## Figure 10: BlackScholes, normal vs secure\n")
    out.append(f"{shape[0]} options, {shape[1]} iterations per batch, "
               f"{shape[2]} batches (paper: 4M options, 2500 iterations, "
               "10 batches). Host time in the guest, ms.\n")
    out.append("| phase | normal | secure |")
    out.append("|---|---|---|")
    for i, ph in enumerate(["init (context, module, constants, "
                            "allocations)", "copies", "kernels",
                            "rest (CPU check, frees, destroy)", "total"]):
        out.append(f"| {ph} | {n[i]:.1f} | {s[i]:.1f} |")
    out.append(f"\nSecure overhead: **{over:+.0f}%** (paper: "
               f"+{PAPER_FIG10['BlackScholes']}%).\n")
    hn, hs = bs.get("hash_normal"), bs.get("hash_secure")
    if hn and hs:
        out.append(f"The two runs' prices (every batch; hash {hn}) are "
                   f"{'bit-identical' if hn == hs else 'DIFFERENT'}.\n")
    if "launch_normal" in bs and "launch_secure" in bs:
        timing = bs.get("timing", "off")
        clock = ("modelled device time, " + timing if timing != "off"
                 else "host time: no device-time model")
        out.append(f"One launch, by `cuEventElapsedTime` ({clock}): "
                   f"{bs['launch_normal']:.3f} ms normal, "
                   f"{bs['launch_secure']:.3f} ms secure.\n")


def fig10_ae(out, ae):
    n, s = ae.get("normal"), ae.get("secure")
    if not n or not s or not n["time"] or not s["time"]:
        return
    over = (s["time"][4] / n["time"][4] - 1) * 100
    shape = n["shape"] or (0, 0, 0, "")
    same = n["loss"] == s["loss"] and n["hash"] == s["hash"]
    out.append("## Figure 10: the autoencoder, normal vs secure\n")
    out.append(f"6 + 6 fully connected layers (784-512-256-128-64-32-16 "
               f"and back), SGD on batches of {shape[1]}, {shape[2]} "
               f"batches from {shape[0]} images ({shape[3]}; the paper: "
               "MNIST, batches of 128). Host time in the guest, ms.\n")
    out.append("| phase | normal | secure |")
    out.append("|---|---|---|")
    for i, ph in enumerate(["init (context, module, weights in)",
                            "copies (batches in, outputs out)",
                            "kernels (forward, backward, update)",
                            "rest (loss, weights hash, frees, destroy)",
                            "total"]):
        out.append(f"| {ph} | {n['time'][i]:.1f} | {s['time'][i]:.1f} |")
    out.append(f"\nSecure overhead: **{over:+.0f}%** (paper: +33%). "
               f"Loss {n['loss'][0]:.4f} → {n['loss'][-1]:.4f}; the two "
               f"runs' losses and trained weights (hash {n['hash']}) are "
               f"{'bit-identical' if same else 'DIFFERENT'}.\n")


def pct(part, whole):
    return f"{part / whole * 100:+.0f}%" if whole > 0 else "-"


def split_rows(out, rows, digits=1):
    """Rows of (name, normal, secure, normal copies, secure copies, host
    crypto or None): the overhead split the paper's way."""
    out.append("| | normal | secure | overhead | isolation (secure API, "
               "command authentication) | secure copy | isolation's share "
               "|")
    out.append("|---|---|---|---|---|---|---|")
    for name, n, s, nc, sc, cr in rows:
        over, copy = s - n, sc - nc
        iso = over - copy
        crs = f" (host crypto {cr:.1f})" if cr is not None else ""
        share = f"{iso / over * 100:.0f}%" if over > 0 <= iso else "-"
        f = f".{digits}f"
        out.append(f"| {name} | {n:{f}} | {s:{f}} | {over:+{f}} "
                   f"({pct(over, n)}) | {iso:+{f}} ({pct(iso, n)}) | "
                   f"{copy:+{f}} ({pct(copy, n)}){crs} | {share} |")


def fig10_split(out, bs, ae):
    """Figure 10's overhead split: copies vs the rest, host time."""
    rows = []
    for name, (n, s, _) in fig10_apps(bs, ae):
        if n and s:
            rows.append((f"{name}, total", n[4], s[4], n[1], s[1], None))
    if not rows:
        return
    out.append("### Figure 10: where the secure overhead goes (host time, "
               "ms)\n")
    out.append("Secure copy: what the secure run's copies took more than "
               "the normal run's (sealing, the crypto copy, opening); "
               "isolation: the rest of the overhead, i.e. the secure API "
               "(context with attestation, measured module, allocations "
               "with summaries, authorised frees) and the authenticated, "
               "encrypted launches. Percentages of the normal run.\n")
    split_rows(out, rows)
    out.append("")
    fig10_split_device(out, bs, ae)


def fig10_split_device(out, bs, ae):
    """The same in modelled device time: the autoencoder's device clock
    (from its context's creation on), a BlackScholes launch's."""
    timing = bs.get("timing", "off")
    n, s = ae.get("normal", {}), ae.get("secure", {})
    if timing == "off" or "device" not in n or "device" not in s:
        return
    out.append(f"### Figure 10 in modelled device time ({timing}, ms)\n")
    out.append("The device clock of BlackScholes and the autoencoder from "
               "their context's creation to the end of their work (init, "
               "copies, kernels); secure copy: the copies' device time, "
               "secure less normal; isolation: the rest (command-group "
               "decryption, the secure API's MACs). BlackScholes, one "
               "launch: by `cuEventElapsedTime`.\n")
    rows = []
    bn, bsec = bs.get("device_normal"), bs.get("device_secure")
    if bn and bsec:
        rows.append(("BlackScholes", sum(bn), sum(bsec), bn[1], bsec[1],
                     None))
        for i, ph in enumerate(["init", "copies", "kernels"]):
            rows.append((f"BlackScholes, {ph}", bn[i], bsec[i],
                         bn[1] if i == 1 else 0.0,
                         bsec[1] if i == 1 else 0.0, None))
    rows.append(("autoencoder", sum(n["device"]), sum(s["device"]),
                 n["device"][1], s["device"][1], None))
    if "launch_normal" in bs and "launch_secure" in bs:
        rows.append(("BlackScholes, one launch", bs["launch_normal"],
                     bs["launch_secure"], 0.0, 0.0, None))
    split_rows(out, rows, 3)
    out.append("")


def fig11(out, cnn):
    n, s = cnn.get("normal"), cnn.get("secure")
    if not n or not s or not n["time"] or not s["time"]:
        return
    sh = n["shape"] or (0, 0, 0, 0, "")
    same = (n["loss"] == s["loss"] and n["hash"] == s["hash"] and
            n["test"] == s["test"])
    out.append("## Figure 11: the CNN, normal vs secure\n")
    out.append("Three convolutions (5x5, 8; 5x5, 16; 3x3, 32) with ReLU, "
               "max / average pooling and local response normalisation, "
               "a linear classifier with softmax and cross-entropy "
               "(`samples/cnn`, the shape of Caffe's Cifar-10 network); "
               f"SGD on {sh[3]} batches of {sh[2]} from {sh[0]} training "
               f"images, then inference over {sh[1]} test images "
               f"({sh[4]}: Fashion-MNIST, 28x28x1; the paper: Cifar-10 in "
               f"Caffe). Copy scheme of the secure run: "
               f"{s.get('scheme') or '?'}. Host time in the guest, ms.\n")
    out.append("| phase | normal | secure | overhead | paper |")
    out.append("|---|---|---|---|---|")
    names = ["initialisation (context, module, allocations, weights in)",
             "testing (inference)", "training (SGD)"]
    for i, ph in enumerate(CNN_PHASES):
        a, b = n["time"][i], s["time"][i]
        out.append(f"| {names[i]} | {a:.1f} | {b:.1f} | {pct(b - a, a)} | "
                   f"+{PAPER_FIG11[ph]}% |")
    a, b = sum(n["time"][:3]), sum(s["time"][:3])
    out.append(f"| the three phases | {a:.1f} | {b:.1f} | {pct(b - a, a)} "
               f"| with a hardware AES engine: +{PAPER_FIG11_AES}% |")
    tl, tr, tn = n["test"] or (0, 0, 1)
    out.append(f"\nLoss {n['loss'][0]:.4f} → {n['loss'][-1]:.4f} (the "
               f"first batch again), test loss {tl:.4f}, accuracy {tr}/{tn} "
               f"({100 * tr / tn:.1f}%); the two runs' losses, accuracy "
               f"and trained weights (hash {n['hash']}) are "
               f"{'bit-identical' if same else 'DIFFERENT'}.\n")
    fig11_split(out, cnn)


def fig11_split(out, cnn):
    """Figure 11's overhead split by phase, in host time and, when the
    run had the device-time model, in modelled device time."""
    n, s = cnn["normal"], cnn["secure"]
    if "copies" not in n or "copies" not in s:
        return
    out.append("### Figure 11: where the secure overhead goes (host time, "
               "ms)\n")
    out.append("As for Figure 10: secure copy is the secure run's copies "
               "less the normal run's (host crypto: "
               "`cuGravitonCtxGetCopyCryptoTime`, initialisation's "
               "including the module's), isolation the rest.\n")
    rows = [(ph, n["time"][i], s["time"][i], n["copies"][i],
             s["copies"][i], s.get("copy crypto", [None] * 3)[i])
            for i, ph in enumerate(CNN_PHASES)]
    rows.append(("the three phases", sum(n["time"][:3]),
                 sum(s["time"][:3]), sum(n["copies"]), sum(s["copies"]),
                 sum(s.get("copy crypto", [0] * 3))))
    split_rows(out, rows)
    if "guest cpu" in n and "guest cpu" in s and "copy crypto" in s:
        out.append("\nThe same in the guest process's CPU time (ms): the "
                   "runtime's and the driver's work without the waits for "
                   "the device, so without the kernels' run time, whose "
                   "noise on this shared machine swamps the host-time split "
                   "above. Secure copy: the copies' cryptography "
                   "(`cuGravitonCtxGetCopyCryptoTime`); isolation: the "
                   "rest (sealing command groups, the secure API's "
                   "checks).\n")
        nc, sc = n["guest cpu"], s["guest cpu"]
        cr = s["copy crypto"]
        rows = [(ph, nc[i], sc[i], 0.0, cr[i], None)
                for i, ph in enumerate(CNN_PHASES)]
        rows.append(("the three phases", sum(nc), sum(sc), 0.0, sum(cr),
                     None))
        split_rows(out, rows)
        out.append("")
    timing = cnn.get("timing", "off")
    if timing == "off" or "device" not in n or "device" not in s:
        return
    out.append(f"### Figure 11 in modelled device time ({timing}, ms)\n")
    out.append("The device clock across each phase (docs/devtime.md): "
               "what the device's work would take on the profile's GPU, "
               "without the guest CPU's share (the runtime's crypto, "
               "the driver). Initialisation's starts once the context "
               "exists. Secure copy: the copies' device time, secure less "
               "normal; isolation: the rest (command-group decryption, "
               "MACs of the secure commands).\n")
    rows = [(ph, n["device"][i], s["device"][i], n["device copies"][i],
             s["device copies"][i], None) for i, ph in enumerate(CNN_PHASES)]
    a, b = sum(n["device"]), sum(s["device"])
    rows.append(("the three phases", a, b, sum(n["device copies"]),
                 sum(s["device copies"]), None))
    split_rows(out, rows, 3)
    k = sum(s.get("launches", [0])[1:])
    if k:
        iso = sum((s["device"][i] - s["device copies"][i]) -
                  (n["device"][i] - n["device copies"][i]) for i in (1, 2))
        out.append(f"\nDevice-side isolation of testing and training per "
                   f"launch: {iso / k * 1e3:.2f} µs ({k} launches; the "
                   "model charges a secure command group's decryption, "
                   "3 µs in firmware or 30 ns by an AES engine).\n")
    out.append("")


def bars_fig11(ax, n, s, nc, sc, title, paper):
    """One panel: each phase's secure time relative to its normal time,
    split into isolation and secure copy."""
    xs = range(len(CNN_PHASES))
    iso = [((s[i] - sc[i]) - (n[i] - nc[i])) / n[i] for i in xs]
    cp = [(sc[i] - nc[i]) / n[i] for i in xs]
    ax.bar([x - 0.2 for x in xs], [1.0] * 3, 0.35, label="normal")
    ax.bar([x + 0.2 for x in xs], [1.0] * 3, 0.35, color="lightgray",
           label="secure: the normal run's time")
    ax.bar([x + 0.2 for x in xs], iso, 0.35, bottom=[1.0] * 3,
           label="secure: isolation")
    ax.bar([x + 0.2 for x in xs], cp, 0.35,
           bottom=[1.0 + v for v in iso], label="secure: secure copy")
    if paper:
        ax.plot([x + 0.2 for x in xs],
                [1 + PAPER_FIG11[ph] / 100 for ph in CNN_PHASES], "k_",
                markersize=20, mew=2, label="paper (secure)")
    top = max([1 + a + max(b, 0) for a, b in zip(iso, cp)] +
              [1 + v / 100 for v in PAPER_FIG11.values()])
    ax.set_ylim(0, top + 0.6)
    ax.set_xticks(list(xs))
    ax.set_xticklabels(CNN_PHASES)
    ax.set_ylabel("time relative to normal")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=6, loc="upper right")


def plot_fig11(plt, d, cnn):
    """Host time and, with the device-time model, modelled device time."""
    n, s = cnn["normal"], cnn["secure"]
    dev = cnn.get("timing", "off") != "off" and "device" in n and \
        "device" in s
    fig, axs = plt.subplots(1, 2 if dev else 1,
                            figsize=(10 if dev else 6, 4), squeeze=False)
    bars_fig11(axs[0][0], n["time"], s["time"], n["copies"], s["copies"],
               "Figure 11: the CNN, host time", True)
    if dev:
        bars_fig11(axs[0][1], n["device"], s["device"],
                   n["device copies"], s["device copies"],
                   "modelled device time (" + cnn["timing"] + ")", True)
    fig.tight_layout()
    fig.savefig(os.path.join(d, "fig11.png"), dpi=120)
    plt.close(fig)


def plots(d, t2, bs, ae, cnn):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "plots skipped: python3-matplotlib is not installed"
    made = []
    sizes = sorted({k[2] for k in t2})
    if sizes:
        fig, ax = plt.subplots(figsize=(6, 4))
        xs = [s / 1024 for s in sizes]
        ax.plot([s / 1024 for s in T2_SIZES], PAPER_T2["Total"], "k--o",
                label="paper: total (AES + SHA-3 MAC)")
        for sch in ["plain"] + SCHEMES:
            if (sch, "htod", sizes[0]) in t2:
                ax.plot(xs, [t2[(sch, "htod", s)][0] / 1e3 for s in sizes],
                        "-o", label=f"ours: {sch}")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("copy size (KiB)")
        ax.set_ylabel("time (ms)")
        ax.set_title("Figure 9: secure copy, host to device")
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(os.path.join(d, "fig9.png"), dpi=120)
        plt.close(fig)
        made.append("fig9.png")
    if "normal" in bs and "secure" in bs:
        fig, ax = plt.subplots(figsize=(5, 4))
        phases = ["init", "copies", "kernels", "rest"]
        bottom = [0.0, 0.0]
        for i, ph in enumerate(phases):
            v = [bs["normal"][i], bs["secure"][i]]
            ax.bar(["normal", "secure"], v, bottom=bottom, label=ph)
            bottom = [b + x for b, x in zip(bottom, v)]
        ax.set_ylabel("time (ms)")
        ax.set_title("Figure 10: BlackScholes")
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(os.path.join(d, "fig10.png"), dpi=120)
        plt.close(fig)
        made.append("fig10.png")
    if ae.get("normal", {}).get("loss") and ae.get("secure", {}).get("loss"):
        fig, ax = plt.subplots(figsize=(5, 4))
        for mode, style in (("normal", "-o"), ("secure", "--x")):
            ax.plot(range(len(ae[mode]["loss"])), ae[mode]["loss"], style,
                    label=mode)
        ax.set_xlabel("batch")
        ax.set_ylabel("reconstruction loss (MSE)")
        ax.set_title("Figure 10: autoencoder training, normal vs secure")
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(os.path.join(d, "fig10-ae.png"), dpi=120)
        plt.close(fig)
        made.append("fig10-ae.png")
    if cnn.get("normal", {}).get("copies") and \
            cnn.get("secure", {}).get("copies"):
        plot_fig11(plt, d, cnn)
        made.append("fig11.png")
    return "plots: " + ", ".join(made) if made else "no plots"


def main():
    if len(sys.argv) != 2:
        print("usage: paper.py DIR", file=sys.stderr)
        return 2
    d = sys.argv[1]
    t1, t2, t3, bs, ae, cnn = parse_guest(os.path.join(d, "guest.txt"))
    cp = parse_bench_cp(os.path.join(d, "bench-cp.txt"))
    native = parse_bench_copy(os.path.join(d, "bench-copy.txt"))
    out = ["# The Graviton paper's evaluation, reproduced\n",
           "Generated by `scripts/paper.sh` (docs/paper.md explains the "
           "differences). Host time, unless marked as modelled device "
           "time.\n"]
    if t1 or cp:
        table1(out, t1, cp)
    table1_split(out, *parse_t1_split(os.path.join(d, "guest.txt"),
                                      os.path.join(d, "bench-cp.txt")))
    table2(out, t2, native)
    table3(out, t3)
    fig10(out, bs)
    fig10_ae(out, ae)
    fig10_split(out, bs, ae)
    fig11(out, cnn)
    apps_native(out, native_factor(t2, native), bs, ae, cnn)
    note = plots(d, t2, bs, ae, cnn)
    if os.path.exists(os.path.join(d, "fig9.png")):
        out.append("![Figure 9](fig9.png)\n")
    if os.path.exists(os.path.join(d, "fig10.png")):
        out.append("![Figure 10](fig10.png)\n")
    if os.path.exists(os.path.join(d, "fig10-ae.png")):
        out.append("![Figure 10, autoencoder](fig10-ae.png)\n")
    if os.path.exists(os.path.join(d, "fig11.png")):
        out.append("![Figure 11](fig11.png)\n")
    with open(os.path.join(d, "report.md"), "w") as f:
        f.write("\n".join(out))
    print(f"paper: {os.path.join(d, 'report.md')} ({note})")
    got = bool(t1 or t2 or t3 or bs or cp or ae or cnn.get("normal"))
    return 0 if got else 1


if __name__ == "__main__":
    sys.exit(main())
