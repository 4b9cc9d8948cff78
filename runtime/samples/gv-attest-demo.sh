#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Sample: the whole attestation chain in the guest.  The driver hands out
# the device's AK info, the CA (here in the guest, with the test PKI in
# /pki) checks it against the manufacturer's EK certificate and certifies
# the AK, the driver keeps the certificate, and a runtime verifies it and
# then a secure channel's quote.
set -e
echo "1. driver: AK info from the device"
gv-attest info /tmp/ak.info
echo "2. CA: EK certificate from the manufacturer? AK endorsed by that EK?"
gv-ca issue /pki /pki/manufacturer.crt /pki/gpu0-ek.crt /tmp/ak.info /tmp/ak.crt
gv-ca verify /pki/ca.crt /tmp/ak.crt
echo "3. driver: keeps the AK certificate for runtimes"
gv-attest install /tmp/ak.crt
echo "4. runtime: certificate chain, then a quote signed by the certified AK"
gv-attest verify /pki/ca.crt
