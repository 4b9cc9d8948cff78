/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-crypto (test_crypto.h): gv_crypto's keys in PEM files, key
 * wrapping, X.509 certificates, and OpenSSL's error queue after failures.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cunit_main.h"
#include "gv_crypto.h"
#include "test_crypto.h"

/* ---- helpers ---- */

/* A scratch directory for the file tests, made and removed per test. */
static char tmpdir[64];

static void tmpdir_setup(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/gvc-test-XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
}

static void tmpdir_teardown(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    char path[512];

    if (!d) {
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(tmpdir);
}

/* How many entries the scratch directory holds. */
static int count_files(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    int n = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    while ((e = readdir(d)) != NULL) {
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    }
    closedir(d);
    return n;
}

static void tmp_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
}

static void write_raw(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(data, 1, len, f), len);
    CU_ASSERT_EQUAL(fclose(f), 0);
}

/* The first @n bytes of @path, NUL-terminated into @buf. */
static void read_head(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "rb");
    size_t got;

    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    got = fread(buf, 1, n - 1, f);
    buf[got] = '\0';
    fclose(f);
}

/* ---- keys in PEM files ---- */

static void test_pem_private_roundtrip(void)
{
    struct gvc_key *k = NULL, *l = NULL;
    uint8_t pub[65], pub2[65], sig[64];
    char path[256], head[64];
    struct stat st;

    tmp_path(path, sizeof(path), "device.key");
    CU_ASSERT_EQUAL_FATAL(gvc_key_generate(&k), GVC_OK);
    CU_ASSERT_EQUAL(gvc_key_save_pem(k, path, true), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    read_head(path, head, sizeof(head));
    CU_ASSERT_EQUAL(strncmp(head, "-----BEGIN PRIVATE KEY-----\n", 28), 0);

    CU_ASSERT_EQUAL_FATAL(gvc_key_load_pem(&l, path), GVC_OK);
    CU_ASSERT_TRUE(gvc_key_has_private(l));
    CU_ASSERT_EQUAL(gvc_key_pub(k, pub), GVC_OK);
    CU_ASSERT_EQUAL(gvc_key_pub(l, pub2), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(pub, pub2, 65), 0);
    /* The loaded key signs for the original one. */
    CU_ASSERT_EQUAL(gvc_sign(l, "x", 1, sig), GVC_OK);
    CU_ASSERT_EQUAL(gvc_verify(k, "x", 1, sig), GVC_OK);

    /* Saving over a world-readable file still ends up 0600. */
    CU_ASSERT_EQUAL(chmod(path, 0644), 0);
    CU_ASSERT_EQUAL(gvc_key_save_pem(l, path, true), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    /* And no temporary file is left behind. */
    CU_ASSERT_EQUAL(count_files(), 1);
    gvc_key_free(k);
    gvc_key_free(l);
}

static void test_pem_public_roundtrip(void)
{
    struct gvc_key *k = NULL, *l = NULL;
    uint8_t pub[65], pub2[65], sig[64];
    char path[256], head[64];

    tmp_path(path, sizeof(path), "device.pub");
    CU_ASSERT_EQUAL_FATAL(gvc_key_generate(&k), GVC_OK);
    CU_ASSERT_EQUAL(gvc_key_save_pem(k, path, false), GVC_OK);
    read_head(path, head, sizeof(head));
    CU_ASSERT_EQUAL(strncmp(head, "-----BEGIN PUBLIC KEY-----\n", 27), 0);

    CU_ASSERT_EQUAL_FATAL(gvc_key_load_pem(&l, path), GVC_OK);
    CU_ASSERT_FALSE(gvc_key_has_private(l));
    CU_ASSERT_EQUAL(gvc_key_pub(k, pub), GVC_OK);
    CU_ASSERT_EQUAL(gvc_key_pub(l, pub2), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(pub, pub2, 65), 0);
    CU_ASSERT_EQUAL(gvc_sign(k, "x", 1, sig), GVC_OK);
    CU_ASSERT_EQUAL(gvc_verify(l, "x", 1, sig), GVC_OK);
    CU_ASSERT_EQUAL(gvc_sign(l, "x", 1, sig), GVC_ERR_ARG);
    /* A public-only key has no private part to save. */
    CU_ASSERT_EQUAL(gvc_key_save_pem(l, path, true), GVC_ERR_ARG);
    /* ... but its public part saves again. */
    CU_ASSERT_EQUAL(gvc_key_save_pem(l, path, false), GVC_OK);
    gvc_key_free(k);
    gvc_key_free(l);
}

static void test_pem_errors(void)
{
    static const char junk[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n"
                               "-----END PRIVATE KEY-----\n";
    struct gvc_key *k = NULL, *l = NULL;
    char path[256], cert_path[256];
    uint8_t pub[65], der[1024];
    size_t der_len = sizeof(der);

    tmp_path(path, sizeof(path), "nothing-here.pem");
    CU_ASSERT_EQUAL(gvc_key_load_pem(&l, path), GVC_ERR_IO);
    CU_ASSERT_EQUAL(gvc_key_load_pem(&l, tmpdir), GVC_ERR_IO);

    tmp_path(path, sizeof(path), "junk.pem");
    write_raw(path, junk, strlen(junk));
    CU_ASSERT_EQUAL(gvc_key_load_pem(&l, path), GVC_ERR_FORMAT);
    write_raw(path, "", 0);
    CU_ASSERT_EQUAL(gvc_key_load_pem(&l, path), GVC_ERR_FORMAT);

    /* A certificate is not a key. */
    CU_ASSERT_EQUAL_FATAL(gvc_key_generate(&k), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_pub(k, pub), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_x509_issue(k, NULL, 0, pub, "ca", 1, 1, true,
                                         der, &der_len), GVC_OK);
    tmp_path(cert_path, sizeof(cert_path), "ca.pem");
    CU_ASSERT_EQUAL_FATAL(gvc_x509_save_pem(cert_path, der, der_len), GVC_OK);
    CU_ASSERT_EQUAL(gvc_key_load_pem(&l, cert_path), GVC_ERR_FORMAT);
    CU_ASSERT_PTR_NULL(l);

    /* Unwritable destination. */
    tmp_path(path, sizeof(path), "no-such-dir/k.pem");
    CU_ASSERT_EQUAL(gvc_key_save_pem(k, path, true), GVC_ERR_IO);

    /* An encrypted PKCS#8 key is refused, without asking for a password. */
    {
        char enc_path[256];
        EVP_PKEY *pkey;
        FILE *f;

        tmp_path(path, sizeof(path), "plain.key");
        CU_ASSERT_EQUAL_FATAL(gvc_key_save_pem(k, path, true), GVC_OK);
        f = fopen(path, "r");
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
        fclose(f);
        CU_ASSERT_PTR_NOT_NULL_FATAL(pkey);
        tmp_path(enc_path, sizeof(enc_path), "encrypted.key");
        f = fopen(enc_path, "w");
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        CU_ASSERT(PEM_write_PKCS8PrivateKey(f, pkey, EVP_aes_256_cbc(),
                                            "secret", 6, NULL, NULL) == 1);
        fclose(f);
        EVP_PKEY_free(pkey);
        CU_ASSERT_EQUAL(gvc_key_load_pem(&l, enc_path), GVC_ERR_FORMAT);
        CU_ASSERT_PTR_NULL(l);
        /* The plain one loads. */
        CU_ASSERT_EQUAL(gvc_key_load_pem(&l, path), GVC_OK);
        gvc_key_free(l);
        l = NULL;
    }

    CU_ASSERT_EQUAL(gvc_key_load_pem(NULL, cert_path), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_key_load_pem(&l, NULL), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_key_save_pem(NULL, cert_path, false), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_key_save_pem(k, NULL, false), GVC_ERR_ARG);
    gvc_key_free(k);
}

/* ---- key wrapping ---- */

static void test_wrap_roundtrip(void)
{
    struct gvc_key *r = NULL;
    uint8_t pub[65], key[32], out[GVC_WRAP_LEN(32)], out2[GVC_WRAP_LEN(32)];
    uint8_t back[32];

    CU_ASSERT_EQUAL_FATAL(gvc_key_generate(&r), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_pub(r, pub), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_random(key, sizeof(key)), GVC_OK);
    CU_ASSERT_EQUAL(GVC_WRAP_LEN(32), 113u);

    CU_ASSERT_EQUAL_FATAL(gvc_wrap(pub, key, sizeof(key), out, sizeof(out)),
                          GVC_OK);
    /* The blob starts with a valid ephemeral point. */
    CU_ASSERT_EQUAL(out[0], 0x04);
    CU_ASSERT_NOT_EQUAL(memcmp(out, pub, 65), 0);
    /* The key does not appear in the clear. */
    CU_ASSERT_NOT_EQUAL(memcmp(out + 65, key, 32), 0);
    CU_ASSERT_EQUAL(gvc_unwrap(r, out, sizeof(out), back, sizeof(back)),
                    GVC_OK);
    CU_ASSERT_EQUAL(memcmp(back, key, 32), 0);

    /* Fresh ephemeral key each time. */
    CU_ASSERT_EQUAL(gvc_wrap(pub, key, sizeof(key), out2, sizeof(out2)),
                    GVC_OK);
    CU_ASSERT_NOT_EQUAL(memcmp(out, out2, sizeof(out)), 0);
    memset(back, 0, sizeof(back));
    CU_ASSERT_EQUAL(gvc_unwrap(r, out2, sizeof(out2), back, sizeof(back)),
                    GVC_OK);
    CU_ASSERT_EQUAL(memcmp(back, key, 32), 0);

    /* Other lengths; a larger output buffer is fine. */
    {
        uint8_t big[GVC_WRAP_LEN(100) + 10], k1[100], b1[100];

        CU_ASSERT_EQUAL_FATAL(gvc_random(k1, sizeof(k1)), GVC_OK);
        CU_ASSERT_EQUAL(gvc_wrap(pub, k1, 1, big, sizeof(big)), GVC_OK);
        CU_ASSERT_EQUAL(gvc_unwrap(r, big, GVC_WRAP_LEN(1), b1, 1), GVC_OK);
        CU_ASSERT_EQUAL(b1[0], k1[0]);
        CU_ASSERT_EQUAL(gvc_wrap(pub, k1, 100, big, sizeof(big)), GVC_OK);
        CU_ASSERT_EQUAL(gvc_unwrap(r, big, GVC_WRAP_LEN(100), b1, 100),
                        GVC_OK);
        CU_ASSERT_EQUAL(memcmp(b1, k1, 100), 0);
    }
    gvc_key_free(r);
}

/*
 * A blob made by an independent implementation (pyca/cryptography): the
 * RFC 6979 A.2.5 key as recipient, ephemeral scalar
 * SHA-256("graviton key wrap kat ephemeral") mod n, wrapping the bytes
 * 00 01 .. 1f.  It pins the format: HKDF salt and info, IV, AAD, layout.
 */
static const char rfc6979_key_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgya+p2EW6dRZrXCFX\n"
    "Z7HWk05Qw9s26JsSe4piKxIPZyGhRANCAARg/tS6JVqdMclh63TGNW1owEm4kjth\n"
    "+mzmaWIuYPKftnkD/hAIuLyZpBrp6VYovGTy8bIMLX6fUXejwpTURiKZ\n"
    "-----END PRIVATE KEY-----\n";
#define WRAP_KAT \
    "043b789712076d61eb2c907868320312364ff955b0d2ab591787ecf9b1ad0f2831" \
    "e46810fa01cd62435338bf06ad712507d1476d147557106aa4398396d648a9f6" \
    "ae877628a0e5874ce73ba2f7a2e552ec96aeaee4a1dbf5b185a461f85d8da424" \
    "b57c6931049c6ae6795872ad532c993c"

static void test_wrap_kat(void)
{
    struct gvc_key *r = NULL;
    uint8_t blob[GVC_WRAP_LEN(32)], key[32], pub[65], want_pub[65];
    char path[256];

    tmp_path(path, sizeof(path), "rfc6979.key");
    write_raw(path, rfc6979_key_pem, strlen(rfc6979_key_pem));
    CU_ASSERT_EQUAL_FATAL(gvc_key_load_pem(&r, path), GVC_OK);
    CU_ASSERT_TRUE(gvc_key_has_private(r));
    unhex(RFC6979_PUB, want_pub, sizeof(want_pub));
    CU_ASSERT_EQUAL(gvc_key_pub(r, pub), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(pub, want_pub, 65), 0);

    unhex(WRAP_KAT, blob, sizeof(blob));
    CU_ASSERT_EQUAL(gvc_unwrap(r, blob, sizeof(blob), key, sizeof(key)),
                    GVC_OK);
    for (int i = 0; i < 32; i++) {
        CU_ASSERT_EQUAL(key[i], i);
    }
    gvc_key_free(r);
}

static void test_wrap_reject(void)
{
    struct gvc_key *r = NULL, *other = NULL;
    uint8_t pub[65], key[32], out[GVC_WRAP_LEN(32)], back[32];

    CU_ASSERT_EQUAL_FATAL(gvc_key_generate(&r), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_generate(&other), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_pub(r, pub), GVC_OK);
    memset(key, 0xa5, sizeof(key));
    CU_ASSERT_EQUAL_FATAL(gvc_wrap(pub, key, sizeof(key), out, sizeof(out)),
                          GVC_OK);

    /* The wrong recipient. */
    memset(back, 0, sizeof(back));
    CU_ASSERT_EQUAL(gvc_unwrap(other, out, sizeof(out), back, sizeof(back)),
                    GVC_ERR_AUTH);
    CU_ASSERT_TRUE(all_zero(back, sizeof(back)));

    /* Any flipped byte: point, ciphertext or tag. */
    for (size_t i = 0; i < sizeof(out); i++) {
        out[i] ^= 0x01;
        memset(back, 0x33, sizeof(back));
        CU_ASSERT_EQUAL(gvc_unwrap(r, out, sizeof(out), back, sizeof(back)),
                        GVC_ERR_AUTH);
        /* Wiped on failure. */
        CU_ASSERT_TRUE(all_zero(back, sizeof(back)));
        out[i] ^= 0x01;
    }
    CU_ASSERT_EQUAL(gvc_unwrap(r, out, sizeof(out), back, sizeof(back)),
                    GVC_OK);
    CU_ASSERT_EQUAL(memcmp(back, key, 32), 0);
    gvc_key_free(r);
    gvc_key_free(other);
}

static void test_wrap_args(void)
{
    struct gvc_key *r = NULL, *pubk = NULL;
    uint8_t pub[65], badpub[65], key[32] = { 1 }, out[GVC_WRAP_LEN(32)];
    uint8_t back[32];

    CU_ASSERT_EQUAL_FATAL(gvc_key_generate(&r), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_pub(r, pub), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_from_pub(&pubk, pub), GVC_OK);

    CU_ASSERT_EQUAL(gvc_wrap(NULL, key, 32, out, sizeof(out)), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_wrap(pub, NULL, 32, out, sizeof(out)), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_wrap(pub, key, 0, out, sizeof(out)), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_wrap(pub, key, 32, NULL, sizeof(out)), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_wrap(pub, key, 32, out, sizeof(out) - 1),
                    GVC_ERR_ARG);
    memcpy(badpub, pub, 65);
    badpub[0] = 0x05;
    CU_ASSERT_EQUAL(gvc_wrap(badpub, key, 32, out, sizeof(out)),
                    GVC_ERR_FORMAT);

    CU_ASSERT_EQUAL_FATAL(gvc_wrap(pub, key, 32, out, sizeof(out)), GVC_OK);
    CU_ASSERT_EQUAL(gvc_unwrap(NULL, out, sizeof(out), back, 32),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_unwrap(pubk, out, sizeof(out), back, 32),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_unwrap(r, NULL, sizeof(out), back, 32), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_unwrap(r, out, sizeof(out), NULL, 32), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_unwrap(r, out, sizeof(out), back, 0), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_unwrap(r, out, sizeof(out) - 1, back, 32),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_unwrap(r, out, sizeof(out), back, 31), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_unwrap(r, out, sizeof(out), back, 32), GVC_OK);
    gvc_key_free(r);
    gvc_key_free(pubk);
}

/* ---- X.509 ---- */

/* A CA, and a leaf it issued; fresh for every test. */
static struct gvc_key *ca_key, *leaf_key;
static uint8_t ca_der[2048], leaf_der[2048];
static size_t ca_len, leaf_len;

static void x509_setup(void)
{
    uint8_t pub[65];

    tmpdir_setup();
    CU_ASSERT_EQUAL_FATAL(gvc_key_generate(&ca_key), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_generate(&leaf_key), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_pub(ca_key, pub), GVC_OK);
    ca_len = sizeof(ca_der);
    CU_ASSERT_EQUAL_FATAL(gvc_x509_issue(ca_key, NULL, 0, pub,
                                         "Graviton Root CA", 1, 3650, true,
                                         ca_der, &ca_len), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_pub(leaf_key, pub), GVC_OK);
    leaf_len = sizeof(leaf_der);
    CU_ASSERT_EQUAL_FATAL(gvc_x509_issue(ca_key, ca_der, ca_len, pub,
                                         "graviton-gpu-0", 2, 365, false,
                                         leaf_der, &leaf_len), GVC_OK);
}

static void x509_teardown(void)
{
    gvc_key_free(ca_key);
    gvc_key_free(leaf_key);
    ca_key = NULL;
    leaf_key = NULL;
    tmpdir_teardown();
}

static void test_x509_chain(void)
{
    CU_ASSERT_TRUE(ca_len > 100 && ca_len < sizeof(ca_der));
    CU_ASSERT_TRUE(leaf_len > 100 && leaf_len < sizeof(leaf_der));
    CU_ASSERT_EQUAL(gvc_x509_verify(leaf_der, leaf_len, ca_der, ca_len),
                    GVC_OK);
    /* The self-signed root verifies against itself. */
    CU_ASSERT_EQUAL(gvc_x509_verify(ca_der, ca_len, ca_der, ca_len), GVC_OK);
    /* The CA is not signed by the leaf. */
    CU_ASSERT_EQUAL(gvc_x509_verify(ca_der, ca_len, leaf_der, leaf_len),
                    GVC_ERR_AUTH);
}

static void test_x509_wrong_issuer(void)
{
    struct gvc_key *k2 = NULL;
    uint8_t pub[65], ca2[2048], twin[2048];
    size_t ca2_len = sizeof(ca2), twin_len = sizeof(twin);

    /* Another CA, with another name. */
    CU_ASSERT_EQUAL_FATAL(gvc_key_generate(&k2), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_pub(k2, pub), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_x509_issue(k2, NULL, 0, pub, "Other CA", 1, 30,
                                         true, ca2, &ca2_len), GVC_OK);
    CU_ASSERT_EQUAL(gvc_x509_verify(leaf_der, leaf_len, ca2, ca2_len),
                    GVC_ERR_AUTH);
    /* Another key under the very same name: only the signature differs. */
    CU_ASSERT_EQUAL_FATAL(gvc_x509_issue(k2, NULL, 0, pub,
                                         "Graviton Root CA", 1, 30, true,
                                         twin, &twin_len), GVC_OK);
    CU_ASSERT_EQUAL(gvc_x509_verify(leaf_der, leaf_len, twin, twin_len),
                    GVC_ERR_AUTH);
    gvc_key_free(k2);
}

static void test_x509_leaf_not_ca(void)
{
    uint8_t lpub[65], cpub[65], fake_ca[2048], child[2048];
    size_t fake_len = sizeof(fake_ca), child_len = sizeof(child);
    struct gvc_key *ck = NULL;

    CU_ASSERT_EQUAL_FATAL(gvc_key_pub(leaf_key, lpub), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_generate(&ck), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_pub(ck, cpub), GVC_OK);

    /* gvc_x509_issue() refuses a leaf as issuer. */
    CU_ASSERT_EQUAL(gvc_x509_issue(leaf_key, leaf_der, leaf_len, cpub,
                                   "child", 3, 1, false, child, &child_len),
                    GVC_ERR_ARG);
    /* Nor may the issuer certificate be for another key. */
    CU_ASSERT_EQUAL(gvc_x509_issue(leaf_key, ca_der, ca_len, cpub, "child",
                                   3, 1, false, child, &child_len),
                    GVC_ERR_ARG);
    /* A leaf is not its own issuer. */
    CU_ASSERT_EQUAL(gvc_x509_verify(leaf_der, leaf_len, leaf_der, leaf_len),
                    GVC_ERR_AUTH);

    /*
     * Make a certificate the leaf would have issued: go through a CA
     * certificate with the leaf's key and name.  It verifies against that
     * CA, and not against the leaf, which differs only in not being a CA.
     */
    CU_ASSERT_EQUAL_FATAL(gvc_x509_issue(leaf_key, NULL, 0, lpub,
                                         "graviton-gpu-0", 9, 1, true,
                                         fake_ca, &fake_len), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_x509_issue(leaf_key, fake_ca, fake_len, cpub,
                                         "child", 3, 1, false, child,
                                         &child_len), GVC_OK);
    CU_ASSERT_EQUAL(gvc_x509_verify(child, child_len, fake_ca, fake_len),
                    GVC_OK);
    CU_ASSERT_EQUAL(gvc_x509_verify(child, child_len, leaf_der, leaf_len),
                    GVC_ERR_AUTH);
    gvc_key_free(ck);
}

static void test_x509_tamper(void)
{
    uint8_t bad[2048];
    size_t i;

    /* The last byte is in the signature's s. */
    memcpy(bad, leaf_der, leaf_len);
    bad[leaf_len - 1] ^= 0x01;
    CU_ASSERT_EQUAL(gvc_x509_verify(bad, leaf_len, ca_der, ca_len),
                    GVC_ERR_AUTH);
    /* A letter of the subject name, inside the signed part. */
    memcpy(bad, leaf_der, leaf_len);
    for (i = 0; i + 8 <= leaf_len; i++) {
        if (memcmp(bad + i, "graviton", 8) == 0) {
            break;
        }
    }
    CU_ASSERT_FATAL(i + 8 <= leaf_len);
    bad[i] = 'G';
    CU_ASSERT_EQUAL(gvc_x509_verify(bad, leaf_len, ca_der, ca_len),
                    GVC_ERR_AUTH);
    /* Trailing junk, truncation. */
    memcpy(bad, leaf_der, leaf_len);
    bad[leaf_len] = 0;
    CU_ASSERT_EQUAL(gvc_x509_verify(bad, leaf_len + 1, ca_der, ca_len),
                    GVC_ERR_FORMAT);
    CU_ASSERT_EQUAL(gvc_x509_verify(bad, leaf_len - 1, ca_der, ca_len),
                    GVC_ERR_FORMAT);
    CU_ASSERT_EQUAL(gvc_x509_verify(leaf_der, leaf_len, ca_der, ca_len - 1),
                    GVC_ERR_FORMAT);
}

/*
 * The API only makes certificates valid now, so build others with OpenSSL
 * itself: the leaf, its validity moved by @nb_s/@na_s seconds from now,
 * signed again with the CA's key (read back from a PEM file).
 */
static size_t resign_leaf(long nb_s, long na_s, bool move, uint8_t *out)
{
    const unsigned char *p = leaf_der;
    unsigned char *q = out;
    char path[256];
    EVP_PKEY *pkey;
    X509 *x;
    FILE *f;
    int n;

    tmp_path(path, sizeof(path), "ca-for-openssl.key");
    CU_ASSERT_EQUAL_FATAL(gvc_key_save_pem(ca_key, path, true), GVC_OK);
    f = fopen(path, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pkey);
    x = d2i_X509(NULL, &p, (long)leaf_len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    if (move) {
        CU_ASSERT_PTR_NOT_NULL(X509_gmtime_adj(X509_getm_notBefore(x), nb_s));
        CU_ASSERT_PTR_NOT_NULL(X509_gmtime_adj(X509_getm_notAfter(x), na_s));
    }
    CU_ASSERT(X509_sign(x, pkey, EVP_sha256()) > 0);
    n = i2d_X509(x, NULL);
    CU_ASSERT_FATAL(n > 0 && n <= 2048);
    CU_ASSERT_EQUAL(i2d_X509(x, &q), n);
    X509_free(x);
    EVP_PKEY_free(pkey);
    return (size_t)n;
}

static void test_x509_validity(void)
{
    uint8_t der[2048];
    size_t len;

    /* Control: signed again, dates untouched, still good. */
    len = resign_leaf(0, 0, false, der);
    CU_ASSERT_EQUAL(gvc_x509_verify(der, len, ca_der, ca_len), GVC_OK);
    CU_ASSERT_NOT_EQUAL(memcmp(der, leaf_der, len), 0);
    /* Expired a minute ago. */
    len = resign_leaf(-86400, -60, true, der);
    CU_ASSERT_EQUAL(gvc_x509_verify(der, len, ca_der, ca_len), GVC_ERR_AUTH);
    /* Not valid for another hour. */
    len = resign_leaf(3600, 86400, true, der);
    CU_ASSERT_EQUAL(gvc_x509_verify(der, len, ca_der, ca_len), GVC_ERR_AUTH);
    /* Valid now, once more. */
    len = resign_leaf(-60, 60, true, der);
    CU_ASSERT_EQUAL(gvc_x509_verify(der, len, ca_der, ca_len), GVC_OK);
}

static void test_x509_fields(void)
{
    static const char utf8_cn[] = "GPU \xc3\xa9t\xc3\xa9 \xe2\x9c\x93";
    uint8_t pub[65], got[65], der[2048];
    size_t der_len = sizeof(der);
    char cn[GVC_X509_CN_MAX + 1];

    CU_ASSERT_EQUAL(gvc_x509_pub(leaf_der, leaf_len, got), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_pub(leaf_key, pub), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(got, pub, 65), 0);
    CU_ASSERT_EQUAL(gvc_x509_pub(ca_der, ca_len, got), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_pub(ca_key, pub), GVC_OK);
    CU_ASSERT_EQUAL(memcmp(got, pub, 65), 0);

    CU_ASSERT_EQUAL(gvc_x509_cn(leaf_der, leaf_len, cn, sizeof(cn)), GVC_OK);
    CU_ASSERT_STRING_EQUAL(cn, "graviton-gpu-0");
    CU_ASSERT_EQUAL(gvc_x509_cn(ca_der, ca_len, cn, sizeof(cn)), GVC_OK);
    CU_ASSERT_STRING_EQUAL(cn, "Graviton Root CA");
    /* Exactly enough room for the NUL, and one byte short. */
    CU_ASSERT_EQUAL(gvc_x509_cn(leaf_der, leaf_len, cn, 15), GVC_OK);
    CU_ASSERT_STRING_EQUAL(cn, "graviton-gpu-0");
    CU_ASSERT_EQUAL(gvc_x509_cn(leaf_der, leaf_len, cn, 14), GVC_ERR_ARG);

    /* UTF-8 comes back as it went in. */
    CU_ASSERT_EQUAL_FATAL(gvc_key_pub(leaf_key, pub), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_x509_issue(ca_key, ca_der, ca_len, pub,
                                         utf8_cn, 77, 1, false, der,
                                         &der_len), GVC_OK);
    CU_ASSERT_EQUAL(gvc_x509_cn(der, der_len, cn, sizeof(cn)), GVC_OK);
    CU_ASSERT_STRING_EQUAL(cn, utf8_cn);
    CU_ASSERT_EQUAL(gvc_x509_verify(der, der_len, ca_der, ca_len), GVC_OK);
}

static void test_x509_files(void)
{
    uint8_t der[2048];
    size_t der_len = sizeof(der);
    char path[256], head[64];
    struct stat st;

    tmp_path(path, sizeof(path), "leaf.pem");
    CU_ASSERT_EQUAL(gvc_x509_save_pem(path, leaf_der, leaf_len), GVC_OK);
    read_head(path, head, sizeof(head));
    CU_ASSERT_EQUAL(strncmp(head, "-----BEGIN CERTIFICATE-----\n", 28), 0);
    CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0644);
    CU_ASSERT_EQUAL(gvc_x509_load(path, der, &der_len), GVC_OK);
    CU_ASSERT_EQUAL(der_len, leaf_len);
    CU_ASSERT_EQUAL(memcmp(der, leaf_der, leaf_len), 0);

    /* DER files load as they are. */
    tmp_path(path, sizeof(path), "ca.der");
    write_raw(path, ca_der, ca_len);
    der_len = sizeof(der);
    CU_ASSERT_EQUAL(gvc_x509_load(path, der, &der_len), GVC_OK);
    CU_ASSERT_EQUAL(der_len, ca_len);
    CU_ASSERT_EQUAL(memcmp(der, ca_der, ca_len), 0);

    /* Too small a buffer says how much is needed. */
    der_len = ca_len - 1;
    CU_ASSERT_EQUAL(gvc_x509_load(path, der, &der_len), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(der_len, ca_len);

    /* Not certificates. */
    tmp_path(path, sizeof(path), "key.pem");
    CU_ASSERT_EQUAL_FATAL(gvc_key_save_pem(ca_key, path, false), GVC_OK);
    der_len = sizeof(der);
    CU_ASSERT_EQUAL(gvc_x509_load(path, der, &der_len), GVC_ERR_FORMAT);
    tmp_path(path, sizeof(path), "short.der");
    write_raw(path, ca_der, ca_len / 2);
    CU_ASSERT_EQUAL(gvc_x509_load(path, der, &der_len), GVC_ERR_FORMAT);
    tmp_path(path, sizeof(path), "missing.pem");
    CU_ASSERT_EQUAL(gvc_x509_load(path, der, &der_len), GVC_ERR_IO);
    CU_ASSERT_EQUAL(gvc_x509_save_pem(path, ca_der, ca_len / 2),
                    GVC_ERR_FORMAT);
    tmp_path(path, sizeof(path), "no-such-dir/c.pem");
    CU_ASSERT_EQUAL(gvc_x509_save_pem(path, ca_der, ca_len), GVC_ERR_IO);
}

static void test_x509_args(void)
{
    uint8_t pub[65], lpub[65], out[2048], got[65];
    size_t len = sizeof(out), small;
    char cn[80], longcn[GVC_X509_CN_MAX + 2];
    struct gvc_key *pubk = NULL;

    CU_ASSERT_EQUAL_FATAL(gvc_key_pub(ca_key, pub), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_pub(leaf_key, lpub), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_from_pub(&pubk, pub), GVC_OK);

#define ISSUE(k, ic, il, p, n, s, d, out_, len_) \
    gvc_x509_issue(k, ic, il, p, n, s, d, false, out_, len_)
    CU_ASSERT_EQUAL(ISSUE(NULL, ca_der, ca_len, lpub, "x", 5, 1, out, &len),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(ISSUE(pubk, ca_der, ca_len, lpub, "x", 5, 1, out, &len),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(ISSUE(ca_key, ca_der, 0, lpub, "x", 5, 1, out, &len),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(ISSUE(ca_key, NULL, ca_len, lpub, "x", 5, 1, out, &len),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(ISSUE(ca_key, ca_der, ca_len, NULL, "x", 5, 1, out,
                          &len), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(ISSUE(ca_key, ca_der, ca_len, lpub, NULL, 5, 1, out,
                          &len), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(ISSUE(ca_key, ca_der, ca_len, lpub, "", 5, 1, out, &len),
                    GVC_ERR_ARG);
    memset(longcn, 'a', sizeof(longcn) - 1);
    longcn[sizeof(longcn) - 1] = '\0';
    CU_ASSERT_EQUAL(ISSUE(ca_key, ca_der, ca_len, lpub, longcn, 5, 1, out,
                          &len), GVC_ERR_ARG);
    longcn[GVC_X509_CN_MAX] = '\0';
    CU_ASSERT_EQUAL(ISSUE(ca_key, ca_der, ca_len, lpub, longcn, 5, 1, out,
                          &len), GVC_OK);
    CU_ASSERT_TRUE(len < GVC_X509_DER_MAX);
    len = sizeof(out);
    CU_ASSERT_EQUAL(ISSUE(ca_key, ca_der, ca_len, lpub, "bad \xc3", 5, 1, out,
                          &len), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(ISSUE(ca_key, ca_der, ca_len, lpub, "x", 0, 1, out,
                          &len), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(ISSUE(ca_key, ca_der, ca_len, lpub, "x", 5, 0, out,
                          &len), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(ISSUE(ca_key, ca_der, ca_len, lpub, "x", 5,
                          GVC_X509_MAX_DAYS + 1, out, &len), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(ISSUE(ca_key, ca_der, ca_len, lpub, "x", 5, 1, NULL,
                          &len), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(ISSUE(ca_key, ca_der, ca_len, lpub, "x", 5, 1, out,
                          NULL), GVC_ERR_ARG);
    /* Self-signed for someone else's key. */
    CU_ASSERT_EQUAL(ISSUE(ca_key, NULL, 0, lpub, "x", 5, 1, out, &len),
                    GVC_ERR_ARG);
    /* A malformed issuer certificate or subject key. */
    CU_ASSERT_EQUAL(ISSUE(ca_key, ca_der, ca_len - 1, lpub, "x", 5, 1, out,
                          &len), GVC_ERR_FORMAT);
    got[0] = 0x03;
    memcpy(got + 1, lpub + 1, 64);
    CU_ASSERT_EQUAL(ISSUE(ca_key, ca_der, ca_len, got, "x", 5, 1, out, &len),
                    GVC_ERR_FORMAT);
    /*
     * Too small an output: *len says how much is enough.  The signature
     * differs each time, so try many times.
     */
    for (int i = 0; i < 50; i++) {
        small = 10;
        CU_ASSERT_EQUAL(ISSUE(ca_key, ca_der, ca_len, lpub, "x", 5, 1, out,
                              &small), GVC_ERR_ARG);
        CU_ASSERT_TRUE(small > 10 && small < GVC_X509_DER_MAX);
        len = small;
        CU_ASSERT_EQUAL(ISSUE(ca_key, ca_der, ca_len, lpub, "x", 5, 1, out,
                              &len), GVC_OK);
        CU_ASSERT_TRUE(len <= small && len + 8 >= small);
    }
#undef ISSUE

    CU_ASSERT_EQUAL(gvc_x509_verify(NULL, leaf_len, ca_der, ca_len),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_x509_verify(leaf_der, 0, ca_der, ca_len),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_x509_verify(leaf_der, leaf_len, NULL, ca_len),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_x509_verify(leaf_der, leaf_len, ca_der, 0),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_x509_pub(NULL, leaf_len, got), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_x509_pub(leaf_der, 0, got), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_x509_pub(leaf_der, leaf_len, NULL), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_x509_pub(leaf_der, leaf_len - 1, got),
                    GVC_ERR_FORMAT);
    CU_ASSERT_EQUAL(gvc_x509_cn(NULL, leaf_len, cn, sizeof(cn)),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_x509_cn(leaf_der, 0, cn, sizeof(cn)), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_x509_cn(leaf_der, leaf_len, NULL, sizeof(cn)),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_x509_cn(leaf_der, leaf_len, cn, 0), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_x509_load(NULL, out, &len), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_x509_load("/nonexistent", NULL, &len), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_x509_load("/nonexistent", out, NULL), GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_x509_save_pem(NULL, leaf_der, leaf_len),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_x509_save_pem("/tmp/x", NULL, leaf_len),
                    GVC_ERR_ARG);
    CU_ASSERT_EQUAL(gvc_x509_save_pem("/tmp/x", leaf_der, 0), GVC_ERR_ARG);
    gvc_key_free(pubk);
}

/* ---- OpenSSL's error queue ---- */

static void test_error_queue_clean(void)
{
    static const char junk[] = "-----BEGIN PUBLIC KEY-----\nAAAA\n"
                               "-----END PUBLIC KEY-----\n";
    struct gvc_key *k = NULL, *other = NULL, *l = NULL;
    uint8_t key[32] = { 0 }, iv[12] = { 0 }, tag[16] = { 0 }, buf[16];
    uint8_t pub[65], sig[64] = { 1 }, blob[GVC_WRAP_LEN(16)];
    uint8_t der[8] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 };
    char path[256];

    ERR_clear_error();
    CU_ASSERT_EQUAL_FATAL(gvc_key_generate(&k), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_generate(&other), GVC_OK);
    CU_ASSERT_EQUAL_FATAL(gvc_key_pub(k, pub), GVC_OK);
    memset(buf, 0, sizeof(buf));

    CU_ASSERT_EQUAL(gvc_gcm_open(key, iv, NULL, 0, buf, 16, buf, tag),
                    GVC_ERR_AUTH);
    CU_ASSERT_EQUAL(gvc_verify(k, "m", 1, sig), GVC_ERR_AUTH);
    pub[64] ^= 1;
    CU_ASSERT_EQUAL(gvc_key_from_pub(&l, pub), GVC_ERR_FORMAT);
    pub[64] ^= 1;
    CU_ASSERT_EQUAL_FATAL(gvc_wrap(pub, buf, 16, blob, sizeof(blob)), GVC_OK);
    CU_ASSERT_EQUAL(gvc_unwrap(other, blob, sizeof(blob), buf, 16),
                    GVC_ERR_AUTH);
    blob[10] ^= 1;
    CU_ASSERT_EQUAL(gvc_unwrap(k, blob, sizeof(blob), buf, 16),
                    GVC_ERR_AUTH);
    CU_ASSERT_EQUAL(gvc_x509_verify(der, sizeof(der), der, sizeof(der)),
                    GVC_ERR_FORMAT);
    tmp_path(path, sizeof(path), "junk.pem");
    write_raw(path, junk, strlen(junk));
    CU_ASSERT_EQUAL(gvc_key_load_pem(&l, path), GVC_ERR_FORMAT);
    CU_ASSERT_EQUAL(ERR_peek_error(), 0);
    gvc_key_free(k);
    gvc_key_free(other);
}

/* ---- registration ---- */

static const struct gv_cunit_test pem_tests[] = {
    { "private key round trip, mode 0600", test_pem_private_roundtrip },
    { "public key round trip", test_pem_public_roundtrip },
    { "errors", test_pem_errors },
    { NULL, NULL },
};

static const struct gv_cunit_test wrap_tests[] = {
    { "known answer from another implementation", test_wrap_kat },
    { "wrap/unwrap round trip", test_wrap_roundtrip },
    { "wrong key and every flipped byte fail", test_wrap_reject },
    { "argument checks", test_wrap_args },
    { NULL, NULL },
};

static const struct gv_cunit_test x509_tests[] = {
    { "CA -> leaf verifies", test_x509_chain },
    { "wrong issuer fails", test_x509_wrong_issuer },
    { "a leaf is not a CA", test_x509_leaf_not_ca },
    { "tampered certificates fail", test_x509_tamper },
    { "expired and not-yet-valid fail", test_x509_validity },
    { "public key and CN", test_x509_fields },
    { "PEM and DER files", test_x509_files },
    { "argument checks", test_x509_args },
    { NULL, NULL },
};

static const struct gv_cunit_test misc_tests[] = {
    { "failures leave no OpenSSL errors", test_error_queue_clean },
    { NULL, NULL },
};

int crypto_file_suites(void)
{
    if (gv_add_suite("pem", tmpdir_setup, tmpdir_teardown, pem_tests) ||
        gv_add_suite("wrap", tmpdir_setup, tmpdir_teardown, wrap_tests) ||
        gv_add_suite("x509", x509_setup, x509_teardown, x509_tests) ||
        gv_add_suite("openssl", tmpdir_setup, tmpdir_teardown, misc_tests)) {
        return -1;
    }
    return 0;
}
