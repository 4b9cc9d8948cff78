/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime core: attestation of a secure context and its channels.
 *
 * The AK is trusted through a certificate chain to a trust anchor (a CA
 * certificate file) when one is given, else through the EK's endorsement
 * that the device publishes (docs/attestation.md).  Each channel is then
 * created with a fresh nonce and its quote checked under that AK
 * (gvrt_secure_channel).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gv_crypto.h"
#include "gvrt_core_int.h"

void gvrt_ctx_note_failure(struct gvrt_ctx *c, const char *what)
{
    c->failed = what ? what : c->sec.failed ? c->sec.failed : "secure check";
}

/* The AK through the CA's certificate of it, installed in the driver. */
static int ak_by_certificate(struct gvrt_ctx *c, const char *ca_path,
                             const struct graviton_ak_info *ak)
{
    uint8_t ca[GRAVITON_AK_CERT_MAX];
    uint8_t cert[GRAVITON_AK_CERT_MAX];
    uint32_t cert_len = sizeof(cert);
    size_t ca_len = sizeof(ca);
    int r;

    if (gvc_x509_load(ca_path, ca, &ca_len) != GVC_OK) {
        gvrt_ctx_note_failure(c, "certificate trust anchor (GRAVITON_CA) "
                              "unreadable");
        return -EBADMSG;
    }
    r = gvrt_dev_get_ak_cert(&c->dev, cert, &cert_len);
    if (r) {
        gvrt_ctx_note_failure(c, "AK certificate (none from the driver)");
        return -EBADMSG;
    }
    if (gvrt_ak_cert_verify(ca, ca_len, cert, cert_len, c->ak_pub) != 0) {
        gvrt_ctx_note_failure(c, "AK certificate chain");
        return -EBADMSG;
    }
    /* the certified AK must be the device's current one */
    if (memcmp(ak->ak_pub, c->ak_pub, GV_EC_PUB_LEN) != 0) {
        gvrt_ctx_note_failure(c, "AK certificate (for another AK)");
        return -EBADMSG;
    }
    snprintf(c->attest, sizeof(c->attest), "AK certificate verified under %s",
             ca_path);
    return 0;
}

int gvrt_ctx_attest(struct gvrt_ctx *c, const char *ca_path)
{
    struct graviton_ak_info ak;
    int r = gvrt_dev_ak_info(&c->dev, &ak);

    if (r) {
        return r;
    }
    if (ca_path && *ca_path) {
        r = ak_by_certificate(c, ca_path, &ak);
    } else if (gvrt_ak_endorsed(ak.ek_pub, ak.fw_version, ak.ak_pub,
                                ak.ak_sig) != 0) {
        gvrt_ctx_note_failure(c, "AK endorsement by the EK (no certificate "
                              "chain)");
        r = -EBADMSG;
    } else {
        memcpy(c->ak_pub, ak.ak_pub, GV_EC_PUB_LEN);
        snprintf(c->attest, sizeof(c->attest),
                 "AK endorsed by the device's EK (no CA given)");
    }
    if (r) {
        return r;
    }
    r = gvrt_secure_init(&c->sec);
    if (r) {
        return r;
    }
    c->secure = true;
    return 0;
}

int gvrt_ctx_channel_open(struct gvrt_ctx *c, struct gvrt_cstream *cs)
{
    uint64_t fence = 0;
    uint32_t h = 0;
    int r;

    if (c->secure) {
        /* fresh nonce, quote under the trusted AK, the channel's keys,
         * the fence page's summary */
        r = gvrt_secure_channel(&c->dev, &c->sec, c->ak_pub, &h, &fence);
        if (r == -EPERM) {
            gvrt_ctx_note_failure(c, NULL);
            r = -EBADMSG;
        }
    } else {
        r = gvrt_chan_create(&c->dev, false, NULL, NULL, NULL, &h, &fence);
    }
    if (r) {
        return r;
    }
    r = gvrt_stream_open(&cs->st, &c->dev, h, c->secure ? &c->sec : NULL,
                         fence);
    if (r) {
        gvrt_stream_close(&cs->st);
        if (c->secure) {
            uint8_t mac[GV_TAG_LEN];

            gvrt_mac_destroy(&c->sec, h, mac);
            gvrt_chan_destroy(&c->dev, h, mac);
        } else {
            gvrt_chan_destroy(&c->dev, h, NULL);
        }
        return r;
    }
    cs->ctx = c;
    return 0;
}

void gvrt_ctx_channel_close(struct gvrt_ctx *c, struct gvrt_cstream *cs,
                            int *first_err)
{
    uint8_t mac[GV_TAG_LEN];
    uint32_t h = cs->st.handle;
    int r = gvrt_stream_sync(&cs->st);

    if (r && !*first_err) {
        *first_err = r;
    }
    gvrt_stream_close(&cs->st);
    if (c->secure) {
        /* the authorised destroy: only the runtime can compute it */
        gvrt_mac_destroy(&c->sec, h, mac);
        r = gvrt_chan_destroy(&c->dev, h, mac);
    } else {
        r = gvrt_chan_destroy(&c->dev, h, NULL);
    }
    if (r && !*first_err) {
        *first_err = r;
    }
}
