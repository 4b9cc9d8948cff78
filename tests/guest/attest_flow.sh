#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest test: the attestation chain end to end (manufacturer EK
# certificate -> device AK endorsement -> CA -> driver -> runtime -> quote),
# and the refusals: a tampered AK info, a certificate from another CA.
fail=0
check() { if eval "$1"; then echo "  ok - $2"; else echo "  not ok - $2"; fail=1; fi; }
M=/pki/manufacturer.crt
E=/pki/gpu0-ek.crt

check 'gv-attest info /tmp/ak.info' "driver hands out the AK info"
check '[ "$(wc -c < /tmp/ak.info)" -eq 133 ]' "AK info is 133 bytes"
check 'gv-ca issue /pki $M $E /tmp/ak.info /tmp/ak.crt' "CA certifies the AK"
check 'gv-attest verify /pki/ca.crt 2>/dev/null; [ $? -ne 0 ]' \
      "runtime refuses while the driver has no certificate"
check 'gv-attest install /tmp/ak.crt' "driver keeps the certificate"
check 'gv-attest verify /pki/ca.crt' "runtime verifies chain and quote"

cp /tmp/ak.info /tmp/bad.info
printf '\377' | dd of=/tmp/bad.info bs=1 seek=20 conv=notrunc 2>/dev/null
check '! gv-ca issue /pki $M $E /tmp/bad.info /tmp/bad.crt 2>/dev/null' \
      "CA refuses a tampered AK info"

mkdir -p /tmp/ca2
check 'gv-ca init /tmp/ca2' "a second, untrusted CA"
check 'gv-ca issue /tmp/ca2 $M $E /tmp/ak.info /tmp/ak2.crt' "it certifies the AK too"
check 'gv-attest install /tmp/ak2.crt' "driver is handed the other certificate"
check '! gv-attest verify /pki/ca.crt 2>/dev/null' \
      "runtime refuses a certificate from another CA"
exit $fail
