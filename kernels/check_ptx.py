#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check the PTX clang made of each test kernel: the PTX version and target
the translator is written for, one visible entry named like the file's
kernel, its parameters, and a body that ends in ret."""
import os
import re
import sys

ENTRY = {"vector_add": "vector_add", "memset32": "memset32",
         "matmul": "matmul", "reduce": "reduce_sum",
         "blackscholes": "blackscholes", "intrinsics": "intrinsics",
         "aesgcm": ("gv_gcm_ghash", "gv_gcm_decrypt", "gv_gcm_encrypt",
                    "gv_gcm_tag"),
         "kmac": ("gv_kmac_chunks", "gv_kmac_verify", "gv_kmac_tag",
                  "gv_kmac_decrypt", "gv_kmac_encrypt")}
# Constructs the translator is not asked to take.
UNSUPPORTED = {r"\.callprototype": "indirect call", r"\.f16\b": "f16",
               r"\btex\.": "texture"}
bad = 0
print(f"1..{len(sys.argv) - 1}")
for i, path in enumerate(sys.argv[1:], 1):
    text = open(path).read()
    names = ENTRY[os.path.basename(path)[:-4]]
    if isinstance(names, str):
        names = (names,)
    name = ", ".join(names)
    problems = []
    if not re.search(r"^\.version 7\.0$", text, re.M):
        problems.append("not PTX 7.0")
    if not re.search(r"^\.target sm_70$", text, re.M):
        problems.append("not sm_70")
    for n in names:
        if not re.search(rf"^\.visible \.entry {n}\(", text, re.M):
            problems.append(f"no .entry {n}")
    if not re.search(r"\.param (\.u64|\.u32|\.f32|\.align \d+ \.b8) ",
                     text):
        problems.append("no parameters")
    for pat, what in UNSUPPORTED.items():
        if re.search(pat, text):
            problems.append(what)
    if "ret;" not in text:
        problems.append("no ret")
    ok = not problems
    bad += not ok
    print(f"{'ok' if ok else 'not ok'} {i} - {name}" +
          ("" if ok else " # " + ", ".join(problems)))
sys.exit(1 if bad else 0)
