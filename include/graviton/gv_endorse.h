/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU: the message an endorsement key signs to endorse an
 * attestation key.  One definition for the device (which signs it), the CA
 * and the runtime (which verify it).
 */
#ifndef GRAVITON_GV_ENDORSE_H
#define GRAVITON_GV_ENDORSE_H

#include <stdint.h>
#include <string.h>

#include "graviton/gv_cmds.h"

/* "GVAK" || fw_version (u32 LE) || AK_pub (65 bytes) */
#define GV_ENDORSE_MSG_LEN (4 + 4 + GV_EC_PUB_LEN)

static inline void gv_endorse_msg(uint32_t fw_version, const uint8_t *ak_pub,
                                  uint8_t msg[GV_ENDORSE_MSG_LEN])
{
    memcpy(msg, "GVAK", 4);
    for (int i = 0; i < 4; i++) {
        msg[4 + i] = (uint8_t)(fw_version >> (8 * i));
    }
    memcpy(msg + 8, ak_pub, GV_EC_PUB_LEN);
}

#endif /* GRAVITON_GV_ENDORSE_H */
