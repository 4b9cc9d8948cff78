#!/usr/bin/env bash
# The top-level .clang-format loads in the clang-format we have (Debian 12's
# clang-format 14), and every file of tests/style/clang-format-clean.txt is
# clean under it (`clang-format --dry-run -Werror`).  The rest of the tree
# is not held to it yet (docs/style.md).  TAP; skips when clang-format is
# absent (apt-get install clang-format).
#   check_clang_format.sh SRC_DIR
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
src=$1
cf=${CLANG_FORMAT:-clang-format}
if ! command -v "$cf" >/dev/null; then
    echo "1..0 # SKIP $cf is missing (apt-get install clang-format)"
    exit 0
fi
cd "$src"
mapfile -t files < <(grep -v -e '^#' -e '^$' tests/style/clang-format-clean.txt)
echo "1..$((${#files[@]} + 1))"
fail=0
if out=$("$cf" --style=file --dump-config 2>&1 >/dev/null); then
    echo "ok 1 - .clang-format loads in $("$cf" --version | head -1)"
else
    echo "not ok 1 - .clang-format does not load"
    printf '%s\n' "$out" | sed 's/^/#   /'
    fail=1
fi
n=1
for f in "${files[@]}"; do
    n=$((n + 1))
    if [ ! -f "$f" ]; then
        echo "not ok $n - $f: listed but missing"
        fail=1
    elif out=$("$cf" --style=file --dry-run -Werror "$f" 2>&1); then
        echo "ok $n - $f"
    else
        echo "not ok $n - $f (clang-format -i $f, then review the diff)"
        printf '%s\n' "$out" | head -20 | sed 's/^/#   /'
        fail=1
    fi
done
exit $fail
