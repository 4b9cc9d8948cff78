#!/usr/bin/env bash
# Reproduce the Graviton paper's evaluation (OSDI 2018) on this machine:
# boots the guest once, runs the benchmarks there, and writes a report with
# the paper's numbers beside ours (docs/paper.md holds a full run).
#
#   bash scripts/paper.sh [options] PART...
#
# PART is one of:
#
#   table1          CH_* command latency: the driver's ioctls in the guest,
#                   the device core alone (bench-cp on the host)
#   table2, fig9    secure copy by scheme and size, split into the plain
#                   copy, the CPU's and the device's cryptography
#   table3          driver API calls, normal vs secure context
#   fig10           BlackScholes and the autoencoder, normal vs secure,
#                   by phase
#   fig11           the CNN (samples/cnn), normal vs secure: initialisation,
#                   testing and training, the overhead split into isolation
#                   and secure copy
#   all             all of them
# Options:
#   --smoke         small sizes and few repetitions (CI: about a minute)
#   --timing PROFILE
#                   the device-time model (docs/devtime.md): titan-black
#                   or h100; kernel times from events are then modelled
#                   device time
#   --aes-engine    with --timing: a hardware AES engine for command
#                   groups
#   --out DIR       where raw data, report.md and the PNGs go
#                   (default BUILD/paper)
#   --no-ninja      do not rebuild first
#   -B DIR          the meson build directory (default build/)
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
die() { printf 'paper: %s\n' "$*" >&2; exit 2; }

build=${GRAVITON_BUILD:-$root/build} out= smoke=0 ninja=1 parts=() dev=()
while [ $# -gt 0 ]; do
    case "$1" in
    --smoke) smoke=1 ;;
    --out) out=${2:?--out needs a directory}; shift ;;
    --no-ninja) ninja=0 ;;
    --timing) dev+=(--device-prop "timing=${2:?--timing needs a profile}")
        shift ;;
    --aes-engine) dev+=(--device-prop aes-engine=on) ;;
    -B) build=${2:?-B needs a directory}; shift ;;
    -h|--help) sed -n '2,/^# SPDX/{/^# SPDX/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    table1|table2|fig9|table3|fig10|fig11) parts+=("$1") ;;
    all) parts+=(table1 table2 table3 fig10 fig11) ;;
    *) die "unknown argument $1 (--help lists them)" ;;
    esac
    shift
done
[ ${#parts[@]} -gt 0 ] || die "name a table or figure, or all (--help)"
case "$build" in /*) ;; *) build=$PWD/$build ;; esac
out=${out:-$build/paper}
mkdir -p "$out"
out=$(cd "$out" && pwd)
[ $ninja = 1 ] && ninja -C "$build" >/dev/null

# sizes: the paper's, or a smoke run's
if [ $smoke = 1 ]; then
    reps=3 copymax=$((256 << 10)) bs="-n=20000 -iterations=4 -batches=2"
    ae_images=256 ae="-batch=32 -batches=3"
    cnn_images=128 cnn_tests=64 cnn="-batch=32 -batches=3"
else
    reps=9 copymax=$((64 << 20)) bs="-n=400000 -iterations=64 -batches=10"
    ae_images=2560 ae="-batch=128 -batches=20"
    cnn_images=1536 cnn_tests=512 cnn="-batch=128 -batches=12"
fi

run=$(mktemp -d)
trap 'rm -rf "$run"' EXIT
# Fashion-MNIST (Debian's dataset-fashion-mnist) for the autoencoder: the
# first images of the training set as raw 28 x 28 bytes
fm=/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
if [[ " ${parts[*]} " == *" fig10 "* ]] && [ -f "$fm" ]; then
    python3 - "$fm" "$run/fmnist.u8" "$ae_images" <<'PY'
import gzip, sys
with gzip.open(sys.argv[1]) as f:
    head = f.read(16)
    assert head[:4] == b"\x00\x00\x08\x03", "not an IDX image file"
    data = f.read(784 * int(sys.argv[3]))
open(sys.argv[2], "wb").write(data)
PY
fi
# and for the CNN, records of a label byte and the 28 x 28 pixels: the
# first images of the training set and of the test set
fmd=${fm%/*}
if [[ " ${parts[*]} " == *" fig11 "* ]] && [ -f "$fm" ]; then
    python3 - "$fmd" "$run" "$cnn_images" "$cnn_tests" <<'PY'
import gzip, os, sys
d, out, counts = sys.argv[1], sys.argv[2], sys.argv[3:5]
for part, name, n in (("train", "train", counts[0]),
                      ("t10k", "test", counts[1])):
    n = int(n)
    with gzip.open(os.path.join(d, part + "-images-idx3-ubyte.gz")) as f:
        assert f.read(16)[:4] == b"\x00\x00\x08\x03", "not IDX images"
        img = f.read(784 * n)
    with gzip.open(os.path.join(d, part + "-labels-idx1-ubyte.gz")) as f:
        assert f.read(8)[:4] == b"\x00\x00\x08\x01", "not IDX labels"
        lbl = f.read(n)
    with open(os.path.join(out, f"fmnist-{name}.rec"), "wb") as f:
        for i in range(n):
            f.write(lbl[i:i + 1] + img[784 * i:784 * (i + 1)])
PY
fi
{
    echo '#!/bin/sh'
    echo 'cd /gv/bin'
    echo "echo '@@TIMING ${dev[*]:-off}'"
    for p in "${parts[@]}"; do
        case "$p" in
        table1) echo "./gv-cuda-bench --machine cmds $reps" ;;
        table2|fig9) echo "./gv-cuda-bench --machine copy $reps $copymax" ;;
        table3) echo "./gv-cuda-bench --machine table3 $reps" ;;
        fig10)
            echo 'echo "@@BS normal"'
            echo "./BlackScholes $bs"
            echo 'echo "@@BS secure"'
            echo "GRAVITON_SECURE=1 ./BlackScholes $bs"
            d=""
            [ -f "$run/fmnist.u8" ] && d="-data=/gv/run/fmnist.u8"
            for mode in normal secure; do
                echo "echo '@@AE $mode'"
                [ $mode = secure ] && printf 'GRAVITON_SECURE=1 '
                echo "./autoencoder $d -images=$ae_images $ae"
            done ;;
        fig11)
            d=""
            [ -f "$run/fmnist-train.rec" ] &&
                d="-train=/gv/run/fmnist-train.rec" &&
                d+=" -test=/gv/run/fmnist-test.rec"
            for mode in normal secure; do
                echo "echo '@@CNN $mode'"
                [ $mode = secure ] && printf 'GRAVITON_SECURE=1 '
                echo "./cnn $d -images=$cnn_images -tests=$cnn_tests $cnn"
            done ;;
        esac
    done
} > "$run/paper"
chmod +x "$run/paper"

: > "$out/bench-cp.txt"
: > "$out/bench-copy.txt"
for p in "${parts[@]}"; do
    if [ "$p" = table1 ]; then
        "$build/bench/bench-cp" --runs $((reps * 5)) > "$out/bench-cp.txt"
    fi
    # the host's native AES-GCM, to scale the guest CPU's crypto
    if { [ "$p" = table2 ] || [ "$p" = fig9 ]; } &&
       [ -x "$build/bench/bench-copy" ]; then
        "$build/bench/bench-copy" --runs 3 > "$out/bench-copy.txt"
    fi
done
echo "paper: running ${parts[*]} in the guest (raw data: $out/guest.txt)"
rc=0
bash "$root/scripts/gv-run.sh" -B "$build" --timeout 3000 "${dev[@]}" \
    --log "$out/console.log" "$run/paper" > "$out/guest.txt" || rc=$?
[ $rc = 0 ] || die "the guest run failed ($rc): $out/console.log"
# Debian's python3 has python3-matplotlib (a python3 earlier in PATH, e.g.
# pyenv's, may not)
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
"$py" "$root/scripts/paper.py" "$out"
