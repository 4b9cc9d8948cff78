/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 8: the driver forges a CH_PTE summary or a measurement; the
 * runtime's MAC check must fail.
 *
 * Summaries and measurements reach the runtime through the driver.  The
 * attacker relays to the victim's runtime: summaries it made up (every
 * counter the runtime could expect), a genuine summary (of a mapping it
 * made itself in the victim's channel) with each field changed, then the
 * genuine one (accepted: it is the device's) and the same again (replay);
 * a genuine measurement (its own CH_MEASURE of the victim's secret) with
 * its digest, address or size changed, or its digest replaced by the plain
 * SHA-256 of the data, then genuine, then replayed.  The runtime refuses
 * every forgery and every replay.
 */
#include <sys/random.h>

#include "gv_crypto.h"

#include "atk.h"

static int relay_sum(struct gvv *v, const struct gv_pte_summary *s)
{
    return gvv_cmd(v, GVV_SUMMARY, 0, 1, s, sizeof(*s), NULL);
}

static int relay_meas(struct gvv *v, const struct gv_measurement *m,
                      uint64_t len)
{
    return gvv_cmd(v, GVV_MEAS_CHECK, 0, len, m, sizeof(*m), NULL);
}

int main(void)
{
    struct gva a;
    struct gvv v;
    struct gv_pte_summary s, f;
    struct gv_measurement m, fm;
    uint64_t pte, va;
    unsigned ch, pgdi, pgti, refused = 0;
    int r;

    printf("attack 8: forged summaries and measurements\n");
    atk_setup(&a, &v, 1, 8192);
    ch = v.info.chid[0];
    for (uint64_t c = 0; c < 32; c++) {
        memset(&f, 0, sizeof(f));
        f.magic = GV_SUMMARY_MAGIC;
        f.chid = ch;
        f.va = v.info.va;
        f.n = f.k = 2;
        f.counter = c;
        getrandom(f.hash, sizeof(f.hash), 0);
        getrandom(f.mac, sizeof(f.mac), 0);
        refused += relay_sum(&v, &f) != 0;
    }
    CHECK(refused == 32, "made-up summaries (counters 0..31, random MAC): "
          "%u of 32 refused by the runtime", refused);

    /* a genuine summary: the attacker maps a free page into the victim */
    va = v.info.va + (100ull << GV_PAGE_SHIFT);
    pgdi = (unsigned)(va >> GV_PDE_SHIFT);
    pgti = (unsigned)(va >> GV_PAGE_SHIFT) & (GV_PGT_SMALL_ENTRIES - 1);
    pte = gva_prot_pages(&a, GV_PAGE_SIZE) | GV_PTE_VALID;
    r = gva_ch_pte(&a, ch, pgdi, pgti, 1, &pte, false, NULL, &s);
    ACCEPTED(r, "the attacker maps a free page into the victim's channel: "
             "the device's summary (counter %llu)",
             (unsigned long long)s.counter);
    refused = 0;
    for (int i = 0; i < 6; i++) {
        f = s;
        switch (i) {
        case 0: f.n = 0; break;
        case 1: f.k = 2; break;
        case 2: f.va += 4096; break;
        case 3: f.hash[0] ^= 1; break;
        case 4: f.chid ^= 1; break;
        default: f.counter++; break;
        }
        refused += relay_sum(&v, &f) != 0;
    }
    CHECK(refused == 6, "that summary with n, k, va, hash, chid or counter "
          "changed: %u of 6 refused", refused);
    r = relay_sum(&v, &s);
    ACCEPTED(r, "the genuine summary: accepted");
    r = relay_sum(&v, &s);
    CHECK(r != 0, "the same summary replayed: refused (%d)", r);

    /* measurements */
    r = gva_ch_measure(&a, ch, v.info.va, 64, &m);
    ACCEPTED(r, "the attacker's CH_MEASURE of 64 bytes of the secret "
             "(counter %llu)", (unsigned long long)m.counter);
    refused = 0;
    for (int i = 0; i < 4; i++) {
        fm = m;
        switch (i) {
        case 0: fm.digest[5] ^= 1; break;
        case 1: fm.va += 8; break;
        case 2: fm.size = 32; break;
        default: {
            uint8_t *plain = malloc(64);

            for (int k = 0; k < 64; k++) {
                plain[k] = v.info.secret[k % GVV_SECRET_LEN];
            }
            gvc_sha256(plain, 64, fm.digest);
            free(plain);
            break;
        }
        }
        refused += relay_meas(&v, &fm, i == 2 ? 32 : 64) != 0;
    }
    CHECK(refused == 4, "that measurement with its digest, address or size "
          "changed, or the plain SHA-256 of the data as digest: %u of 4 "
          "refused", refused);
    r = relay_meas(&v, &m, 64);
    ACCEPTED(r, "the genuine measurement: accepted (the device's, of the "
             "right bytes)");
    r = relay_meas(&v, &m, 64);
    CHECK(r != 0, "the same measurement replayed: refused (%d)", r);
    CHECK(!gva_scan(&m, sizeof(m), v.info.secret, GVV_SECRET_LEN),
          "the measurement holds nothing of the secret");

    atk_no_leak(&a, &v, "after the forgeries");
    atk_victim_ok(&v, 0, "after the forgeries");
    r = gvv_cmd(&v, GVV_ALLOC, 0, 4096, NULL, 0, NULL);
    ACCEPTED(r, "the victim's next allocation: its summary accepted (the "
             "runtime's counter is in step)");
    return atk_finish(&a, &v);
}
