/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU: the keys the device and the trusted runtime derive from a
 * context's CEK (docs/crypto.md, "Channel keys").  One definition for
 * both sides.
 *
 * A channel id can be destroyed by the driver (without authorisation) and
 * created again with the same UK_pub, so the context's CEK and the
 * channel's counters alone would repeat IVs across channel incarnations
 * (design section 6).  Every key use is therefore under a key bound to the
 * channel's incarnation, a device-wide number each CH_CREATE takes and the
 * quote carries:
 *
 *   info(label, chid, inc) = label (12 bytes, NUL-padded)
 *                            || chid (u32 LE) || incarnation (u64 LE)
 *   K_chan = HKDF-SHA256(CEK, info("GV chan key", chid, inc))
 *            command groups, unmap/destroy MACs, summary and measurement
 *            MACs (AES-256-GCM, the IV domains of gv_cmds.h)
 *   K_meas = HKDF-SHA256(CEK, info("GV meas key", chid, inc))
 *            the HMAC-SHA256 key of CH_MEASURE's digest
 *   K_copy = HKDF-SHA256(copy key, info("GV copy key", chid, inc))
 *            the copy engine's crypto mode, from SET_COPY_KEY's key
 */
#ifndef GRAVITON_GV_KEYS_H
#define GRAVITON_GV_KEYS_H

#include <stdint.h>
#include <string.h>

#include "gv_crypto.h"

#define GV_KDF_LABEL_LEN 12
#define GV_KDF_INFO_LEN  (GV_KDF_LABEL_LEN + 4 + 8)
#define GV_KDF_CHAN      "GV chan key"
#define GV_KDF_MEAS      "GV meas key"
#define GV_KDF_COPY      "GV copy key"

/* 0, or a GVC_ERR_* code (@out is then wiped). */
static inline int gv_derive_key(const uint8_t ikm[32], const char *label,
                                uint32_t chid, uint64_t incarnation,
                                uint8_t out[32])
{
    uint8_t info[GV_KDF_INFO_LEN] = { 0 };
    size_t n = strlen(label);

    memcpy(info, label, n < GV_KDF_LABEL_LEN ? n : GV_KDF_LABEL_LEN);
    for (int i = 0; i < 4; i++) {
        info[GV_KDF_LABEL_LEN + i] = (uint8_t)(chid >> (8 * i));
    }
    for (int i = 0; i < 8; i++) {
        info[GV_KDF_LABEL_LEN + 4 + i] = (uint8_t)(incarnation >> (8 * i));
    }
    return gvc_hkdf_sha256(ikm, 32, NULL, 0, info, sizeof(info), out, 32);
}

#endif /* GRAVITON_GV_KEYS_H */
