#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest test: every sample of samples/ (driver-API programs, their PTX
# beside them in /gv/bin), plainly and in a secure context
# (GRAVITON_SECURE=1, no change to the program), each checked against its
# CPU reference by the sample itself: exit status 0, "Result = PASS", and
# the kind of context it reports.  A failing run's output is shown.
fail=0
cd /tmp || exit 1       # not the programs' directory: they find their PTX
for s in vectorAdd matrixMul BlackScholes deviceQuery threadMigration; do
    for mode in normal secure; do
        if [ $mode = secure ]; then
            out=$(GRAVITON_SECURE=1 "/gv/bin/$s" 2>&1)
        else
            out=$(env -u GRAVITON_SECURE "/gv/bin/$s" 2>&1)
        fi
        rc=$?
        why=
        [ $rc -eq 0 ] || why="exit status $rc"
        echo "$out" | grep -q '^Result = PASS$' || why="${why:+$why, }no PASS"
        echo "$out" | grep -q ": $mode context" ||
            why="${why:+$why, }not a $mode context"
        # every CUdevice_attribute of CUDA 13.0 (1 .. CU_DEVICE_ATTRIBUTE_MAX - 1)
        [ $s != deviceQuery ] ||
            echo "$out" | grep -q '^  147 attributes answered$' ||
            why="${why:+$why, }not 147 attributes"
        if [ -z "$why" ]; then
            echo "  ok - $s, $mode context"
        else
            echo "  not ok - $s, $mode context: $why"
            echo "$out" | sed 's/^/    | /'
            fail=1
        fi
    done
done
exit $fail
