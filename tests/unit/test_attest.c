/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attestation end to end: the manufacturer provisions an EK and its
 * certificate (gv-provision), the device endorses a fresh AK at every
 * reset, the attestation CA (gv-ca) checks the endorsement against the
 * manufacturer's certificate and issues an AK certificate, and a quote
 * verifies under that certificate.  Fake devices, foreign manufacturers,
 * forged endorsements and stale AKs are refused (attack 11, device side).
 *
 * The CLI tools are run for real: GV_PROVISION and GV_CA name them.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cunit_main.h"
#include "gv_ca.h"
#include "gv_crypto.h"
#include "gv_testdev.h"

static char dir[64];

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    return system(cmd);
}

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/gvattest-XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    CU_ASSERT_EQUAL_FATAL(run("'%s' manufacturer %s >/dev/null",
                              getenv("GV_PROVISION"), dir), 0);
    CU_ASSERT_EQUAL_FATAL(run("'%s' device %s gpu0 >/dev/null",
                              getenv("GV_PROVISION"), dir), 0);
    CU_ASSERT_EQUAL_FATAL(run("'%s' init %s", getenv("GV_CA"), dir), 0);
}

static void teardown(void)
{
    run("rm -rf '%s'", dir);
}

/* A device core with the provisioned EK. */
static struct gv_dev *device(const char *name)
{
    char ek[128];
    struct gv_config cfg = { .vram_size = 32ull << 20, .ek_path = ek };

    snprintf(ek, sizeof(ek), "%s/%s-ek.pem", dir, name);
    return gv_dev_new(&cfg, NULL, NULL, NULL);
}

/* What the driver hands the CA: fw || AK_pub || EK signature. */
static void write_ak_info(struct gv_dev *d, const char *path)
{
    uint8_t info[4 + GVC_EC_PUB_LEN + GVC_EC_SIG_LEN];
    uint32_t fw = (uint32_t)gv_mmio_read(d, GV_REG_FW_VERSION, 4);
    FILE *f = fopen(path, "wb");

    memcpy(info, &fw, 4);
    td_read_bytes(d, GV_REG_AK_PUB, info + 4, GVC_EC_PUB_LEN);
    td_read_bytes(d, GV_REG_AK_SIG, info + 4 + GVC_EC_PUB_LEN, GVC_EC_SIG_LEN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(info, 1, sizeof(info), f), sizeof(info));
    fclose(f);
}

static void test_cli_flow(void)
{
    struct gv_dev *d = device("gpu0");
    char info[128];

    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(gv_mmio_read(d, GV_REG_ATTEST_STATUS, 4),
                    GV_ATTEST_EK | GV_ATTEST_AK);
    snprintf(info, sizeof(info), "%s/ak.info", dir);
    write_ak_info(d, info);
    CU_ASSERT_EQUAL(run("'%s' issue %s %s/manufacturer.crt %s/gpu0-ek.crt "
                        "%s %s/ak.crt", getenv("GV_CA"), dir, dir, dir, info,
                        dir), 0);
    CU_ASSERT_EQUAL(run("'%s' verify %s/ca.crt %s/ak.crt >/dev/null",
                        getenv("GV_CA"), dir, dir), 0);
    /* The AK certificate is for the device's AK. */
    {
        uint8_t der[GV_CA_CERT_MAX], pub[GVC_EC_PUB_LEN], ak[GVC_EC_PUB_LEN];
        size_t len = sizeof(der);
        char p[128];

        snprintf(p, sizeof(p), "%s/ak.crt", dir);
        CU_ASSERT_EQUAL_FATAL(gvc_x509_load(p, der, &len), GVC_OK);
        CU_ASSERT_EQUAL(gvc_x509_pub(der, len, pub), GVC_OK);
        td_read_bytes(d, GV_REG_AK_PUB, ak, sizeof(ak));
        CU_ASSERT(memcmp(pub, ak, sizeof(ak)) == 0);
    }
    /* After a reset the device has a new AK: the old endorsement no longer
     * matches it, and the CA refuses a tampered info blob. */
    gv_mmio_write(d, GV_REG_RESET, GV_RESET_MAGIC, 4);
    {
        uint8_t ak2[GVC_EC_PUB_LEN], old[4 + GVC_EC_PUB_LEN + GVC_EC_SIG_LEN];
        FILE *f = fopen(info, "rb");

        CU_ASSERT_EQUAL(fread(old, 1, sizeof(old), f), sizeof(old));
        fclose(f);
        td_read_bytes(d, GV_REG_AK_PUB, ak2, sizeof(ak2));
        CU_ASSERT(memcmp(ak2, old + 4, sizeof(ak2)) != 0);
        /* new AK with the old signature */
        memcpy(old + 4, ak2, sizeof(ak2));
        f = fopen(info, "wb");
        fwrite(old, 1, sizeof(old), f);
        fclose(f);
        CU_ASSERT_NOT_EQUAL(run("'%s' issue %s %s/manufacturer.crt "
                                "%s/gpu0-ek.crt %s %s/bad.crt 2>/dev/null",
                                getenv("GV_CA"), dir, dir, dir, info, dir), 0);
    }
    gv_dev_free(d);
}

static int issue(struct gv_dev *d, const char *manu_dir, const char *ek_name,
                 uint32_t fw_delta, bool flip_sig, uint8_t *out, size_t *len)
{
    char p[256];
    uint8_t cad[GV_CA_CERT_MAX], md[GV_CA_CERT_MAX], ed[GV_CA_CERT_MAX];
    size_t cal = sizeof(cad), ml = sizeof(md), el = sizeof(ed);
    uint8_t ak[GVC_EC_PUB_LEN], sig[GVC_EC_SIG_LEN];
    struct gvc_key *ca = NULL;
    int r;

    snprintf(p, sizeof(p), "%s/ca-key.pem", dir);
    CU_ASSERT_EQUAL_FATAL(gvc_key_load_pem(&ca, p), GVC_OK);
    snprintf(p, sizeof(p), "%s/ca.crt", dir);
    CU_ASSERT_EQUAL_FATAL(gvc_x509_load(p, cad, &cal), GVC_OK);
    snprintf(p, sizeof(p), "%s/manufacturer.crt", manu_dir);
    CU_ASSERT_EQUAL_FATAL(gvc_x509_load(p, md, &ml), GVC_OK);
    snprintf(p, sizeof(p), "%s/%s-ek.crt", dir, ek_name);
    CU_ASSERT_EQUAL_FATAL(gvc_x509_load(p, ed, &el), GVC_OK);
    td_read_bytes(d, GV_REG_AK_PUB, ak, sizeof(ak));
    td_read_bytes(d, GV_REG_AK_SIG, sig, sizeof(sig));
    if (flip_sig) {
        sig[10] ^= 1;
    }
    r = gv_ca_issue_ak(ca, cad, cal, md, ml, ed, el, ak, sig,
                       (uint32_t)gv_mmio_read(d, GV_REG_FW_VERSION, 4) +
                       fw_delta, 7, out, len);
    gvc_key_free(ca);
    return r;
}

static void test_ca_refusals(void)
{
    struct gv_dev *d = device("gpu0");
    uint8_t out[GV_CA_CERT_MAX];
    size_t len = sizeof(out);
    char other[128];

    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(issue(d, dir, "gpu0", 0, false, out, &len), GVC_OK);
    /* forged endorsement */
    len = sizeof(out);
    CU_ASSERT_EQUAL(issue(d, dir, "gpu0", 0, true, out, &len), GVC_ERR_AUTH);
    /* endorsement for another firmware version */
    len = sizeof(out);
    CU_ASSERT_EQUAL(issue(d, dir, "gpu0", 1, false, out, &len), GVC_ERR_AUTH);
    /* a device from another manufacturer (fake device) */
    snprintf(other, sizeof(other), "%s/other", dir);
    mkdir(other, 0700);
    CU_ASSERT_EQUAL_FATAL(run("'%s' manufacturer %s >/dev/null",
                              getenv("GV_PROVISION"), other), 0);
    len = sizeof(out);
    CU_ASSERT_NOT_EQUAL(issue(d, other, "gpu0", 0, false, out, &len), GVC_OK);
    /* another device's EK certificate with this device's AK */
    CU_ASSERT_EQUAL_FATAL(run("'%s' device %s gpu1 >/dev/null",
                              getenv("GV_PROVISION"), dir), 0);
    len = sizeof(out);
    CU_ASSERT_EQUAL(issue(d, dir, "gpu1", 0, false, out, &len), GVC_ERR_AUTH);
    gv_dev_free(d);
}

static void test_bad_ek_file_refused(void)
{
    char p[128];
    struct gv_config cfg = { .vram_size = 32ull << 20, .ek_path = p };
    const char *err = NULL;

    snprintf(p, sizeof(p), "%s/gpu0-ek.crt", dir);     /* not a key */
    CU_ASSERT_PTR_NULL(gv_dev_new(&cfg, NULL, NULL, &err));
    CU_ASSERT_PTR_NOT_NULL(err);
    snprintf(p, sizeof(p), "%s/missing.pem", dir);
    CU_ASSERT_PTR_NULL(gv_dev_new(&cfg, NULL, NULL, &err));
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test t[] = {
        { "provision, endorse, certify (CLI)", test_cli_flow },
        { "CA refusals", test_ca_refusals },
        { "bad EK file", test_bad_ek_file_refused },
        { NULL, NULL },
    };

    return gv_add_suite("attestation", setup, teardown, t);
}
