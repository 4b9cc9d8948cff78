/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gv-provision: plays the GPU manufacturer.
 *
 *   gv-provision manufacturer DIR   make DIR/manufacturer-key.pem and the
 *                                   self-signed DIR/manufacturer.crt
 *   gv-provision device DIR NAME    make an endorsement key DIR/NAME-ek.pem
 *                                   (give it to the device: ek=...) and its
 *                                   certificate DIR/NAME-ek.crt, signed by
 *                                   the manufacturer
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gv_ca.h"

static int fail(const char *what, int r)
{
    fprintf(stderr, "gv-provision: %s: %s\n", what, gvc_strerror(r));
    return 1;
}

static uint64_t serial(void)
{
    uint64_t s = 0;

    gvc_random(&s, sizeof(s));
    return s >> 1 | 1;      /* positive, nonzero */
}

static int manufacturer(const char *dir)
{
    char kp[512], cp[512];
    struct gvc_key *k = NULL;
    uint8_t pub[GVC_EC_PUB_LEN], der[GV_CA_CERT_MAX];
    size_t len = sizeof(der);
    int r;

    snprintf(kp, sizeof(kp), "%s/manufacturer-key.pem", dir);
    snprintf(cp, sizeof(cp), "%s/manufacturer.crt", dir);
    r = gvc_key_generate(&k);
    if (r == GVC_OK) {
        r = gvc_key_pub(k, pub);
    }
    if (r == GVC_OK) {
        r = gvc_x509_issue(k, NULL, 0, pub, "Graviton emulator manufacturer",
                           serial(), 3650, true, der, &len);
    }
    if (r == GVC_OK) {
        r = gvc_key_save_pem(k, kp, true);
    }
    if (r == GVC_OK) {
        r = gvc_x509_save_pem(cp, der, len);
    }
    gvc_key_free(k);
    if (r != GVC_OK) {
        return fail("manufacturer", r);
    }
    printf("%s\n%s\n", kp, cp);
    return 0;
}

static int device(const char *dir, const char *name)
{
    char mk[512], mc[512], ek_path[512], ec[512];
    struct gvc_key *m = NULL, *ek = NULL;
    uint8_t mder[GV_CA_CERT_MAX], der[GV_CA_CERT_MAX], pub[GVC_EC_PUB_LEN];
    size_t mlen = sizeof(mder), len = sizeof(der);
    int r;

    if (strlen(name) > 48 || strpbrk(name, "/ ")) {
        fprintf(stderr, "gv-provision: device name: up to 48 characters, "
                "no '/' or space\n");
        return 1;
    }
    snprintf(mk, sizeof(mk), "%s/manufacturer-key.pem", dir);
    snprintf(mc, sizeof(mc), "%s/manufacturer.crt", dir);
    snprintf(ek_path, sizeof(ek_path), "%s/%s-ek.pem", dir, name);
    snprintf(ec, sizeof(ec), "%s/%s-ek.crt", dir, name);
    r = gvc_key_load_pem(&m, mk);
    if (r == GVC_OK) {
        r = gvc_x509_load(mc, mder, &mlen);
    }
    if (r != GVC_OK) {
        return fail("manufacturer files (run 'manufacturer' first)", r);
    }
    r = gvc_key_generate(&ek);
    if (r == GVC_OK) {
        r = gvc_key_pub(ek, pub);
    }
    if (r == GVC_OK) {
        char cn[64];

        snprintf(cn, sizeof(cn), "graviton-gpu %s", name);
        r = gvc_x509_issue(m, mder, mlen, pub, cn, serial(), 3650, false,
                           der, &len);
    }
    if (r == GVC_OK) {
        r = gvc_key_save_pem(ek, ek_path, true);
    }
    if (r == GVC_OK) {
        r = gvc_x509_save_pem(ec, der, len);
    }
    gvc_key_free(m);
    gvc_key_free(ek);
    if (r != GVC_OK) {
        return fail("device", r);
    }
    printf("%s\n%s\n", ek_path, ec);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "manufacturer")) {
        return manufacturer(argv[2]);
    }
    if (argc == 4 && !strcmp(argv[1], "device")) {
        return device(argv[2], argv[3]);
    }
    fprintf(stderr, "usage: gv-provision manufacturer DIR\n"
                    "       gv-provision device DIR NAME\n");
    return 2;
}
