#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fuzzing campaigns (docs/fuzzing.md).
#
#   bash scripts/fuzz.sh host [--minutes N] [--harness NAME]... [--no-merge]
#       The host harnesses of tests/fuzz (libFuzzer, in-process, device
#       core and libraries instrumented, ASan/UBSan): configures and
#       builds build-fuzz (CC=clang, -Dfuzzer=true) if needed, runs each
#       harness N minutes (default 10) from its committed corpus
#       (tests/fuzz/corpus/NAME), merges what added coverage back into the
#       corpus (minimised, -merge=1) and prints per harness: executions,
#       executions per second, edges (libFuzzer's cov), rules (or checks)
#       reached over the corpus, findings (crash/leak/timeout/oom files).
#       Logs and findings: build-fuzz/campaigns/DATE/.
#   bash scripts/fuzz.sh guest ...
#       The guest fuzzer (tests/guest/fuzz/, issue 11 point 2).
#
# Runs one harness at a time, one job (-jobs=1 -workers=1), niced.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)

usage() {
    sed -n '3,18p' "$0" | sed 's/^# \{0,1\}//'
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
    nice ninja -C "$b" -j1 "${targets[@]}" >/dev/null
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
    local minutes=10 merge=1 harnesses=()
    while [ $# -gt 0 ]; do
        case $1 in
        --minutes) minutes=$2; shift 2 ;;
        --harness) harnesses+=("$2"); shift 2 ;;
        --no-merge) merge=0; shift ;;
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
            nice "$b/tests/fuzz/$h" -merge=1 "$corpus" "$work" \
                >"$out/$h-merge.log" 2>&1 || true
        fi
        # rule coverage of the corpus: every input once
        nice "$b/tests/fuzz/$h" -runs=0 "$corpus" >"$out/$h-corpus.log" \
            2>&1 || true
    done
    printf '\n%-12s %10s %8s %7s  %-26s %s\n' harness executions \
        'exec/s' edges 'rule coverage (corpus)' findings
    for h in "${harnesses[@]}"; do
        report "$h" "$out/$h.log" "$out/$h-corpus.log" "$out"
    done
    echo "corpora: $src/tests/fuzz/corpus ($(du -sh "$src/tests/fuzz/corpus" |
         cut -f1)); logs and findings: $out"
}

case ${1:-} in
host)
    shift
    host "$@"
    ;;
guest)
    echo "fuzz.sh guest: not yet (the guest fuzzer, tests/guest/fuzz/," \
         "issue 11 point 2)" >&2
    exit 2
    ;;
all)
    shift
    host "$@"
    ;;
*)
    usage
    ;;
esac
