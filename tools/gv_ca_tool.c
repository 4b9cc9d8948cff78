/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gv-ca: the attestation CA.
 *
 *   gv-ca init DIR
 *       make DIR/ca-key.pem and the self-signed DIR/ca.crt (runtimes trust it)
 *   gv-ca issue DIR MANUFACTURER.crt EK.crt AK-INFO OUT.crt
 *       AK-INFO is what the driver reads from the device: fw_version (u32
 *       LE) || AK_pub (65 bytes) || EK signature (64 bytes), 133 bytes.
 *       Checks the EK certificate against the manufacturer and the
 *       endorsement against the EK, then writes the AK certificate.
 *   gv-ca verify CA.crt AK.crt
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gv_ca.h"

#define AK_INFO_LEN (4 + GVC_EC_PUB_LEN + GVC_EC_SIG_LEN)

static int fail(const char *what, int r)
{
    fprintf(stderr, "gv-ca: %s: %s\n", what, gvc_strerror(r));
    return 1;
}

static int init(const char *dir)
{
    char kp[512], cp[512];
    struct gvc_key *k = NULL;
    uint8_t pub[GVC_EC_PUB_LEN], der[GV_CA_CERT_MAX];
    size_t len = sizeof(der);
    uint64_t serial = 1;
    int r;

    snprintf(kp, sizeof(kp), "%s/ca-key.pem", dir);
    snprintf(cp, sizeof(cp), "%s/ca.crt", dir);
    r = gvc_key_generate(&k);
    if (r == GVC_OK) {
        r = gvc_key_pub(k, pub);
    }
    if (r == GVC_OK) {
        gvc_random(&serial, sizeof(serial));
        r = gvc_x509_issue(k, NULL, 0, pub, "Graviton attestation CA",
                           serial >> 1 | 1, 3650, true, der, &len);
    }
    if (r == GVC_OK) {
        r = gvc_key_save_pem(k, kp, true);
    }
    if (r == GVC_OK) {
        r = gvc_x509_save_pem(cp, der, len);
    }
    gvc_key_free(k);
    return r == GVC_OK ? 0 : fail("init", r);
}

static int issue(char **a)
{
    char kp[512], cp[512];
    struct gvc_key *ca = NULL;
    uint8_t cad[GV_CA_CERT_MAX], md[GV_CA_CERT_MAX], ed[GV_CA_CERT_MAX];
    uint8_t out[GV_CA_CERT_MAX], info[AK_INFO_LEN + 1];
    size_t cal = sizeof(cad), ml = sizeof(md), el = sizeof(ed);
    size_t ol = sizeof(out), n;
    uint64_t serial = 1;
    uint32_t fw;
    FILE *f;
    int r;

    snprintf(kp, sizeof(kp), "%s/ca-key.pem", a[0]);
    snprintf(cp, sizeof(cp), "%s/ca.crt", a[0]);
    f = fopen(a[3], "rb");
    n = f ? fread(info, 1, sizeof(info), f) : 0;
    if (f) {
        fclose(f);
    }
    if (n != AK_INFO_LEN) {
        fprintf(stderr, "gv-ca: %s: expected %d bytes of AK info\n", a[3],
                AK_INFO_LEN);
        return 1;
    }
    fw = info[0] | info[1] << 8 | info[2] << 16 | (uint32_t)info[3] << 24;
    r = gvc_key_load_pem(&ca, kp);
    if (r == GVC_OK) {
        r = gvc_x509_load(cp, cad, &cal);
    }
    if (r == GVC_OK) {
        r = gvc_x509_load(a[1], md, &ml);
    }
    if (r == GVC_OK) {
        r = gvc_x509_load(a[2], ed, &el);
    }
    if (r != GVC_OK) {
        gvc_key_free(ca);
        return fail("loading keys and certificates", r);
    }
    gvc_random(&serial, sizeof(serial));
    r = gv_ca_issue_ak(ca, cad, cal, md, ml, ed, el, info + 4,
                       info + 4 + GVC_EC_PUB_LEN, fw, serial >> 1 | 1, out,
                       &ol);
    gvc_key_free(ca);
    if (r != GVC_OK) {
        return fail("AK refused", r);
    }
    r = gvc_x509_save_pem(a[4], out, ol);
    return r == GVC_OK ? 0 : fail(a[4], r);
}

static int verify(const char *ca_path, const char *ak_path)
{
    uint8_t cad[GV_CA_CERT_MAX], akd[GV_CA_CERT_MAX];
    size_t cal = sizeof(cad), akl = sizeof(akd);
    char cn[GVC_X509_CN_MAX];
    int r = gvc_x509_load(ca_path, cad, &cal);

    if (r == GVC_OK) {
        r = gvc_x509_load(ak_path, akd, &akl);
    }
    if (r == GVC_OK) {
        r = gvc_x509_verify(akd, akl, cad, cal);
    }
    if (r == GVC_OK) {
        r = gvc_x509_cn(akd, akl, cn, sizeof(cn));
    }
    if (r != GVC_OK) {
        return fail("verify", r);
    }
    printf("OK: %s\n", cn);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "init")) {
        return init(argv[2]);
    }
    if (argc == 7 && !strcmp(argv[1], "issue")) {
        return issue(argv + 2);
    }
    if (argc == 4 && !strcmp(argv[1], "verify")) {
        return verify(argv[2], argv[3]);
    }
    fprintf(stderr, "usage: gv-ca init DIR\n"
            "       gv-ca issue DIR MANUFACTURER.crt EK.crt AK-INFO OUT.crt\n"
            "       gv-ca verify CA.crt AK.crt\n");
    return 2;
}
