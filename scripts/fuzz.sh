#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fuzzing campaigns (docs/fuzzing.md).
#
#   bash scripts/fuzz.sh host [--minutes N] [--harness NAME]... [--no-merge]
#                             [--smoke]
#       The host harnesses of tests/fuzz (libFuzzer, in-process, device
#       core and libraries instrumented, ASan/UBSan): configures and
#       builds build-fuzz (CC=clang, -Dfuzzer=true) if needed, runs each
#       harness N minutes (default 10) from its committed corpus
#       (tests/fuzz/corpus/NAME), merges what added coverage back into the
#       corpus (minimised: -merge=1, edges and rules only) and prints per
#       harness: executions, executions per second, edges (libFuzzer's
#       cov), rules (or checks) reached over the corpus, findings.
#       Logs and findings: build-fuzz/campaigns/DATE/.
#       --smoke: a bounded check for CI (scripts/test.sh): no merge, and
#       exit status 1 if any harness found something.
#   bash scripts/fuzz.sh guest [--minutes N] [--seed S] [--no-build]
#                              [--corpus DIR] [--edges]
#       The guest fuzzer (tests/guest/fuzz/gv-fuzz): builds the guest image
#       (and QEMU) unless --no-build, boots the guest with the device's
#       debug block (debug=on), runs a campaign of N minutes (default 10)
#       from seed S (default: the time), prints its figures (steps per
#       second, rules reached over time, unreached rules, findings) and
#       copies each finding and, at the end, the campaign's corpus out of
#       the console log as step files.  --corpus DIR: the campaign starts
#       from the step files (*.gvfs) of DIR, e.g. an earlier campaign's
#       corpus/ (they are added to the guest's initramfs).
#       --edges: in the coverage QEMU (scripts/build-qemu.sh --coverage,
#       built into build/hw-cov unless --no-build; the first build takes
#       a while): the device core's edge coverage guides the campaign too
#       and is reported next to the rules over time.
#       Logs, findings/ and corpus/: build/fuzz-guest/DATE/.  Exit status 1
#       on a finding, or when QEMU crashed or hung (the seed is printed).
#   bash scripts/fuzz.sh guest --replay FILE
#       One saved input (a step file) again in a booted guest.
#   bash scripts/fuzz.sh qtest [--minutes N] [--seed S] [--sanitize]
#       The QEMU device's register file, aperture and DMA paths through
#       qtest (tests/qtest/qtest_fuzz.c): one QEMU per seed, 20,000 steps
#       each, seeds S, S+1, ... for N minutes (default 10); prints steps,
#       steps per second, rules reached (all seeds together) and findings,
#       each with its qtest replay.  --sanitize: in the sanitizer QEMU
#       (scripts/build-qemu.sh --sanitize, built into build/hw-san; our
#       device under ASan and UBSan, every report a finding).  GV_QEMU
#       names another QEMU.  Logs: build/fuzz-qtest/DATE/.
#   bash scripts/fuzz.sh all [--minutes N]
#       All three: every host harness, the qtest campaign, then the guest
#       fuzzer, N minutes each.
#
# Runs one harness at a time, one job (-jobs=1 -workers=1), niced.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)

usage() {
    sed -n '3,/^# Runs one harness/p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

# Configure and build build-fuzz with the harnesses named.
fuzz_build() {
    local b=$1
    shift
    if [ ! -f "$b/build.ninja" ]; then
        CC=clang nice meson setup "$b" "$src" -Dfuzzer=true \
            -Dguest=disabled -Db_sanitize=address,undefined \
            -Db_lundef=false >"$b.setup.log" 2>&1 ||
            { cat "$b.setup.log"; exit 1; }
    fi
    local targets=()
    for h in "$@"; do
        targets+=("tests/fuzz/$h")
    done
    nice ninja -C "$b" -j"${GV_FUZZ_JOBS:-1}" "${targets[@]}" >/dev/null
}

# Merge a campaign's new inputs into the committed corpus, minimised:
# the smallest set of inputs that reaches every edge and rule of both
# (-use_counters=0: hit counts do not count, which keeps the corpus
# small), plus the seeds and the regression inputs (seed-*, regress-*).
merge_corpus() {
    local bin=$1 corpus=$2 work=$3 tmp=$4-min
    rm -rf "$tmp"
    mkdir -p "$tmp"
    nice "$bin" -merge=1 -use_counters=0 "$tmp" "$corpus" "$work" \
        >"$4-merge.log" 2>&1 || return 0
    cp "$corpus"/seed-* "$corpus"/regress-* "$tmp"/ 2>/dev/null || true
    find "$corpus" -maxdepth 1 -type f -delete
    cp "$tmp"/* "$corpus"/
}

# The figures of one campaign from its logs.
report() {
    local h=$1 log=$2 corpus_log=$3 dir=$4
    local execs eps cov rules findings
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" |
            tail -1 | grep -o '[0-9]*$' || true)
    eps=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" |
          tail -1 | grep -o '[0-9]*$' || true)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || true)
    rules=$(grep -o '\(rules\|checks\) reached: [0-9]*\( of [0-9]*\)\{0,1\}' \
            "$corpus_log" | tail -1 || true)
    findings=$(find "$dir" -maxdepth 1 -name "$h-crash-*" -o \
               -maxdepth 1 -name "$h-leak-*" -o -maxdepth 1 \
               -name "$h-timeout-*" -o -maxdepth 1 -name "$h-oom-*" |
               wc -l)
    printf '%-12s %10s %8s %7s  %-26s %s\n' "$h" "${execs:-?}" \
        "${eps:-?}" "${cov:-?}" "${rules:-?}" "$findings"
}

host() {
    local minutes=10 merge=1 smoke=0 harnesses=()
    while [ $# -gt 0 ]; do
        case $1 in
        --minutes) minutes=$2; shift 2 ;;
        --harness) harnesses+=("$2"); shift 2 ;;
        --no-merge) merge=0; shift ;;
        --smoke) merge=0; smoke=1; shift ;;
        *) usage ;;
        esac
    done
    if [ ${#harnesses[@]} -eq 0 ]; then
        harnesses=(fuzz-cp fuzz-engine fuzz-ptx fuzz-rt)
    fi
    local b=${GV_FUZZ_BUILD:-$src/build-fuzz}
    fuzz_build "$b" "${harnesses[@]}"
    local out
    out=$b/campaigns/$(date +%Y%m%d-%H%M%S)
    mkdir -p "$out"
    local secs
    secs=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
    for h in "${harnesses[@]}"; do
        local corpus=$src/tests/fuzz/corpus/$h work=$out/$h-new
        mkdir -p "$corpus" "$work" "$out/$h-run"
        echo "== $h: $minutes min (log: $out/$h.log)" >&2
        # -jobs=1: the campaign runs in a child that logs to fuzz-0.log
        (cd "$out/$h-run" &&
         nice "$b/tests/fuzz/$h" -max_total_time="$secs" -jobs=1 \
             -workers=1 -print_final_stats=1 -timeout=10 \
             -rss_limit_mb=4096 -artifact_prefix="$out/$h-" \
             "$work" "$corpus" >/dev/null 2>&1 || true)
        cat "$out/$h-run"/fuzz-*.log >"$out/$h.log" 2>/dev/null || true
        if [ "$merge" = 1 ]; then
            merge_corpus "$b/tests/fuzz/$h" "$corpus" "$work" "$out/$h"
        fi
        # rule coverage of the corpus: every input once
        nice "$b/tests/fuzz/$h" -runs=0 "$corpus" >"$out/$h-corpus.log" \
            2>&1 || true
    done
    # rule coverage over time: the harnesses' @@FZ-RULES lines
    echo
    echo "rules (checks) reached during the run, at minute:"
    for h in "${harnesses[@]}"; do
        grep -a '^@@FZ-RULES ' "$out/$h.log" >"$out/$h-rules-over-time.txt" \
            2>/dev/null || true
        awk -v h="$h" -v m="$minutes" '
            { t[NR] = $2; r[NR] = $4 }
            END {
                n = split("0.1 0.5 1 2 5 10 15 20 30 60 120", at, " ")
                line = sprintf("%-12s", h)
                for (k = 1; k <= n && at[k] <= m; k++) {
                    v = "-"
                    for (i = 1; i <= NR; i++)
                        if (t[i] <= at[k] * 60) v = r[i]
                    line = line sprintf(" %s:%s", at[k], v)
                }
                if (NR) line = line sprintf(" end:%s", r[NR])
                print line
            }' "$out/$h-rules-over-time.txt"
    done
    printf '\n%-12s %10s %8s %7s  %-26s %s\n' harness executions \
        'exec/s' edges 'rule coverage (corpus)' findings
    for h in "${harnesses[@]}"; do
        report "$h" "$out/$h.log" "$out/$h-corpus.log" "$out"
    done
    echo "corpora: $src/tests/fuzz/corpus ($(du -sh "$src/tests/fuzz/corpus" |
         cut -f1)); logs and findings: $out"
    if [ "$smoke" = 1 ] && [ -n "$(find "$out" -maxdepth 1 -name '*-crash-*' \
            -o -maxdepth 1 -name '*-leak-*' -o -maxdepth 1 -name '*-timeout-*' \
            -o -maxdepth 1 -name '*-oom-*')" ]; then
        echo "fuzz smoke: a harness found something (logs: $out)" >&2
        grep -h 'fuzz: \|ERROR: \|runtime error' "$out"/*.log | head -5 >&2
        return 1
    fi
}

qtest_campaign() {
    local minutes=10 seed=1 san=0
    while [ $# -gt 0 ]; do
        case $1 in
        --minutes) minutes=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --sanitize) san=1; shift ;;
        *) usage ;;
        esac
    done
    local b=${GV_BUILD:-$src/build}
    nice ninja -C "$b" -j1 tests/qtest/qtest-mmio-fuzz \
        hw/qemu-system-x86_64 >/dev/null
    if [ "$san" = 1 ]; then
        echo "== the sanitizer QEMU ($b/hw-san)" >&2
        nice bash "$src/scripts/build-qemu.sh" --sanitize "$src" \
            "$b/hw-san" >&2
        export GV_QEMU=$b/hw-san/qemu-system-x86_64
        # QEMU frees little at exit: leaks are not findings here
        export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
        export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
    fi
    local out end s=$seed found=0 rc
    out=$b/fuzz-qtest/$(date +%Y%m%d-%H%M%S)
    mkdir -p "$out"
    end=$(( $(date +%s) + $(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }') ))
    export GV_QEMU=${GV_QEMU:-$b/hw/qemu-system-x86_64}
    export GV_FIRMWARE=${GV_FIRMWARE:-$b/hw/firmware}
    echo "== qtest campaign: $minutes min from seed $seed (log: $out)" >&2
    while [ "$(date +%s)" -lt "$end" ]; do
        rc=0
        timeout 600 nice "$b/tests/qtest/qtest-mmio-fuzz" --seed "$s" \
            --steps 20000 --trace "$out/seed-$s.trace" \
            >"$out/seed-$s.log" 2>&1 || rc=$?
        if [ "$rc" = 0 ]; then
            rm -f "$out/seed-$s.trace"
        else
            found=$((found + 1))
            echo "finding: seed $s (exit $rc): $(grep -a 'FINDING' \
                "$out/seed-$s.log" || tail -1 "$out/seed-$s.log")" >&2
            # the sanitizer QEMU's report, if it was one
            grep -a -m1 -E 'SUMMARY: |runtime error' "$out/seed-$s.log" \
                >&2 || true
        fi
        s=$((s + 1))
    done
    python3 - "$out" "$minutes" "$found" <<'PY'
import glob, sys
out, minutes, found = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
m, steps, runs, total = [0] * 16, 0, 0, "?"
for f in glob.glob(out + "/seed-*.log"):
    runs += 1
    for line in open(f, errors="replace"):
        if " rules reached, " in line:
            total = line.split(" rules reached, ")[0].split()[-1]
        if line.startswith("@@QF-MAP "):
            m = [a | int(w, 16) for a, w in zip(m, line.split()[1:])]
        elif line.startswith("@@QF-STEPS "):
            steps += int(line.split()[1])
rules = sum(bin(w).count("1") for w in m)
print(f"qtest: {runs} QEMU runs, {steps} steps "
      f"({steps / (minutes * 60):.0f}/s), {rules} of {total} rules reached, "
      f"{found} finding(s); logs and replays: {out}")
PY
    [ "$found" = 0 ]
}

# The guest's boot: gvboot.py with the debug block and the build's PKI.
guest_boot() {
    local b=$1
    shift
    python3 "$src/guest/gvboot.py" --guest-dir "$b/guest" \
        --qemu-dir "${qemu_dir:-$b/hw}" --ek "$b/guest/pki/gpu0-ek.pem" \
        --device-prop debug=on "$@"
}

guest() {
    local minutes=10 seed build=1 replay= corpus= edges=0
    seed=$(date +%s)
    while [ $# -gt 0 ]; do
        case $1 in
        --minutes) minutes=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        --replay) replay=$2; shift 2 ;;
        --corpus) corpus=$2; shift 2 ;;
        --edges) edges=1; shift ;;
        *) usage ;;
        esac
    done
    local b=${GV_BUILD:-$src/build}
    if [ "$build" = 1 ]; then
        nice ninja -C "$b" -j1 hw/qemu-system-x86_64 guest/initramfs.cpio.gz \
            >/dev/null
    fi
    qemu_dir=$b/hw
    if [ "$edges" = 1 ]; then
        qemu_dir=$b/hw-cov
        if [ "$build" = 1 ]; then
            echo "== the coverage QEMU ($qemu_dir)" >&2
            nice bash "$src/scripts/build-qemu.sh" --coverage "$src" \
                "$qemu_dir"
        elif [ ! -x "$qemu_dir/qemu-system-x86_64" ]; then
            echo "fuzz.sh: --edges --no-build: no coverage QEMU in" \
                 "$qemu_dir" >&2
            return 2
        fi
    fi
    if [ -n "$replay" ]; then
        local d
        d=$(mktemp -d)
        cp "$b/tests/guest/fuzz/gv-fuzz" "$replay" "$d/"
        guest_boot "$b" --timeout 300 run "$d/gv-fuzz" -- \
            --replay "$(basename "$replay")" || rc=$?
        rm -rf "$d"
        return "${rc:-0}"
    fi
    local out secs
    out=$b/fuzz-guest/$(date +%Y%m%d-%H%M%S)
    mkdir -p "$out/findings"
    secs=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
    echo "== guest campaign: $minutes min, seed $seed (log: $out)" >&2
    if [ -n "$corpus" ]; then
        # the seeds go into the guest with gv-fuzz (gvboot.py run: an extra
        # initramfs archive, /gv/run/corpus)
        local d f n=0
        if [ ! -d "$corpus" ]; then
            echo "fuzz.sh: --corpus $corpus: no such directory" >&2
            return 2
        fi
        d=$(mktemp -d)
        mkdir "$d/corpus"
        cp "$b/tests/guest/fuzz/gv-fuzz" "$d/"
        for f in "$corpus"/*.gvfs; do
            if [ -f "$f" ] && [ "$n" -lt 1024 ]; then
                cp "$f" "$d/corpus/"
                n=$((n + 1))
            fi
        done
        echo "== seeds: $n step files from $corpus" >&2
        guest_boot "$b" --timeout $((secs + 300)) --log "$out/console.log" \
            --qemu-log "$out/qemu.log" run "$d/gv-fuzz" -- --seed "$seed" \
            --seconds "$secs" --corpus corpus >"$out/tap.txt" 2>&1 || true
        rm -rf "$d"
    else
        guest_boot "$b" --name fuzz-guest --timeout $((secs + 300)) \
            --log "$out/console.log" --qemu-log "$out/qemu.log" \
            --append "gv.fuzz_seed=$seed" --append "gv.fuzz_secs=$secs" \
            test gv-fuzz >"$out/tap.txt" 2>&1 || true
    fi
    local log=$out/console.log
    # findings: the hex lines of each, back into step files
    for n in $(grep -ao '@@GVF-HEX [0-9]*' "$log" | awk '{print $2}' |
               sort -un); do
        grep -a "^@@GVF-HEX $n " "$log" | awk '{printf "%s", $3}' |
            xxd -r -p >"$out/findings/finding-$n.gvfs"
    done
    # the corpus at the end: one step file per input (one pass over the log)
    mkdir -p "$out/corpus"
    { grep -a '^@@GVF-CORPUS [0-9]* ' "$log" || true; } |
        awk '{ h[$2] = h[$2] $3 } END { for (k in h) print k, h[k] }' |
        while read -r k hex; do
            printf '%s' "$hex" | xxd -r -p >"$out/corpus/input-$k.gvfs"
        done
    # why each was kept: a new rule, or edges alone (how many it added);
    # gvfs_merge.py reads it to take edge-kept inputs too
    { grep -a '^@@GVF-CORPUS-KEPT ' "$log" || true; } |
        awk '{ print "input-" $2 ".gvfs", $3, $4 }' >"$out/corpus/kept.txt"
    grep -a '^@@GVF-STAT' "$log" >"$out/figures.txt" || true
    grep -a '^@@GVF-RULE' "$log" >"$out/rules-over-time.txt" || true
    echo "-- figures (every 5 s; the last is the end)"
    tail -3 "$out/figures.txt"
    echo "-- rules and edges over time (the last figures of each minute;" \
         "edges=- without --edges)"
    awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
           m = int(v["t"] / 60); t[m] = v["t"]; r[m] = v["rules"]
           e[m] = v["edges"]; s[m] = v["steps/s"]; if (m > n) n = m }
         END { for (i = 0; i <= n; i++) if (i in t)
               printf "  t=%ss rules=%s edges=%s steps/s=%s\n", t[i], r[i],
                      e[i], s[i] }' "$out/figures.txt"
    echo "-- rules reached over time (minute: rules)"
    awk '{ split($2, t, "="); m = int(t[2] / 60); n[m]++ }
         END { s = 0; for (i = 0; i <= '"$minutes"'; i++)
               { s += n[i]; printf "  %d: %d\n", i + 1, s } }' \
        "$out/rules-over-time.txt"
    grep -a '^@@GVF-UNREACHED' "$log" | tr ' ' '\n' | tail -n +2 |
        sed 's/^/  unreached /' | head -200 >"$out/unreached.txt" || true
    echo "-- $(wc -l <"$out/unreached.txt") rules not reached" \
         "($out/unreached.txt)"
    grep -a '^@@GVF-FINDING\|^@@GVF-AGAIN' "$log" || true
    if grep -aq '^@@GVF-DONE' "$log"; then
        grep -a '^@@GVF-DONE' "$log"
    else
        echo "!! the guest did not finish the campaign (QEMU crashed or" \
             "hung): seed $seed; see $out/tap.txt and $log"
        return 1
    fi
    echo "corpus: $(ls "$out/corpus" | wc -l) inputs in $out/corpus" \
         "(seed a campaign: bash scripts/fuzz.sh guest --corpus DIR;" \
         "in-process on the host: build/tests/fuzz/gvfs-replay FILE...)"
    echo "findings: $(ls "$out/findings" | wc -l) in $out/findings" \
         "(replay: bash scripts/fuzz.sh guest --replay FILE)"
    [ -z "$(ls "$out/findings")" ]
}

case ${1:-} in
host)
    shift
    host "$@"
    ;;
guest)
    shift
    guest "$@"
    ;;
qtest)
    shift
    qtest_campaign "$@"
    ;;
all)
    # the host harnesses, then the guest fuzzer, each N minutes
    shift
    m=() rc=0
    while [ $# -gt 0 ]; do
        case $1 in
        --minutes) m=(--minutes "$2"); shift 2 ;;
        *) usage ;;
        esac
    done
    host "${m[@]}" || rc=1
    qtest_campaign "${m[@]}" || rc=1
    guest "${m[@]}" || rc=1
    exit $rc
    ;;
*)
    usage
    ;;
esac
