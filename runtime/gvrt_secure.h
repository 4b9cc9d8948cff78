/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton runtime: the trusted side of the secure-context protocol.
 *
 * Everything the runtime must check or produce itself because the driver
 * is not trusted: the user key pair (UK), quote verification and CEK
 * unwrapping, command-group encryption, CH_PTE summaries and measurements
 * (MAC and freshness), and the MACs that authorise unmapping and channel
 * destruction.  Formats: docs/commands.md and docs/crypto.md.
 */
#ifndef GVRT_SECURE_H
#define GVRT_SECURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graviton/gv_cmds.h"
#include "graviton/gv_regs.h"

struct gvc_key;
struct gvc_aead;
struct gvrt_kept;

#define GVRT_MAX_CHANNELS GV_MAX_CHANNELS

/* The oldest command-processor firmware whose quotes the runtime accepts
 * (gvrt_secure.min_fw, settable; 0 means this default). */
#define GVRT_MIN_FW_VERSION 0x00010000u

struct gvrt_secure {
    struct gvc_key *uk;
    uint8_t uk_pub[GV_EC_PUB_LEN];
    uint8_t cek[GV_CEK_LEN];
    bool have_cek;
    uint32_t min_fw;            /* 0: GVRT_MIN_FW_VERSION */
    /* per channel id: what the device expects next */
    uint64_t cmd_counter[GVRT_MAX_CHANNELS];
    uint64_t auth_counter[GVRT_MAX_CHANNELS];
    uint64_t report_counter[GVRT_MAX_CHANNELS];
    /* per channel id, from its quote: the incarnation and the keys bound
     * to it (include/graviton/gv_keys.h) */
    bool chan_valid[GVRT_MAX_CHANNELS];
    uint64_t incarnation[GVRT_MAX_CHANNELS];
    uint32_t fw_version[GVRT_MAX_CHANNELS];     /* quoted firmware */
    uint8_t chan_key[GVRT_MAX_CHANNELS][32];
    uint8_t meas_key[GVRT_MAX_CHANNELS][32];
    /* the last check that failed: a constant string naming it ("quote
     * signature", "summary counter", ...), NULL if none yet */
    const char *failed;
    /* K_chan's AES-GCM contexts (key schedules), one per channel, kept
     * between messages (docs/runtime.md, "The runtime's state"): made at
     * a channel's first seal or MAC, wiped and freed when a quote gives
     * the channel a new key, at its destroy MAC and by
     * gvrt_secure_fini().  Only the struct gvrt_secure_init() made (at
     * @self) uses or frees them: a copy by value at another address seals
     * with one-shot calls and frees nothing.  key_id[chid]: the quote
     * whose key the channel has (a process-wide number, never reused); a
     * kept context made for another key_id is never used (a copy put
     * back at @self, e.g. a snapshot restored, finds its own key's). */
    struct gvrt_kept *kept;
    const struct gvrt_secure *self;
    uint64_t key_id[GVRT_MAX_CHANNELS];
};

/*
 * Every function returns 0 or a negative errno: -EBADMSG when a
 * signature, MAC or check failed (s->failed names it), -EINVAL for a bad
 * argument or a channel without keys, -EIO when the crypto library
 * failed.
 */

int gvrt_secure_init(struct gvrt_secure *s);     /* makes the UK pair */
/* Wipes the keys; frees the kept contexts where @s is their owner. */
void gvrt_secure_fini(struct gvrt_secure *s);
/* Whether channel @chid has a kept K_chan context now (tests). */
bool gvrt_secure_kept(const struct gvrt_secure *s, unsigned chid);

/* Check a quote for a new channel and take its CEK: signed by @ak_pub, for
 * our UK_pub and @nonce, version 2, firmware at least min_fw, no flag set
 * (a debug or preemptible device could leak the context).  A second quote
 * of the same context must carry the same CEK.  The channel's keys are
 * derived from CEK and the quote's incarnation; its counters restart. */
int gvrt_quote_accept(struct gvrt_secure *s, const struct gv_quote *q,
                      const uint8_t ak_pub[GV_EC_PUB_LEN],
                      const uint8_t nonce[GV_NONCE_LEN]);

/* Check the EK's endorsement of an AK (AK info as the device publishes
 * it), for the runtime that trusts a known EK directly. */
int gvrt_ak_endorsed(const uint8_t ek_pub[GV_EC_PUB_LEN], uint32_t fw,
                     const uint8_t ak_pub[GV_EC_PUB_LEN],
                     const uint8_t ak_sig[GV_EC_SIG_LEN]);

/* Verify @ak_cert (DER) under @ca_cert (DER) and return its key. */
int gvrt_ak_cert_verify(const uint8_t *ca_cert, size_t ca_len,
                        const uint8_t *ak_cert, size_t ak_len,
                        uint8_t ak_pub[GV_EC_PUB_LEN]);

/* Encrypt @cmds for channel @chid with its next counter; returns the group
 * length written to @out (header + ciphertext + tag), the counter is
 * advanced.  @out needs len + 32 bytes. */
uint32_t gvrt_seal_group(struct gvrt_secure *s, unsigned chid,
                         const void *cmds, uint32_t len, uint8_t *out);
/* The same with an explicit counter (tests of replay and reordering). */
uint32_t gvrt_seal_group_at(const struct gvrt_secure *s, unsigned chid,
                            uint64_t counter, const void *cmds, uint32_t len,
                            uint8_t *out);

/* Check a CH_PTE summary: MAC, freshness (the channel's next report
 * counter) and, with @all_protected, n == k.  Advances the counter. */
int gvrt_summary_accept(struct gvrt_secure *s, const struct gv_pte_summary *m,
                        bool all_protected);
/* Check the @nsums summaries of an unmap the runtime asked of channel
 * @chid, in order: summary i must be of @chid (a valid summary of another
 * channel of the context is not this unmap's), at @va[i] (i < @n), with
 * no protected page left (k = 0), and pass gvrt_summary_accept().  0, or
 * -EBADMSG with s->failed naming the check. */
int gvrt_unmap_summaries_accept(struct gvrt_secure *s, unsigned chid,
                                const struct gv_pte_summary *sums,
                                uint32_t nsums, const uint64_t *va,
                                uint32_t n);
/* Check a CH_MEASURE result against what the runtime expects channel
 * @chid to hold at [@va, @va + @len): MAC, freshness, va and size, and the
 * keyed digest (HMAC under K_meas) of @expect.  Advances the counter. */
int gvrt_measurement_accept(struct gvrt_secure *s, unsigned chid,
                            const struct gv_measurement *m, uint64_t va,
                            const void *expect, uint64_t len);
/* Check only that a CH_MEASURE result is the device's (MAC) and the
 * channel's next report (counter), whatever it measured: the runtime's
 * way to ask whether a channel's mappings changed behind its back (every
 * CH_PTE on a secure channel takes a report).  Advances the counter. */
int gvrt_report_fresh(struct gvrt_secure *s, unsigned chid,
                      const struct gv_measurement *m);
/* The keyed digest the device computes over @len bytes at @data for
 * channel @chid (for a runtime that measures in pieces). */
int gvrt_measure_digest(const struct gvrt_secure *s, unsigned chid,
                        const void *data, uint64_t len,
                        uint8_t digest[GV_HASH_LEN]);
/* The copy engine's key for channel @chid given SET_COPY_KEY's @key. */
int gvrt_copy_key(const struct gvrt_secure *s, unsigned chid,
                  const uint8_t key[32], uint8_t out[32]);

/* Authorisations, each consuming the channel's next auth counter. */
void gvrt_mac_unmap(struct gvrt_secure *s, unsigned chid, uint64_t va,
                    uint64_t size, uint8_t mac[GV_TAG_LEN]);
void gvrt_mac_destroy(struct gvrt_secure *s, unsigned chid,
                      uint8_t mac[GV_TAG_LEN]);

#endif /* GVRT_SECURE_H */
