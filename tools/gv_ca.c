/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The attestation CA's check-and-issue step.  See gv_ca.h. */
#include "gv_ca.h"

#include "graviton/gv_endorse.h"

#include <stdio.h>
#include <string.h>

int gv_ca_issue_ak(const struct gvc_key *ca_key,
                   const uint8_t *ca_cert, size_t ca_cert_len,
                   const uint8_t *manu_cert, size_t manu_cert_len,
                   const uint8_t *ek_cert, size_t ek_cert_len,
                   const uint8_t ak_pub[GVC_EC_PUB_LEN],
                   const uint8_t ak_sig[GVC_EC_SIG_LEN], uint32_t fw_version,
                   uint64_t serial, uint8_t *out, size_t *out_len)
{
    uint8_t ek_pub[GVC_EC_PUB_LEN], msg[GV_ENDORSE_MSG_LEN];
    struct gvc_key *ek = NULL, *ak = NULL;
    char cn[GVC_X509_CN_MAX + 16], ek_cn[GVC_X509_CN_MAX];
    int r;

    /* 1. The EK certificate comes from the manufacturer. */
    r = gvc_x509_verify(ek_cert, ek_cert_len, manu_cert, manu_cert_len);
    if (r != GVC_OK) {
        return r;
    }
    /* 2. The EK endorsed this AK for this firmware. */
    r = gvc_x509_pub(ek_cert, ek_cert_len, ek_pub);
    if (r == GVC_OK) {
        r = gvc_key_from_pub(&ek, ek_pub);
    }
    if (r == GVC_OK) {
        gv_endorse_msg(fw_version, ak_pub, msg);
        r = gvc_verify(ek, msg, sizeof(msg), ak_sig);
    }
    /* 3. AK_pub is a valid key; issue its certificate. */
    if (r == GVC_OK) {
        r = gvc_key_from_pub(&ak, ak_pub);
    }
    if (r == GVC_OK) {
        r = gvc_x509_cn(ek_cert, ek_cert_len, ek_cn, sizeof(ek_cn));
    }
    if (r == GVC_OK) {
        /* CN names the device: "AK <device CN>", cut to fit */
        snprintf(cn, GVC_X509_CN_MAX, "AK %.56s", ek_cn);
        r = gvc_x509_issue(ca_key, ca_cert, ca_cert_len, ak_pub, cn, serial,
                           30, false, out, out_len);
    }
    gvc_key_free(ek);
    gvc_key_free(ak);
    return r;
}
