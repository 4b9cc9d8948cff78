/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gv_crypto: the cryptographic primitives of the graviton trusted GPU, as a
 * thin layer over OpenSSL 3 that exposes no OpenSSL type.
 *
 * Conventions, for every function below unless it says otherwise:
 *  - it returns GVC_OK (0) on success or a negative GVC_ERR_* code;
 *  - it checks its arguments before doing anything: a NULL pointer where a
 *    buffer is needed, a zero or out-of-range size, or a too-small output
 *    buffer gives GVC_ERR_ARG and leaves the outputs untouched;
 *  - a (pointer, length) pair may have a NULL pointer when the length is 0;
 *  - it never aborts and never prints; on failure it leaves nothing on
 *    OpenSSL's error queue that it put there;
 *  - it wipes the secret values it held on its own stack before returning;
 *  - it is thread-safe as long as no object (struct gvc_aead, struct
 *    gvc_sha256_ctx) is used by two threads at once.  struct gvc_key is
 *    read-only after creation and may be shared.
 *
 * docs/crypto.md describes the algorithms and formats.
 */
#ifndef GV_CRYPTO_H
#define GV_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- error codes ---- */

#define GVC_OK 0
#define GVC_ERR_ARG    (-1)  /* bad argument / size */
#define GVC_ERR_AUTH   (-2)  /* tag or signature check failed */
#define GVC_ERR_NOMEM  (-3)
#define GVC_ERR_CRYPTO (-4)  /* OpenSSL failure */
#define GVC_ERR_IO     (-5)  /* file read/write */
#define GVC_ERR_FORMAT (-6)  /* malformed key/cert/encoding */

/* A static, human-readable description of @err; never NULL. */
const char *gvc_strerror(int err);

/* ---- sizes ---- */

#define GVC_AES_KEY_LEN 32   /* AES-256 */
#define GVC_GCM_IV_LEN 12
#define GVC_GCM_TAG_LEN 16
#define GVC_SHA256_LEN 32
#define GVC_EC_PUB_LEN 65    /* P-256 uncompressed point 0x04||X||Y */
#define GVC_EC_SIG_LEN 64    /* P-256 ECDSA raw r||s, 32-byte big-endian each */
#define GVC_WRAP_OVERHEAD (GVC_EC_PUB_LEN + GVC_GCM_TAG_LEN)  /* 81 */

/* Largest message one AES-GCM call takes: 2^36 - 32 bytes (SP 800-38D). */
#define GVC_GCM_MAX_LEN ((UINT64_C(1) << 36) - 32)
/* Largest HKDF output: 255 blocks of SHA-256 (RFC 5869). */
#define GVC_HKDF_MAX_OUT (255 * GVC_SHA256_LEN)
/* Largest HKDF info string this layer accepts. */
#define GVC_HKDF_MAX_INFO 1024
/* Longest common name (RFC 5280 ub-common-name), in bytes of UTF-8. */
#define GVC_X509_CN_MAX 64
/* Longest validity gvc_x509_issue() accepts, in days (100 years). */
#define GVC_X509_MAX_DAYS 36525
/* Largest key or certificate file gvc_*_load*() reads. */
#define GVC_FILE_MAX (64 * 1024)
/* Size of gvc_wrap()'s output for a @len-byte key. */
#define GVC_WRAP_LEN(len) ((size_t)(len) + GVC_WRAP_OVERHEAD)

/* ---- random ---- */

/*
 * Fill @buf with @len bytes from OpenSSL's CSPRNG.
 * GVC_ERR_ARG: @buf NULL or @len 0.  GVC_ERR_CRYPTO: the DRBG failed (the
 * buffer is then wiped, never left partly random).
 */
int gvc_random(void *buf, size_t len);

/* ---- AES-256-GCM ---- */

/*
 * AES-256-GCM, one-shot.  Seal encrypts @len bytes of @pt into @ct (same
 * length) and writes the 16-byte tag over @aad and the ciphertext; open
 * checks @tag and decrypts.  @pt and @ct may be the same buffer (in place)
 * but must not otherwise overlap.  @len 0 is GMAC: the tag covers @aad
 * alone and @pt/@ct may be NULL.  The caller must never reuse an IV with
 * the same key.
 * GVC_ERR_ARG: @key, @iv or @tag NULL; @pt/@ct NULL with @len > 0; @aad
 * NULL with @aad_len > 0; @len > GVC_GCM_MAX_LEN.
 * GVC_ERR_AUTH (open): the tag does not match; @pt is then wiped and must
 * not be used.  GVC_ERR_NOMEM, GVC_ERR_CRYPTO: OpenSSL failed.
 */
int gvc_gcm_seal(const uint8_t key[32], const uint8_t iv[12],
                 const void *aad, size_t aad_len,
                 const void *pt, size_t len, void *ct, uint8_t tag[16]);
int gvc_gcm_open(const uint8_t key[32], const uint8_t iv[12],
                 const void *aad, size_t aad_len,
                 const void *ct, size_t len, void *pt,
                 const uint8_t tag[16]);

/*
 * AES-256-GCM with the key schedule kept, for per-channel keys on the hot
 * path.  The object keeps no copy of the raw key; its only copy, the key
 * schedule inside OpenSSL, is wiped by gvc_aead_free().  One object must
 * not be used by two threads at once.
 * gvc_aead_new: GVC_ERR_ARG (@out or @key NULL), GVC_ERR_NOMEM,
 * GVC_ERR_CRYPTO.  gvc_aead_seal/open: as gvc_gcm_seal/open, with
 * GVC_ERR_ARG also for @a NULL.  gvc_aead_free: NULL is fine.
 */
struct gvc_aead;
int gvc_aead_new(struct gvc_aead **out, const uint8_t key[32]);
void gvc_aead_free(struct gvc_aead *a);
int gvc_aead_seal(struct gvc_aead *a, const uint8_t iv[12],
                  const void *aad, size_t aad_len,
                  const void *pt, size_t len, void *ct, uint8_t tag[16]);
int gvc_aead_open(struct gvc_aead *a, const uint8_t iv[12],
                  const void *aad, size_t aad_len,
                  const void *ct, size_t len, void *pt,
                  const uint8_t tag[16]);

/*
 * AES-256-GCM in pieces, for a caller that cannot hold a whole message
 * (the copy engine, docs/crypto.md "GCM in pieces").  Opening is split in
 * two passes: gvc_gcm_split_auth_begin(), _auth() over the ciphertext in
 * pieces of any size, and _auth_verify() compute GCM's tag without
 * decrypting anything (GHASH alone) and compare it with @tag in constant
 * time; only after that returned GVC_OK does gvc_gcm_split_decrypt()
 * decrypt (AES-256-CTR from GCM's first data counter), in pieces, at most
 * as many bytes as were authenticated.  The caller must feed the decryption
 * exactly the bytes it authenticated, so it must keep them where nobody
 * else can change them in between.  Sealing is fed in pieces the same way:
 * _seal_begin(), _seal() (@pt and @ct the same buffer or disjoint), then
 * _seal_final() writes the tag.  Any call starts over the object's message
 * (a new _begin discards the old one); a failure ends it.  Outputs equal
 * gvc_gcm_seal()/gvc_gcm_open()'s for the same message.
 * gvc_gcm_split_new: GVC_ERR_ARG (@out or @key NULL), GVC_ERR_NOMEM,
 * GVC_ERR_CRYPTO.  The others: GVC_ERR_ARG for a NULL object, @iv or
 * @tag, a NULL buffer with a non-zero length, a call out of order (e.g.
 * decrypting before a good tag, or more than was authenticated), or a
 * message longer than GVC_GCM_MAX_LEN; GVC_ERR_AUTH (_auth_verify): the
 * tag does not match; GVC_ERR_CRYPTO.  gvc_gcm_split_free: NULL is fine;
 * it wipes the key schedules and GHASH's key.
 */
struct gvc_gcm_split;
int gvc_gcm_split_new(struct gvc_gcm_split **out, const uint8_t key[32]);
void gvc_gcm_split_free(struct gvc_gcm_split *s);
int gvc_gcm_split_auth_begin(struct gvc_gcm_split *s, const uint8_t iv[12],
                             const void *aad, size_t aad_len);
int gvc_gcm_split_auth(struct gvc_gcm_split *s, const void *ct, size_t len);
int gvc_gcm_split_auth_verify(struct gvc_gcm_split *s,
                              const uint8_t tag[16]);
int gvc_gcm_split_decrypt(struct gvc_gcm_split *s, const void *ct,
                          size_t len, void *pt);
int gvc_gcm_split_seal_begin(struct gvc_gcm_split *s, const uint8_t iv[12],
                             const void *aad, size_t aad_len);
int gvc_gcm_split_seal(struct gvc_gcm_split *s, const void *pt, size_t len,
                       void *ct);
int gvc_gcm_split_seal_final(struct gvc_gcm_split *s, uint8_t tag[16]);

/* ---- KMAC256, and AES-256-CTR + a KMAC256 tree (secure copies) ---- */

#define GVC_KMAC_KEY_MIN 4          /* OpenSSL's shortest KMAC key */
#define GVC_KMAC_KEY_MAX 256
#define GVC_KMAC_CUSTOM_MAX 256
#define GVC_KMAC_OUT_MAX 256
#define GVC_KMAC_TAG_LEN 32         /* the copy scheme's tag (L = 256) */
/* The copy scheme's chunk: one leaf of the tree per 8 KiB of ciphertext
 * (kernels/gv_kmac_args.h has the same value). */
#define GVC_KMAC_CHUNK 8192

/*
 * KMAC256 (NIST SP 800-185 section 4) of @len bytes at @data under @key,
 * with customization string @custom (may be empty) and @out_len bytes of
 * output (L = 8 @out_len bits, not the XOF variant).
 * GVC_ERR_ARG: @key NULL or @key_len outside GVC_KMAC_KEY_MIN ..
 * GVC_KMAC_KEY_MAX; @custom NULL with @custom_len > 0 or @custom_len >
 * GVC_KMAC_CUSTOM_MAX; @data NULL with @len > 0; @out NULL; @out_len 0 or
 * > GVC_KMAC_OUT_MAX.  GVC_ERR_NOMEM, GVC_ERR_CRYPTO (@out then wiped).
 */
int gvc_kmac256(const void *key, size_t key_len, const void *custom,
                size_t custom_len, const void *data, size_t len,
                uint8_t *out, size_t out_len);

/*
 * The AES-KMAC copy scheme (docs/kernels.md, "AES-CTR + KMAC256"), as the
 * AuthDec/AuthEnc kernels of kernels/kmac.cu compute it: encrypt then MAC
 * with two independent keys.  The ciphertext is AES-256-CTR under
 * @enc_key with counter blocks IV || ctr32, ctr32 = 2, 3, ... (GCM's
 * layout); the 32-byte tag is a KMAC256 tree under @mac_key: with
 * n = max(1, ceil(len / GVC_KMAC_CHUNK)) chunks C_i of the ciphertext,
 *   T_i = KMAC256(mac_key, le64(i) || le64(len) || IV || C_i, 256,
 *                 "graviton copy chunk")
 *   tag = KMAC256(mac_key, le64(len) || IV || aad || T_0 || .. || T_n-1,
 *                 256, "graviton copy root").
 * Seal encrypts @pt into @ct and writes the tag; open checks @tag (in
 * constant time) before it decrypts anything.  @pt and @ct may be the
 * same buffer but must not otherwise overlap.  A (key, IV) pair must
 * never be used for two messages.
 * GVC_ERR_ARG: a key, @iv or @tag NULL; @pt/@ct NULL with @len > 0; @aad
 * NULL with @aad_len > 0; @len > GVC_GCM_MAX_LEN (the 32-bit counter).
 * GVC_ERR_AUTH (open): the tag does not match; @pt is then wiped.
 * GVC_ERR_NOMEM, GVC_ERR_CRYPTO.
 */
int gvc_aes_kmac_seal(const uint8_t enc_key[32], const uint8_t mac_key[32],
                      const uint8_t iv[12], const void *aad, size_t aad_len,
                      const void *pt, size_t len, void *ct,
                      uint8_t tag[32]);
int gvc_aes_kmac_open(const uint8_t enc_key[32], const uint8_t mac_key[32],
                      const uint8_t iv[12], const void *aad, size_t aad_len,
                      const void *ct, size_t len, void *pt,
                      const uint8_t tag[32]);

/* ---- SHA-256 ---- */

/*
 * SHA-256 of @len bytes at @data (@data may be NULL when @len is 0).
 * GVC_ERR_ARG: @out NULL, @data NULL with @len > 0.  GVC_ERR_CRYPTO.
 */
int gvc_sha256(const void *data, size_t len, uint8_t out[32]);

/*
 * Incremental SHA-256.  gvc_sha256_final() writes the digest of everything
 * fed since the context was created or last finalised, then resets the
 * context so that it can be reused for a new message.  If update or final
 * fails the message in progress is lost; final still resets the context.
 * gvc_sha256_new: GVC_ERR_ARG (@out NULL), GVC_ERR_NOMEM, GVC_ERR_CRYPTO.
 * gvc_sha256_update: GVC_ERR_ARG (@c NULL, @data NULL with @len > 0),
 * GVC_ERR_CRYPTO.  gvc_sha256_final: GVC_ERR_ARG (@c or @out NULL),
 * GVC_ERR_CRYPTO.  gvc_sha256_free: NULL is fine.
 */
struct gvc_sha256_ctx;
int gvc_sha256_new(struct gvc_sha256_ctx **out);
int gvc_sha256_update(struct gvc_sha256_ctx *c, const void *data, size_t len);
int gvc_sha256_final(struct gvc_sha256_ctx *c, uint8_t out[32]);
void gvc_sha256_free(struct gvc_sha256_ctx *c);

/* ---- HMAC, HKDF, comparison ---- */

/*
 * HMAC-SHA256 (RFC 2104) of @data under @key.
 * GVC_ERR_ARG: @key NULL or @key_len 0, @data NULL with @len > 0, @out
 * NULL.  GVC_ERR_NOMEM, GVC_ERR_CRYPTO.
 */
int gvc_hmac_sha256(const void *key, size_t key_len,
                    const void *data, size_t len, uint8_t out[32]);

/*
 * Incremental HMAC-SHA256 under @key (copied into the context).  A context
 * computes one MAC: new, update any number of times, final once, free.
 * gvc_hmac_sha256_new: GVC_ERR_ARG (@out or @key NULL, @key_len 0),
 * GVC_ERR_NOMEM, GVC_ERR_CRYPTO.  update: GVC_ERR_ARG (@c NULL, @data NULL
 * with @len > 0), GVC_ERR_CRYPTO.  final: GVC_ERR_ARG, GVC_ERR_CRYPTO (@out
 * is then wiped).  free: NULL is fine; wipes the key.
 */
struct gvc_hmac_ctx;
int gvc_hmac_sha256_new(struct gvc_hmac_ctx **out, const void *key,
                        size_t key_len);
int gvc_hmac_sha256_update(struct gvc_hmac_ctx *c, const void *data,
                           size_t len);
int gvc_hmac_sha256_final(struct gvc_hmac_ctx *c, uint8_t out[32]);
void gvc_hmac_sha256_free(struct gvc_hmac_ctx *c);

/*
 * HKDF-SHA256 (RFC 5869), extract then expand, into @out_len bytes.  @salt
 * and @info are optional (NULL/0); no salt means a salt of 32 zero bytes.
 * GVC_ERR_ARG: @ikm NULL or @ikm_len 0; @salt or @info NULL with a
 * non-zero length; @info_len > GVC_HKDF_MAX_INFO; @out NULL; @out_len 0 or
 * > GVC_HKDF_MAX_OUT.  GVC_ERR_NOMEM, GVC_ERR_CRYPTO (@out is then wiped).
 */
int gvc_hkdf_sha256(const void *ikm, size_t ikm_len,
                    const void *salt, size_t salt_len,
                    const void *info, size_t info_len,
                    void *out, size_t out_len);

/*
 * Compare @len bytes in time independent of their contents.
 * 0: equal.  GVC_ERR_AUTH: different.  GVC_ERR_ARG: @a or @b NULL or @len
 * 0 (never "equal", so a caller that only tests for 0 fails closed).
 */
int gvc_memcmp_ct(const void *a, const void *b, size_t len);

/* ---- ECDSA P-256 keys and signatures ---- */

/* A P-256 key pair, or a public key alone.  Read-only once made. */
struct gvc_key;

/*
 * Make a new P-256 key pair.
 * GVC_ERR_ARG (@out NULL), GVC_ERR_NOMEM, GVC_ERR_CRYPTO.
 */
int gvc_key_generate(struct gvc_key **out);

/*
 * A public-only key from an uncompressed point 0x04||X||Y.
 * GVC_ERR_ARG: @out or @pub NULL.  GVC_ERR_FORMAT: the prefix is not 0x04,
 * a coordinate is not below the field prime, or the point is not on the
 * curve.  GVC_ERR_NOMEM, GVC_ERR_CRYPTO.
 */
int gvc_key_from_pub(struct gvc_key **out, const uint8_t pub[65]);

/*
 * Load a key from a PEM file: an unencrypted PKCS#8 "PRIVATE KEY" (an
 * SEC 1 "EC PRIVATE KEY" is accepted too), or a SubjectPublicKeyInfo
 * "PUBLIC KEY" which gives a public-only key.  Never asks for a passphrase.
 * GVC_ERR_ARG: @out or @path NULL.  GVC_ERR_IO: the file cannot be read.
 * GVC_ERR_FORMAT: not such a PEM key, encrypted, larger than
 * GVC_FILE_MAX, or not a P-256 key.  GVC_ERR_NOMEM.
 */
int gvc_key_load_pem(struct gvc_key **out, const char *path);

/*
 * Write @k to @path as PEM, atomically replacing the file (through a
 * temporary file in the same directory, renamed): with @private_part the
 * unencrypted PKCS#8 private key, file mode 0600; otherwise the
 * SubjectPublicKeyInfo public key, mode 0644.
 * GVC_ERR_ARG: @k or @path NULL, or @private_part for a public-only key.
 * GVC_ERR_IO: the file cannot be written.  GVC_ERR_NOMEM, GVC_ERR_CRYPTO.
 */
int gvc_key_save_pem(const struct gvc_key *k, const char *path,
                     bool private_part);

/*
 * The public point of @k, uncompressed (0x04||X||Y).
 * GVC_ERR_ARG: @k or @pub NULL.  GVC_ERR_CRYPTO.
 */
int gvc_key_pub(const struct gvc_key *k, uint8_t pub[65]);

/* Whether @k holds a private key (false for NULL). */
bool gvc_key_has_private(const struct gvc_key *k);

/* Free @k, wiping its private part; NULL is fine. */
void gvc_key_free(struct gvc_key *k);

/*
 * ECDSA P-256 signature over SHA-256(@msg), as raw r||s (each 32 bytes,
 * big-endian).  Signatures are randomised, so two differ for one message.
 * GVC_ERR_ARG: @k NULL or public-only, @msg NULL with @len > 0, @sig NULL.
 * GVC_ERR_NOMEM, GVC_ERR_CRYPTO.
 */
int gvc_sign(const struct gvc_key *k, const void *msg, size_t len,
             uint8_t sig[64]);

/*
 * Check a raw r||s signature over SHA-256(@msg) with @k's public key.
 * GVC_ERR_AUTH: the signature is wrong (including r or s 0 or >= n).
 * GVC_ERR_ARG: @k or @sig NULL, @msg NULL with @len > 0.  GVC_ERR_NOMEM,
 * GVC_ERR_CRYPTO.
 */
int gvc_verify(const struct gvc_key *k, const void *msg, size_t len,
               const uint8_t sig[64]);

/* ---- key wrapping (ECIES) ---- */

/*
 * Key wrapping: ephemeral ECDH P-256 with the recipient's public key,
 * HKDF-SHA256(ikm = shared secret X coordinate,
 *             salt = ephemeral_pub || recipient_pub,
 *             info = "graviton key wrap v1") -> 32-byte AES key,
 * AES-256-GCM with an all-zero 12-byte IV (the key is single-use),
 * AAD = the info string.
 * Output = ephemeral_pub(65) || ct(len) || tag(16), GVC_WRAP_LEN(len)
 * bytes.
 *
 * gvc_wrap: GVC_ERR_ARG: @recipient_pub, @key or @out NULL, @len 0 or
 * > GVC_GCM_MAX_LEN, @out_len < GVC_WRAP_LEN(len).  GVC_ERR_FORMAT: the
 * recipient point is invalid (as gvc_key_from_pub).  GVC_ERR_NOMEM,
 * GVC_ERR_CRYPTO.  Only the first GVC_WRAP_LEN(len) bytes of @out are
 * written.
 *
 * gvc_unwrap: @in_len must be exactly GVC_WRAP_LEN(len).  GVC_ERR_ARG:
 * @recipient NULL or public-only, @in or @key NULL, @len 0, wrong
 * @in_len.  GVC_ERR_AUTH: the blob was not made for this key or was
 * altered (an invalid ephemeral point included); @key is then wiped.
 * GVC_ERR_NOMEM, GVC_ERR_CRYPTO.
 */
int gvc_wrap(const uint8_t recipient_pub[65], const void *key, size_t len,
             uint8_t *out, size_t out_len);
int gvc_unwrap(const struct gvc_key *recipient, const uint8_t *in,
               size_t in_len, void *key, size_t len);

/* ---- X.509 ---- */

/*
 * Certificates are DER in caller buffers; where an output length is
 * *len, it is the buffer's capacity on entry and the size written on
 * return.  When the buffer is too small, GVC_ERR_ARG is returned, nothing
 * is written and *len is set to a size that is enough for a retry
 * (gvc_x509_issue signs afresh, and ECDSA signatures vary by a few bytes,
 * so it reports a few bytes more than that attempt needed).  Certificates
 * from gvc_x509_issue are well under GVC_X509_DER_MAX bytes.
 */
#define GVC_X509_DER_MAX 1024

/*
 * Issue a v3 certificate for @subject_pub with subject CN=@subject_cn,
 * signed by @issuer_key with ECDSA-with-SHA256, valid from now - 1 hour to
 * now + @days, serial number @serial.
 * @issuer_cert_der NULL makes a self-signed certificate (issuer name =
 * subject name); @subject_pub must then be @issuer_key's own public key.
 * Otherwise the issuer name is the subject of @issuer_cert_der, which
 * must be a CA certificate for @issuer_key.
 * @is_ca: basicConstraints CA:TRUE (critical), keyUsage keyCertSign
 * (critical); otherwise basicConstraints CA:FALSE (critical), keyUsage
 * digitalSignature (critical).  subjectKeyIdentifier and
 * authorityKeyIdentifier are always present.
 * GVC_ERR_ARG: a NULL pointer; @issuer_key public-only; @subject_cn
 * empty, longer than GVC_X509_CN_MAX bytes or not valid UTF-8; @serial 0;
 * @days 0 or > GVC_X509_MAX_DAYS; @issuer_cert_der and @issuer_len not
 * both set or both NULL/0; self-signed with a @subject_pub other than the
 * issuer's; an issuer
 * certificate that is not a CA, has no subjectKeyIdentifier or whose key
 * is not @issuer_key; *len too small (then *len is enough for a retry).
 * GVC_ERR_FORMAT: @subject_pub invalid, or @issuer_cert_der malformed.
 * GVC_ERR_NOMEM, GVC_ERR_CRYPTO.
 */
int gvc_x509_issue(const struct gvc_key *issuer_key,
                   const uint8_t *issuer_cert_der, size_t issuer_len,
                   const uint8_t subject_pub[65], const char *subject_cn,
                   uint64_t serial, unsigned days, bool is_ca,
                   uint8_t *out, size_t *len);

/*
 * Check that @cert was issued by @issuer: @issuer is a CA (basicConstraints
 * CA:TRUE and, if keyUsage is present, keyCertSign) with a P-256 key,
 * @cert's issuer name (and authorityKeyIdentifier, if any) matches
 * @issuer, @cert's ECDSA-with-SHA256 signature verifies under @issuer's
 * key, neither has an unknown critical extension, and both are within
 * their validity period now.  A self-signed CA verifies against itself.
 * GVC_ERR_AUTH: any of those checks fails.  GVC_ERR_ARG: NULL or 0-length
 * argument.  GVC_ERR_FORMAT: a certificate is not well-formed DER (or
 * has trailing bytes).  GVC_ERR_NOMEM, GVC_ERR_CRYPTO.
 */
int gvc_x509_verify(const uint8_t *cert, size_t cert_len,
                    const uint8_t *issuer, size_t issuer_len);

/*
 * The subject public key of @cert, uncompressed.
 * GVC_ERR_ARG: NULL or 0-length argument.  GVC_ERR_FORMAT: malformed DER
 * or not a P-256 key.  GVC_ERR_CRYPTO.
 */
int gvc_x509_pub(const uint8_t *cert, size_t cert_len, uint8_t pub[65]);

/*
 * The (first) subject common name of @cert, as a NUL-terminated UTF-8
 * string in @cn (@cn_len bytes, the NUL included).
 * GVC_ERR_ARG: NULL or 0-length argument, or @cn_len too small.
 * GVC_ERR_FORMAT: malformed DER, no CN, or a CN with a NUL in it.
 * GVC_ERR_NOMEM.
 */
int gvc_x509_cn(const uint8_t *cert, size_t cert_len, char *cn,
                size_t cn_len);

/*
 * Read a certificate file, PEM ("CERTIFICATE") or DER, into DER.
 * GVC_ERR_ARG: a NULL pointer, or *len too small (then *len is the size
 * needed).  GVC_ERR_IO: the file cannot be read.  GVC_ERR_FORMAT: not a
 * certificate, or larger than GVC_FILE_MAX.  GVC_ERR_NOMEM.
 */
int gvc_x509_load(const char *path, uint8_t *out, size_t *len);

/*
 * Write a DER certificate to @path as PEM (mode 0644), atomically replacing
 * the file (through a temporary file in the same directory).
 * GVC_ERR_ARG: NULL or 0-length argument.  GVC_ERR_FORMAT: @der is not a
 * certificate.  GVC_ERR_IO.  GVC_ERR_NOMEM, GVC_ERR_CRYPTO.
 */
int gvc_x509_save_pem(const char *path, const uint8_t *der, size_t len);

#endif /* GV_CRYPTO_H */
