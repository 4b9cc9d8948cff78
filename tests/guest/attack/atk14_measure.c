/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 14: measurement oracle.  CH_MEASURE of 1 byte (or any short
 * range) whose digest the driver can brute-force.
 *
 * The attacker measures the first byte of the victim's secret through its
 * own bootstrap channel (the driver may measure: the runtime asks it to)
 * and tries all 256 candidates against SHA-256; then extends the prefix a
 * byte at a time, as the exploit that recovered a 64-bit secret did.
 * With a keyed digest no candidate may match, and the digest of the whole
 * range must not be its plain SHA-256 either.  The measurements advance
 * the channel's report counter, so the victim's runtime refuses its next
 * measurement (it notices a report it did not ask for); its secure copies
 * go on.  On a normal channel CH_MEASURE is refused (NOT_SECURE).
 */
#include "gv_crypto.h"

#include "atk.h"

int main(void)
{
    struct gva a;
    struct gvv v;
    struct gva_chan mine;
    struct gv_measurement m;
    uint8_t guess[8], h[GV_HASH_LEN], pattern[64];
    unsigned found = 0, matches = 0;
    int r;

    printf("attack 14: CH_MEASURE as a byte oracle\n");
    atk_setup(&a, &v, 1, 4096);

    r = gva_ch_measure(&a, v.info.chid[0], v.info.va, 1, &m);
    ACCEPTED(r, "CH_MEASURE of 1 byte of the victim's secret");
    for (unsigned c = 0; c < 256; c++) {
        uint8_t b = (uint8_t)c;

        gvc_sha256(&b, 1, h);
        matches += memcmp(h, m.digest, sizeof(h)) == 0;
    }
    CHECK(matches == 0, "none of the 256 candidates' SHA-256 matches the "
          "digest (%u matched)", matches);

    /* the prefix attack, byte by byte */
    for (unsigned k = 1; k <= sizeof(guess); k++) {
        bool hit = false;

        r = gva_ch_measure(&a, v.info.chid[0], v.info.va, k, &m);
        for (unsigned c = 0; c < 256 && r == 0; c++) {
            guess[k - 1] = (uint8_t)c;
            gvc_sha256(guess, k, h);
            if (memcmp(h, m.digest, sizeof(h)) == 0) {
                hit = true;
                break;
            }
        }
        if (!hit) {
            break;
        }
        found = k;
    }
    CHECK(found == 0, "byte-by-byte prefix attack over 8 measurements: "
          "%u bytes recovered", found);
    for (unsigned i = 0; i < sizeof(pattern); i++) {
        pattern[i] = v.info.secret[i % GVV_SECRET_LEN];
    }
    r = gva_ch_measure(&a, v.info.chid[0], v.info.va, sizeof(pattern), &m);
    gvc_sha256(pattern, sizeof(pattern), h);
    CHECK(r == 0 && memcmp(h, m.digest, sizeof(h)) != 0 &&
          !gva_scan(&m, sizeof(m), v.info.secret, GVV_SECRET_LEN),
          "a 64-byte measurement is not the plain SHA-256 of the bytes, "
          "and holds nothing of them");

    r = gva_chan_create(&a, &mine, 0, 0);
    ACCEPTED(r, "attacker: a normal channel");
    r = gva_ch_measure(&a, mine.chid, 0, 8, NULL);
    REFUSED(r, GV_ERR_NOT_SECURE, "CH_MEASURE of a normal channel");
    r = gva_ch_measure(&a, v.info.chid[0], v.info.va, 0, NULL);
    REFUSED(r, GV_ERR_RANGE, "CH_MEASURE of 0 bytes");
    r = gva_ch_measure(&a, v.info.chid[0], ~0ull - 7, 16, NULL);
    REFUSED(r, GV_ERR_RANGE, "CH_MEASURE of a range wrapping around 2^64");

    r = gvv_cmd(&v, GVV_MEASURE, 0, 64, NULL, 0, NULL);
    CHECK(r != 0, "the victim's next measurement: refused by its runtime "
          "(the attacker's measurements used its reports) (%d)", r);
    atk_no_leak(&a, &v, "after the measurements");
    atk_victim_ok(&v, 0, "after the measurements");
    gva_chan_destroy(&a, &mine);
    return atk_finish(&a, &v);
}
