#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest test: the module unloads cleanly and binds again after reloading.
fail=0
check() { if eval "$1"; then echo "  ok - $2"; else echo "  not ok - $2"; fail=1; fi; }

check '[ -c /dev/graviton0 ]' "/dev/graviton0 exists before unload"
# an open file pins the module
sleep 30 </dev/graviton0 &
holder=$!
sleep 0.2
check '! rmmod graviton 2>/dev/null' "rmmod refused while a file is open"
check 'grep -q "^graviton " /proc/modules' "module still loaded"
kill $holder; wait $holder 2>/dev/null
check 'rmmod graviton' "rmmod graviton"
check '! grep -q "^graviton " /proc/modules' "module gone from /proc/modules"
check '[ ! -e /dev/graviton0 ]' "/dev/graviton0 removed"
check 'insmod /lib/modules/graviton.ko' "insmod graviton.ko again"
check '[ -c /dev/graviton0 ]' "/dev/graviton0 back after reload"
check '/gv/bin/gv-identity >/dev/null' "device answers after reload"
check '! dmesg | grep -q -e "BUG:" -e "WARNING:" -e "Oops"' "no kernel warnings"
exit $fail
