/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The manufacturer and the attestation CA of the Graviton emulator.
 *
 * Manufacturer: a CA key and self-signed certificate; for each device an
 * endorsement key (EK, the "fused" secret the device loads through its
 * ek property) and an EK certificate signed by the manufacturer.  The set
 * of EK certificates is the manufacturer's published EK list.
 *
 * Attestation CA: checks that an AK_pub was endorsed by an EK whose
 * certificate the manufacturer issued, and issues an X.509 certificate for
 * the AK.  Runtimes trust the CA's certificate.
 */
#ifndef GV_CA_H
#define GV_CA_H

#include <stddef.h>
#include <stdint.h>

#include "gv_crypto.h"

#define GV_CA_CERT_MAX 4096

/* Verify that @ak_sig is the EK's signature endorsing @ak_pub for
 * firmware @fw_version, that the EK certificate was issued by the
 * manufacturer, and issue an AK certificate signed by @ca_key / @ca_cert.
 * Returns GVC_OK or a GVC_ERR_* (GVC_ERR_AUTH when a check fails). */
int gv_ca_issue_ak(const struct gvc_key *ca_key,
                   const uint8_t *ca_cert, size_t ca_cert_len,
                   const uint8_t *manu_cert, size_t manu_cert_len,
                   const uint8_t *ek_cert, size_t ek_cert_len,
                   const uint8_t ak_pub[GVC_EC_PUB_LEN],
                   const uint8_t ak_sig[GVC_EC_SIG_LEN], uint32_t fw_version,
                   uint64_t serial, uint8_t *out, size_t *out_len);

#endif /* GV_CA_H */
