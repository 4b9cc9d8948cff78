/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: attestation.  The endorsement key (EK) comes
 * from provisioned key material (the manufacturer's, made by
 * tools/gv-provision); at every reset the device generates a fresh
 * attestation key (AK) and endorses AK_pub with the EK.  Quotes for secure
 * channels are signed with the AK.  Algorithms: ECDSA P-256 / SHA-256;
 * CEK wrapped with ECIES (P-256 ECDH, HKDF-SHA256, AES-256-GCM), see
 * docs/crypto.md.
 */
#include "gv_internal.h"

#include "gv_crypto.h"
#include "graviton/gv_endorse.h"

int gv_attest_init(struct gv_dev *dev, const char **err)
{
    if (!dev->cfg.ek_path) {
        return 0;       /* no EK: normal channels only */
    }
    if (gvc_key_load_pem(&dev->ek, dev->cfg.ek_path) != GVC_OK ||
        !gvc_key_has_private(dev->ek) ||
        gvc_key_pub(dev->ek, dev->ek_pub) != GVC_OK) {
        gvc_key_free(dev->ek);
        dev->ek = NULL;
        if (err) {
            *err = "cannot load the EK private key (ek property)";
        }
        return -1;
    }
    dev->attest_status = GV_ATTEST_EK;
    return 0;
}

void gv_attest_free(struct gv_dev *dev)
{
    gvc_key_free(dev->ak);
    gvc_key_free(dev->ek);
    dev->ak = dev->ek = NULL;
}

void gv_attest_reset(struct gv_dev *dev)
{
    uint8_t msg[GV_ENDORSE_MSG_LEN];

    gvc_key_free(dev->ak);
    dev->ak = NULL;
    memset(dev->ak_pub, 0, sizeof(dev->ak_pub));
    memset(dev->ak_sig, 0, sizeof(dev->ak_sig));
    dev->attest_status &= GV_ATTEST_EK;
    if (!dev->ek) {
        return;
    }
    if (gvc_key_generate(&dev->ak) != GVC_OK ||
        gvc_key_pub(dev->ak, dev->ak_pub) != GVC_OK) {
        goto fail;
    }
    gv_endorse_msg(GV_FW_VERSION, dev->ak_pub, msg);
    if (gvc_sign(dev->ek, msg, sizeof(msg), dev->ak_sig) != GVC_OK) {
        goto fail;
    }
    dev->attest_status |= GV_ATTEST_AK;
    return;
fail:
    gvc_key_free(dev->ak);
    dev->ak = NULL;
    gv_guest_error(dev, "graviton-gpu: cannot generate the attestation key");
}

uint32_t gv_attest_reg_read(struct gv_dev *dev, uint64_t off)
{
    const uint8_t *src;
    size_t len, i;
    uint32_t v = 0;

    if (off == GV_REG_ATTEST_STATUS) {
        return dev->attest_status;
    }
    if (off >= GV_REG_AK_PUB && off < GV_REG_AK_PUB + 68) {
        src = dev->ak_pub, len = GV_EC_PUB_LEN, off -= GV_REG_AK_PUB;
    } else if (off >= GV_REG_AK_SIG && off < GV_REG_AK_SIG + 64) {
        src = dev->ak_sig, len = GV_EC_SIG_LEN, off -= GV_REG_AK_SIG;
    } else if (off >= GV_REG_EK_PUB && off < GV_REG_EK_PUB + 68) {
        src = dev->ek_pub, len = GV_EC_PUB_LEN, off -= GV_REG_EK_PUB;
    } else {
        return GV_REG_INVALID_READ;
    }
    for (i = 0; i < 4 && off + i < len; i++) {
        v |= (uint32_t)src[off + i] << (8 * i);
    }
    return v;
}

int gv_attest_quote(struct gv_dev *dev, unsigned chid, const uint8_t *uk_pub,
                    const uint8_t *nonce, const uint8_t *cek,
                    uint64_t incarnation, struct gv_quote *q)
{
    struct gvc_key *uk = NULL;

    if (!(dev->attest_status & GV_ATTEST_AK)) {
        return gv_refuse(dev, GV_RULE_ATTEST_NO_AK, chid, 0, 0);
    }
    if (gvc_key_from_pub(&uk, uk_pub) != GVC_OK) {
        return gv_refuse(dev, GV_RULE_ATTEST_UK_INVALID, chid, 0, 0);
    }
    gvc_key_free(uk);
    memset(q, 0, sizeof(*q));
    q->magic = GV_QUOTE_MAGIC;
    q->version = GV_QUOTE_VERSION;
    q->chid = chid;
    q->fw_version = GV_FW_VERSION;
    q->flags = 0;   /* no preemption, no debug in this device */
    q->incarnation = incarnation;
    memcpy(q->nonce, nonce, GV_NONCE_LEN);
    if (gvc_sha256(uk_pub, GV_EC_PUB_LEN, q->uk_hash) != GVC_OK ||
        gvc_wrap(uk_pub, cek, GV_CEK_LEN, q->wrapped_cek,
                 sizeof(q->wrapped_cek)) != GVC_OK ||
        gvc_sign(dev->ak, q, offsetof(struct gv_quote, sig), q->sig) !=
            GVC_OK) {
        return gv_refuse(dev, GV_RULE_ATTEST_QUOTE_CRYPTO, chid, 0, 0);
    }
    return GV_ERR_NONE;
}
