/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sample: the attestation chain from inside the guest.
 *
 *   gv-attest info FILE       write the device's AK info (what the CA needs:
 *                             fw_version u32 LE || AK_pub || EK signature)
 *   gv-attest install CERT    hand the CA's AK certificate to the driver
 *                             (root), which keeps it for runtimes
 *   gv-attest verify CA.crt   as a runtime: fetch the AK certificate from
 *                             the driver, verify it under the CA, check it
 *                             certifies the device's current AK, create a
 *                             secure channel and verify its quote with the
 *                             certified key
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "gv_crypto.h"
#include "gvrt_dev.h"
#include "gvrt_secure.h"

static int fail(const char *what, int r)
{
    fprintf(stderr, "gv-attest: %s: %s\n", what,
            r < 0 && r > -200 ? strerror(-r) : gvc_strerror(r));
    return 1;
}

static int info(struct gvrt_dev *dev, const char *path)
{
    struct graviton_ak_info ak;
    uint8_t blob[4 + GV_EC_PUB_LEN + GV_EC_SIG_LEN];
    FILE *f;
    int r = gvrt_dev_ak_info(dev, &ak);

    if (r) {
        return fail("AK info", r);
    }
    memcpy(blob, &ak.fw_version, 4);
    memcpy(blob + 4, ak.ak_pub, GV_EC_PUB_LEN);
    memcpy(blob + 4 + GV_EC_PUB_LEN, ak.ak_sig, GV_EC_SIG_LEN);
    f = fopen(path, "wb");
    if (!f || fwrite(blob, 1, sizeof(blob), f) != sizeof(blob)) {
        return fail(path, -EIO);
    }
    fclose(f);
    return 0;
}

static int install(struct gvrt_dev *dev, const char *path)
{
    uint8_t der[GRAVITON_AK_CERT_MAX];
    size_t len = sizeof(der);
    int r = gvc_x509_load(path, der, &len);

    if (r != GVC_OK) {
        return fail(path, r);
    }
    r = gvrt_dev_set_ak_cert(dev, der, (uint32_t)len);
    return r ? fail("install", r) : 0;
}

static int verify(struct gvrt_dev *dev, const char *ca_path)
{
    uint8_t ca[GRAVITON_AK_CERT_MAX], cert[GRAVITON_AK_CERT_MAX];
    uint8_t ak_pub[GV_EC_PUB_LEN], nonce[GV_NONCE_LEN];
    size_t ca_len = sizeof(ca);
    uint32_t cert_len = sizeof(cert), h;
    struct graviton_ak_info ak;
    struct gvrt_secure s;
    struct gv_quote q;
    int r;

    r = gvc_x509_load(ca_path, ca, &ca_len);
    if (r != GVC_OK) {
        return fail(ca_path, r);
    }
    r = gvrt_dev_get_ak_cert(dev, cert, &cert_len);
    if (r) {
        return fail("no AK certificate from the driver", r);
    }
    if (gvrt_ak_cert_verify(ca, ca_len, cert, cert_len, ak_pub)) {
        return fail("the AK certificate does not verify under the CA",
                    -EBADMSG);
    }
    /* the certified AK must be the device's current one */
    r = gvrt_dev_ak_info(dev, &ak);
    if (r || memcmp(ak.ak_pub, ak_pub, GV_EC_PUB_LEN)) {
        return fail("the certificate is for another AK", -EBADMSG);
    }
    printf("AK certificate verified under %s\n", ca_path);
    getrandom(nonce, sizeof(nonce), 0);
    if (gvrt_secure_init(&s)) {
        return fail("UK", -EIO);
    }
    r = gvrt_chan_create(dev, true, s.uk_pub, nonce, &q, &h, NULL);
    if (r) {
        return fail("secure channel", r);
    }
    /* the key comes from the certificate, not from the driver */
    r = gvrt_quote_accept(&s, &q, ak_pub, nonce);
    if (r) {
        return fail("quote", r);
    }
    printf("secure channel %u: quote signed by the certified AK, CEK "
           "unwrapped\n", h);
    gvrt_secure_fini(&s);
    return 0;
}

int main(int argc, char **argv)
{
    struct gvrt_dev dev;
    int r;

    if (argc != 3) {
        fprintf(stderr, "usage: gv-attest info FILE | install CERT | "
                "verify CA.crt\n");
        return 2;
    }
    r = gvrt_dev_open(&dev, 0);
    if (r) {
        return fail("/dev/graviton0", r);
    }
    if (!strcmp(argv[1], "info")) {
        r = info(&dev, argv[2]);
    } else if (!strcmp(argv[1], "install")) {
        r = install(&dev, argv[2]);
    } else if (!strcmp(argv[1], "verify")) {
        r = verify(&dev, argv[2]);
    } else {
        r = 2;
    }
    gvrt_dev_close(&dev);
    return r;
}
