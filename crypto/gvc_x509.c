/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * X.509 v3 certificates with P-256 keys and ECDSA-with-SHA256: issue,
 * verify one link of a chain, read fields, PEM/DER files.
 */
#include <limits.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "gvc_internal.h"

/* Parse exactly @len bytes of DER; GVC_ERR_FORMAT on any junk. */
static int x509_parse(const uint8_t *der, size_t len, X509 **out)
{
    const unsigned char *p = der;
    X509 *x;

    if (len > LONG_MAX) {
        return GVC_ERR_FORMAT;
    }
    x = d2i_X509(NULL, &p, (long)len);
    if (!x) {
        return GVC_ERR_FORMAT;
    }
    if (p != der + len) {
        X509_free(x);
        return GVC_ERR_FORMAT;
    }
    *out = x;
    return GVC_OK;
}

/* The longest DER ECDSA-Sig-Value for P-256: 2 + 2 * (2 + 33) bytes. */
#define X509_ECDSA_SIG_MAX 72

/*
 * DER of @x into @out, capacity *len.  Too small: GVC_ERR_ARG, and *len is
 * the size needed, plus @slack.
 */
static int x509_to_der(X509 *x, uint8_t *out, size_t *len, size_t slack)
{
    unsigned char *p = out;
    int n;

    n = i2d_X509(x, NULL);
    if (n <= 0) {
        return GVC_ERR_CRYPTO;
    }
    if ((size_t)n > *len) {
        *len = (size_t)n + slack;
        return GVC_ERR_ARG;
    }
    if (i2d_X509(x, &p) != n) {
        return GVC_ERR_CRYPTO;
    }
    *len = (size_t)n;
    return GVC_OK;
}

/* Whether @s (@len bytes, no NUL) is well-formed UTF-8. */
static bool utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;

    while (len) {
        unsigned long c;
        int n = UTF8_getc(p, (int)len, &c);

        if (n <= 0 || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff) {
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* Add one extension, given in openssl.cnf syntax, to @x. */
static int x509_add_ext(X509 *x, X509V3_CTX *v3, int nid, const char *value)
{
    X509_EXTENSION *ext;
    int ok;

    ext = X509V3_EXT_nconf_nid(NULL, v3, nid, value);
    if (!ext) {
        return GVC_ERR_CRYPTO;
    }
    ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    return ok ? GVC_OK : GVC_ERR_CRYPTO;
}

/* Whether @x is within its validity period now. */
static bool x509_current(const X509 *x)
{
    return X509_cmp_current_time(X509_get0_notBefore(x)) < 0 &&
           X509_cmp_current_time(X509_get0_notAfter(x)) > 0;
}

int gvc_x509_issue(const struct gvc_key *issuer_key,
                   const uint8_t *issuer_cert_der, size_t issuer_len,
                   const uint8_t subject_pub[65], const char *subject_cn,
                   uint64_t serial, unsigned days, bool is_ca,
                   uint8_t *out, size_t *len)
{
    uint8_t issuer_pub[GVC_EC_PUB_LEN];
    uint8_t icert_pub[GVC_EC_PUB_LEN];
    EVP_PKEY *subject = NULL;
    X509 *icert = NULL;
    X509 *x = NULL;
    X509_NAME *name = NULL;
    const ASN1_BIT_STRING *sig = NULL;
    X509V3_CTX v3;
    size_t cn_len;
    int rc;

    if (!issuer_key || !issuer_key->priv || !subject_pub || !subject_cn ||
        !out || !len || serial == 0 || days == 0 ||
        days > GVC_X509_MAX_DAYS || (!issuer_cert_der != !issuer_len)) {
        return GVC_ERR_ARG;
    }
    cn_len = strlen(subject_cn);
    if (cn_len == 0 || cn_len > GVC_X509_CN_MAX ||
        !utf8_valid(subject_cn, cn_len)) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    rc = gvc_pkey_from_pub(&subject, subject_pub);
    if (rc != GVC_OK) {
        goto done;
    }
    rc = gvc_pkey_pub(issuer_key->pkey, issuer_pub);
    if (rc != GVC_OK) {
        goto done;
    }
    if (!issuer_cert_der) {
        /* Self-signed: only for the issuer's own key. */
        if (memcmp(subject_pub, issuer_pub, GVC_EC_PUB_LEN) != 0) {
            rc = GVC_ERR_ARG;
            goto done;
        }
    } else {
        rc = x509_parse(issuer_cert_der, issuer_len, &icert);
        if (rc != GVC_OK) {
            goto done;
        }
        /* A CA, for this key, with a key identifier to point at. */
        if (X509_check_ca(icert) != 1 ||
            !X509_get0_subject_key_id(icert) ||
            gvc_pkey_pub(X509_get0_pubkey(icert), icert_pub) != GVC_OK ||
            memcmp(icert_pub, issuer_pub, GVC_EC_PUB_LEN) != 0) {
            rc = GVC_ERR_ARG;
            goto done;
        }
    }

    x = X509_new();
    name = X509_NAME_new();
    if (!x || !name) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    if (!X509_set_version(x, X509_VERSION_3) ||
        !ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), serial) ||
        !X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                                    (const unsigned char *)subject_cn,
                                    (int)cn_len, -1, 0) ||
        !X509_set_subject_name(x, name) ||
        !X509_set_issuer_name(x, icert ? X509_get_subject_name(icert)
                                       : name) ||
        !X509_gmtime_adj(X509_getm_notBefore(x), -3600) ||
        !X509_time_adj_ex(X509_getm_notAfter(x), (int)days, 0, NULL) ||
        !X509_set_pubkey(x, subject)) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }

    /* The subject key identifier first: a self-signed AKI refers to it. */
    X509V3_set_ctx(&v3, icert ? icert : x, x, NULL, NULL, 0);
    rc = x509_add_ext(x, &v3, NID_basic_constraints,
                      is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    if (rc == GVC_OK) {
        rc = x509_add_ext(x, &v3, NID_key_usage,
                          is_ca ? "critical,keyCertSign"
                                : "critical,digitalSignature");
    }
    if (rc == GVC_OK) {
        rc = x509_add_ext(x, &v3, NID_subject_key_identifier, "hash");
    }
    if (rc == GVC_OK) {
        rc = x509_add_ext(x, &v3, NID_authority_key_identifier,
                          "keyid:always");
    }
    if (rc != GVC_OK) {
        goto done;
    }

    if (X509_sign(x, issuer_key->pkey, EVP_sha256()) <= 0) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    /*
     * Signatures vary in length (r and s lose a byte to a leading zero or
     * gain one for a high bit), so if the caller must retry, ask for room
     * for the longest, plus a byte in case the outer length then grows.
     */
    X509_get0_signature(&sig, NULL, x);
    if (!sig || ASN1_STRING_length(sig) <= 0 ||
        ASN1_STRING_length(sig) > X509_ECDSA_SIG_MAX) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    rc = x509_to_der(x, out, len,
                     X509_ECDSA_SIG_MAX - ASN1_STRING_length(sig) + 1);
done:
    X509_NAME_free(name);
    X509_free(x);
    X509_free(icert);
    EVP_PKEY_free(subject);
    ERR_pop_to_mark();
    return rc;
}

int gvc_x509_verify(const uint8_t *cert, size_t cert_len,
                    const uint8_t *issuer, size_t issuer_len)
{
    const uint32_t bad_ext = EXFLAG_INVALID | EXFLAG_CRITICAL;
    X509 *c = NULL;
    X509 *i = NULL;
    EVP_PKEY *ipk;
    int rc;

    if (!cert || cert_len == 0 || !issuer || issuer_len == 0) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    rc = x509_parse(cert, cert_len, &c);
    if (rc == GVC_OK) {
        rc = x509_parse(issuer, issuer_len, &i);
    }
    if (rc != GVC_OK) {
        goto done;
    }
    ipk = X509_get0_pubkey(i);
    /*
     * The issuer: a CA (basicConstraints CA:TRUE, keyCertSign if keyUsage
     * is there) with a P-256 key; neither with a critical extension we do
     * not understand; @c names @i as its issuer (name, AKI); the signature;
     * and both valid now.
     */
    if (!ipk || !gvc_pkey_is_p256(ipk) ||
        X509_check_ca(i) != 1 ||
        (X509_get_extension_flags(i) & bad_ext) ||
        (X509_get_extension_flags(c) & bad_ext) ||
        X509_check_issued(i, c) != X509_V_OK ||
        X509_get_signature_nid(c) != NID_ecdsa_with_SHA256 ||
        X509_verify(c, ipk) != 1 ||
        !x509_current(c) || !x509_current(i)) {
        rc = GVC_ERR_AUTH;
        goto done;
    }
    rc = GVC_OK;
done:
    X509_free(c);
    X509_free(i);
    ERR_pop_to_mark();
    return rc;
}

int gvc_x509_pub(const uint8_t *cert, size_t cert_len, uint8_t pub[65])
{
    X509 *c = NULL;
    EVP_PKEY *pk;
    int rc;

    if (!cert || cert_len == 0 || !pub) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    rc = x509_parse(cert, cert_len, &c);
    if (rc != GVC_OK) {
        goto done;
    }
    pk = X509_get0_pubkey(c);
    if (!pk || !gvc_pkey_is_p256(pk)) {
        rc = GVC_ERR_FORMAT;
        goto done;
    }
    rc = gvc_pkey_pub(pk, pub);
done:
    X509_free(c);
    ERR_pop_to_mark();
    return rc;
}

int gvc_x509_cn(const uint8_t *cert, size_t cert_len, char *cn,
                size_t cn_len)
{
    X509 *c = NULL;
    const X509_NAME *subj;
    const X509_NAME_ENTRY *entry;
    unsigned char *utf8 = NULL;
    int idx;
    int n;
    int rc;

    if (!cert || cert_len == 0 || !cn || cn_len == 0) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    rc = x509_parse(cert, cert_len, &c);
    if (rc != GVC_OK) {
        goto done;
    }
    subj = X509_get_subject_name(c);
    idx = X509_NAME_get_index_by_NID(subj, NID_commonName, -1);
    entry = idx >= 0 ? X509_NAME_get_entry(subj, idx) : NULL;
    if (!entry) {
        rc = GVC_ERR_FORMAT;
        goto done;
    }
    n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
    if (n < 0 || !utf8 || memchr(utf8, 0, (size_t)n)) {
        rc = GVC_ERR_FORMAT;
        goto done;
    }
    if ((size_t)n >= cn_len) {
        rc = GVC_ERR_ARG;
        goto done;
    }
    memcpy(cn, utf8, (size_t)n);
    cn[n] = '\0';
    rc = GVC_OK;
done:
    OPENSSL_free(utf8);
    X509_free(c);
    ERR_pop_to_mark();
    return rc;
}

int gvc_x509_load(const char *path, uint8_t *out, size_t *len)
{
    uint8_t *buf = NULL;
    size_t buf_len = 0;
    BIO *bio = NULL;
    X509 *x = NULL;
    int rc;

    if (!path || !out || !len) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    rc = gvc_read_file(path, GVC_FILE_MAX, &buf, &buf_len);
    if (rc != GVC_OK) {
        goto done;
    }
    if (buf_len > 0 && buf[0] == 0x30) {
        /* DER: a SEQUENCE. */
        rc = x509_parse(buf, buf_len, &x);
        if (rc != GVC_OK) {
            goto done;
        }
    } else {
        bio = BIO_new_mem_buf(buf, (int)buf_len);
        if (!bio) {
            rc = GVC_ERR_NOMEM;
            goto done;
        }
        x = PEM_read_bio_X509(bio, NULL, gvc_pem_no_password, NULL);
        if (!x) {
            rc = GVC_ERR_FORMAT;
            goto done;
        }
    }
    rc = x509_to_der(x, out, len, 0);
done:
    X509_free(x);
    BIO_free(bio);
    if (buf) {
        OPENSSL_clear_free(buf, buf_len + 1);
    }
    ERR_pop_to_mark();
    return rc;
}

int gvc_x509_save_pem(const char *path, const uint8_t *der, size_t len)
{
    BIO *bio = NULL;
    X509 *x = NULL;
    char *data = NULL;
    long data_len;
    int rc;

    if (!path || !der || len == 0) {
        return GVC_ERR_ARG;
    }
    ERR_set_mark();
    rc = x509_parse(der, len, &x);
    if (rc != GVC_OK) {
        goto done;
    }
    bio = BIO_new(BIO_s_mem());
    if (!bio) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    if (!PEM_write_bio_X509(bio, x)) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    data_len = BIO_get_mem_data(bio, &data);
    if (data_len <= 0 || !data) {
        rc = GVC_ERR_CRYPTO;
        goto done;
    }
    rc = gvc_write_file(path, data, (size_t)data_len, 0644);
done:
    BIO_free(bio);
    X509_free(x);
    ERR_pop_to_mark();
    return rc;
}
