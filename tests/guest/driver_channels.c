/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test: the driver creates normal and secure channels, allocates and
 * frees memory of both page sizes through CH_PDE/CH_PTE, submits work and
 * waits for fences; the runtime side checks quotes, summaries and
 * measurements, and the device refuses replayed or tampered groups and
 * unauthorised unmaps.
 */
#include <sys/random.h>

#include "graviton/gv_cmds.h"
#include "graviton/gv_regs.h"
#include "gv_crypto.h"
#include "gvrt_dev.h"
#include "gvrt_kernel.h"
#include "gvrt_secure.h"
#include "gvtest.h"

static uint32_t put_fence(uint8_t *buf, uint64_t va, uint64_t value)
{
    struct gv_cmd_fence f = { .hdr = { GV_OP_FENCE, sizeof(f) }, .va = va,
                              .value = value };

    memcpy(buf, &f, sizeof(f));
    return sizeof(f);
}

/* Plaintext group of @n bytes of commands at the start of @cmdbuf. */
static uint32_t plain_group(uint8_t *cmdbuf, const uint8_t *cmds, uint32_t n)
{
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC, .payload_len = n };

    memcpy(cmdbuf, &h, sizeof(h));
    memcpy(cmdbuf + sizeof(h), cmds, n);
    return sizeof(h) + n;
}

static void normal_context(void)
{
    struct gvrt_dev dev;
    uint32_t h1, h2, err, n;
    uint64_t fence, fence2, va_small, va_big, cur = 0;
    uint8_t cmds[128], *cb, *cb2;
    int r;

    printf("  -- normal context\n");
    CHECK(gvrt_dev_open(&dev, 0) == 0, "open");
    r = gvrt_chan_create(&dev, false, NULL, NULL, NULL, &h1, &fence);
    CHECK(r == 0, "normal channel: %s (handle %u, fence va 0x%" PRIx64 ")",
          strerror(-r), h1, fence);
    r = gvrt_mem_alloc(&dev, h1, 0, 3 * 4096 + 100, &va_small, NULL, 0, NULL);
    CHECK(r == 0 && va_small, "alloc small pages: %s va 0x%" PRIx64,
          strerror(-r), va_small);
    r = gvrt_mem_alloc(&dev, h1, GRAVITON_MEM_BIG, 256 << 10, &va_big, NULL,
                       0, NULL);
    CHECK(r == 0 && va_big % (128 << 10) == 0,
          "alloc big pages: %s va 0x%" PRIx64, strerror(-r), va_big);

    cb = gvrt_cmdbuf_map(&dev, h1);
    CHECK(cb != NULL, "mmap the command buffer");
    if (!cb) {
        return;
    }
    n = put_fence(cmds, va_small + 3 * 4096 + 8, 0x1111);
    n += put_fence(cmds + n, va_big + (200 << 10), 0x2222);
    n += put_fence(cmds + n, fence, 1);
    n = plain_group(cb, cmds, n);
    r = gvrt_submit(&dev, h1, 0, n, &err);
    CHECK(r == 0 && err == 0, "submit fences: %s, device error %u",
          strerror(-r), err);
    r = gvrt_wait(&dev, h1, 1, 1000, &cur);
    CHECK(r == 0 && cur == 1, "fence reached: %s (%" PRIu64 ")",
          strerror(-r), cur);
    r = gvrt_wait(&dev, h1, 2, 50, &cur);
    CHECK(r == -ETIMEDOUT, "waiting for a value never written times out");

    /* a fault: an unmapped address stops the group with an error */
    n = put_fence(cmds, va_big + (1 << 30), 5);
    n = plain_group(cb, cmds, n);
    r = gvrt_submit(&dev, h1, 0, n, &err);
    CHECK(r == 0 && err == GV_ERR_FAULT, "unmapped address faults (%u)", err);

    /* a stream of the same context shares the address space */
    r = gvrt_chan_create(&dev, false, NULL, NULL, NULL, &h2, &fence2);
    CHECK(r == 0 && h2 != h1, "second stream: %s", strerror(-r));
    cb2 = gvrt_cmdbuf_map(&dev, h2);
    CHECK(cb2 != NULL, "its command buffer");
    if (cb2) {
        n = put_fence(cmds, va_small, 0x3333);
        n += put_fence(cmds + n, fence2, 9);
        n = plain_group(cb2, cmds, n);
        r = gvrt_submit(&dev, h2, 0, n, &err);
        CHECK(r == 0 && err == 0, "the stream reaches the first stream's "
              "memory (error %u)", err);
        CHECK(gvrt_wait(&dev, h2, 9, 1000, NULL) == 0, "stream fence");
        gvrt_cmdbuf_unmap(cb2);
    }
    /* a secure channel in a normal context is refused */
    {
        uint8_t pub[GV_EC_PUB_LEN] = { 4 }, nonce[GV_NONCE_LEN] = { 0 };
        struct gv_quote q;
        uint32_t h3;

        r = gvrt_chan_create(&dev, true, pub, nonce, &q, &h3, NULL);
        CHECK(r == -EINVAL, "secure channel in a normal context: %s",
              strerror(-r));
    }
    r = gvrt_mem_free(&dev, h1, va_small, NULL, 0);
    CHECK(r == 0, "free small: %s", strerror(-r));
    r = gvrt_mem_free(&dev, h1, va_big, NULL, 0);
    CHECK(r == 0, "free big: %s", strerror(-r));
    r = gvrt_mem_free(&dev, h1, va_big, NULL, 0);
    CHECK(r == -ENOENT, "free twice: %s", strerror(-r));
    CHECK(gvrt_chan_destroy(&dev, h2, NULL) == 0, "destroy stream");
    CHECK(gvrt_chan_destroy(&dev, h1, NULL) == 0, "destroy channel");
    CHECK(gvrt_chan_destroy(&dev, h1, NULL) == -ENOENT, "destroy twice");
    /* the mapping outlives the channel: the buffer stays ours until
     * munmap (the driver must not free it under us) */
    memset(cb, 0x5a, GRAVITON_CMDBUF_SIZE);
    CHECK(cb[GRAVITON_CMDBUF_SIZE - 1] == 0x5a,
          "command buffer still usable after its channel is gone");
    gvrt_cmdbuf_unmap(cb);
    gvrt_dev_close(&dev);
}

static void secure_context(void)
{
    struct gvrt_dev dev;
    struct gvrt_secure s;
    struct graviton_ak_info ak;
    struct gv_quote q;
    struct gv_pte_summary sums[4], bsums[4], fsum, usums[4];
    struct gv_measurement m;
    uint8_t nonce[GV_NONCE_LEN], cmds[128], g[192], *cb;
    uint8_t macs[4][GV_TAG_LEN], h[GV_HASH_LEN];
    uint32_t nu;
    uint32_t hch, h2, err, n, ns = 0, nb = 0;
    uint64_t fence, va, vb;
    int r;

    printf("  -- secure context\n");
    CHECK(gvrt_dev_open(&dev, 0) == 0, "open");
    r = gvrt_dev_ak_info(&dev, &ak);
    CHECK(r == 0 && (ak.status & (GV_ATTEST_EK | GV_ATTEST_AK)) ==
          (GV_ATTEST_EK | GV_ATTEST_AK), "AK info (status 0x%x)", ak.status);
    CHECK(gvrt_ak_endorsed(ak.ek_pub, ak.fw_version, ak.ak_pub,
                           ak.ak_sig) == 0, "the EK endorses the AK");
    CHECK(gvrt_secure_init(&s) == 0, "UK key pair");
    getrandom(nonce, sizeof(nonce), 0);
    r = gvrt_chan_create_sum(&dev, true, s.uk_pub, nonce, &q, &fsum, &hch,
                             &fence);
    CHECK(r == 0, "secure channel: %s (handle %u)", strerror(-r), hch);
    CHECK(gvrt_quote_accept(&s, &q, ak.ak_pub, nonce) == 0,
          "quote verified, CEK unwrapped (incarnation %llu)",
          (unsigned long long)q.incarnation);
    CHECK(gvrt_summary_accept(&s, &fsum, false) == 0 && fsum.k == 1 &&
          fsum.n == 0, "the fence page's mapping reported (report 0)");
    {
        uint8_t other[GV_NONCE_LEN] = { 1 };
        struct gvrt_secure s2 = s;

        CHECK(gvrt_quote_accept(&s2, &q, ak.ak_pub, other) != 0,
              "the quote does not pass for another nonce (replay)");
    }

    r = gvrt_mem_alloc(&dev, hch, 0, 64 << 10, &va, sums, 4, &ns);
    CHECK(r == 0 && ns == 1, "secure alloc small: %s, %u summaries",
          strerror(-r), ns);
    CHECK(ns && gvrt_summary_accept(&s, &sums[0], true) == 0 &&
          sums[0].k == 16, "summary: MAC, freshness, n == k == 16");
    r = gvrt_mem_alloc(&dev, hch, GRAVITON_MEM_BIG, 256 << 10, &vb, bsums, 4,
                       &nb);
    CHECK(r == 0 && nb == 1, "secure alloc big: %s", strerror(-r));
    CHECK(nb && gvrt_summary_accept(&s, &bsums[0], true) == 0 &&
          bsums[0].k == 2, "big summary: n == k == 2");
    CHECK(gvrt_mem_alloc(&dev, hch, 0, 4096, &vb, sums + 1, 0, NULL) ==
          -ENOSPC, "no room for the summaries: refused");

    cb = gvrt_cmdbuf_map(&dev, hch);
    CHECK(cb != NULL, "mmap the command buffer");
    if (!cb) {
        return;
    }
    n = put_fence(cmds, va, 0x1234);
    n += put_fence(cmds + n, va + 8, 0x5678);
    n += put_fence(cmds + n, fence, 7);
    n = gvrt_seal_group(&s, hch, cmds, n, g);
    memcpy(cb, g, n);
    r = gvrt_submit(&dev, hch, 0, n, &err);
    CHECK(r == 0 && err == 0, "encrypted group runs (error %u)", err);
    CHECK(gvrt_wait(&dev, hch, 7, 1000, NULL) == 0, "fence 7");
    r = gvrt_submit(&dev, hch, 0, n, &err);
    CHECK(r == 0 && err == GV_ERR_AUTH, "the same group replayed: refused "
          "(error %u)", err);
    cb[20] ^= 1;
    r = gvrt_submit(&dev, hch, 0, n, &err);
    CHECK(err == GV_ERR_AUTH, "a tampered group: refused (error %u)", err);
    n = plain_group(cb, cmds, 24);
    gvrt_submit(&dev, hch, 0, n, &err);
    CHECK(err == GV_ERR_AUTH, "a plaintext group: refused (error %u)", err);

    /* CH_MEASURE: what the fences wrote */
    r = gvrt_measure(&dev, hch, va, 16, &m);
    CHECK(r == 0, "measure: %s", strerror(-r));
    {
        uint64_t want[2] = { 0x1234, 0x5678 };

        gvc_sha256(want, sizeof(want), h);
        CHECK(memcmp(h, m.digest, GV_HASH_LEN) != 0,
              "the digest is keyed: not the plain SHA-256 (attack 14)");
        CHECK(gvrt_measurement_accept(&s, hch, &m, va, want,
                                      sizeof(want)) == 0,
              "measurement: MAC, freshness, keyed digest matches");
    }

    /* a second stream: same UK, same CEK */
    r = gvrt_secure_channel(&dev, &s, ak.ak_pub, &h2, NULL);
    CHECK(r == 0, "secure stream: same context key");
    {
        struct gvrt_secure other;
        uint32_t h3;

        gvrt_secure_init(&other);
        r = gvrt_chan_create(&dev, true, other.uk_pub, nonce, &q, &h3, NULL);
        CHECK(r == -EINVAL, "another UK in this context: %s", strerror(-r));
        gvrt_secure_fini(&other);
    }

    /* unmapping needs the runtime's MACs */
    memset(macs, 0x77, sizeof(macs));
    r = gvrt_mem_free_sum(&dev, hch, va, (const uint8_t (*)[16])macs, 1,
                          usums, 4, &nu);
    CHECK(r == -EACCES && nu == 0, "free with a forged MAC: %s",
          strerror(-r));
    r = gvrt_mem_free(&dev, hch, va, NULL, 0);
    CHECK(r == -EINVAL, "free without MACs: %s", strerror(-r));
    gvrt_mac_unmap(&s, sums[0].chid, sums[0].va, 16 * 4096ull, macs[0]);
    r = gvrt_mem_free(&dev, hch, va, (const uint8_t (*)[16])macs, 1);
    CHECK(r == -ENOSPC, "free without room for the unmap's summary: %s",
          strerror(-r));
    r = gvrt_mem_free_sum(&dev, hch, va, (const uint8_t (*)[16])macs, 1,
                          usums, 4, &nu);
    CHECK(r == 0 && nu == 1 && gvrt_summary_accept(&s, &usums[0], false) ==
          0 && usums[0].k == 0, "free with the runtime's MAC, the unmap "
          "reported: %s", strerror(-r));
    gvrt_mac_unmap(&s, bsums[0].chid, bsums[0].va, 2 * (128 << 10), macs[0]);
    r = gvrt_mem_free_sum(&dev, hch, vb, (const uint8_t (*)[16])macs, 1,
                          usums, 4, &nu);
    CHECK(r == 0 && nu == 1 && gvrt_summary_accept(&s, &usums[0], false) ==
          0, "free big with the runtime's MAC: %s", strerror(-r));

    /* destroy: a wrong MAC is refused, the right one works */
    memset(macs[0], 1, GV_TAG_LEN);
    CHECK(gvrt_chan_destroy(&dev, h2, macs[0]) == -EBADMSG,
          "destroy with a forged MAC refused");
    gvrt_mac_destroy(&s, h2, macs[0]);
    CHECK(gvrt_chan_destroy(&dev, h2, macs[0]) == 0, "authorised destroy");
    gvrt_mac_destroy(&s, hch, macs[0]);
    CHECK(gvrt_chan_destroy(&dev, hch, macs[0]) == 0, "authorised destroy");
    gvrt_cmdbuf_unmap(cb);
    gvrt_secure_fini(&s);
    gvrt_dev_close(&dev);
}

int main(void)
{
    normal_context();
    secure_context();
    return gvtest_done();
}
