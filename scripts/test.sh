#!/usr/bin/env bash
# Build everything and run every test:
#   1. the host unit tests under ASan+UBSan (build-sanitize/, -Dwerror=true),
#   2. the engine's tests under ThreadSanitizer (build-tsan/),
#   3. the host unit tests under valgrind (build/, --setup valgrind),
#   4. all tests: host unit tests, qtest device tests, and the guest tests
#      (boots Linux in our QEMU with the emulated GPU).
# Extra arguments go to the second `meson test` (e.g. --suite unit).
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
cd "$(dirname "$0")/.."
build=${GRAVITON_BUILD:-build}
san=${build}-sanitize

# -Dwerror=true here: a compiler warning fails CI (docs/style.md).  An
# existing $san is not reconfigured.
[ -f "$san/build.ninja" ] ||
    meson setup "$san" -Dguest=disabled -Db_sanitize=address,undefined \
        -Db_lundef=false -Dwerror=true >/dev/null
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    meson test -C "$san" --print-errorlogs --suite unit

# The engine's tests under ThreadSanitizer (build-tsan/): the SM worker
# threads beside the device's own, and the compiled tier's compilation in
# an SM thread (compute-kernels); tests/tsan.supp says what is left out.
tsan=${build}-tsan
[ -f "$tsan/build.ninja" ] ||
    meson setup "$tsan" -Dguest=disabled -Db_sanitize=thread \
        -Db_lundef=false >/dev/null
TSAN_OPTIONS="suppressions=$PWD/tests/tsan.supp:second_deadlock_stack=1" \
    meson test -C "$tsan" --print-errorlogs compute-engine compute-concurrent \
        copy-engine compute-kernels

[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
meson test -C "$build" --setup valgrind --print-errorlogs --suite unit

# The guest test guest-edges builds the coverage QEMU (docs/fuzzing.md):
# with the normal QEMU's objects in ccache, its core and a link, about a
# minute; from a cache filled while the build directory was still in
# ccache's key, once a whole QEMU build (24 min on two cores).
export GV_EDGES=${GV_EDGES:-1}
# The same for the sanitizer QEMU of qtest-mmio-fuzz-san: a third build
# directory, our device under ASan and UBSan, the rest from ccache (about
# 2 min when new, 20 s to bring up to date).
export GV_SANQEMU=${GV_SANQEMU:-1}

rc=0
# A stale log must not be summarised if the build fails before the tests.
rm -f "$build/meson-logs/testlog.json"
meson test -C "$build" --print-errorlogs "$@" || rc=$?

# One plain summary line to finish with, counted from meson's JSON log.
python3 - "$build/meson-logs/testlog.json" <<'PY' || rc=1
import json, sys
passed = failed = skipped = 0
try:
    log = open(sys.argv[1]).readlines()
except OSError:
    print("no test ran (the build failed?)")
    sys.exit(1)
for line in log:
    t = json.loads(line)
    r = t["result"]
    if r in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif r == "SKIP":
        skipped += 1
    else:
        failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY

# The host fuzz harnesses, 15 s each from their committed corpora
# (docs/fuzzing.md): a finding of any oracle or sanitizer fails the run.
if command -v clang >/dev/null 2>&1; then
    GV_FUZZ_JOBS=$(nproc) bash scripts/fuzz.sh host --minutes 0.25 --smoke ||
        rc=1
else
    echo "fuzz smoke skipped: clang is not installed (scripts/install-deps.sh)"
fi
exit $rc
