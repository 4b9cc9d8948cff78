/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test: the copy engine through the driver.  Host offsets in COPY
 * are offsets into the channel's mapped command buffer.  A normal channel
 * copies data in and out; a secure channel sets its copy key with an
 * authenticated command, copies ciphertext in with decryption (checked by
 * CH_MEASURE), sees a tampered copy refused, and copies out encrypted.
 */
#include <sys/random.h>

#include "graviton/gv_cmds.h"
#include "gv_crypto.h"
#include "gvrt_dev.h"
#include "gvrt_kernel.h"
#include "gvrt_secure.h"
#include "gvtest.h"

#define DATA_OFF (64u << 10)      /* data area of the command buffer */
#define OUT_OFF (128u << 10)

static uint32_t group(uint8_t *buf, const void *cmds, uint32_t n)
{
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC, .payload_len = n };

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), cmds, n);
    return sizeof(h) + n;
}

static struct gv_cmd_copy copy_cmd(uint32_t flags, uint64_t src, uint64_t dst,
                                   uint64_t size, const uint8_t *iv)
{
    struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) },
                             .flags = flags, .src = src, .dst = dst,
                             .size = size };

    if (iv) {
        memcpy(c.iv, iv, sizeof(c.iv));
    }
    return c;
}

static void normal_copy(void)
{
    struct gvrt_dev dev;
    struct gv_cmd_copy c[2];
    uint32_t h, err, n;
    uint64_t va;
    uint8_t *cb;

    printf("  -- normal channel\n");
    gvrt_dev_open(&dev, 0);
    CHECK(gvrt_chan_create(&dev, false, NULL, NULL, NULL, &h, NULL) == 0 &&
          gvrt_mem_alloc(&dev, h, 0, 32 << 10, &va, NULL, 0, NULL) == 0 &&
          (cb = gvrt_cmdbuf_map(&dev, h)) != NULL, "channel, memory, buffer");
    for (int i = 0; i < 20000; i++) {
        cb[DATA_OFF + i] = (uint8_t)(i * 7);
    }
    memset(cb + OUT_OFF, 0, 20000);
    c[0] = copy_cmd(GV_COPY_SRC_HOST, DATA_OFF, va + 100, 20000, NULL);
    c[1] = copy_cmd(GV_COPY_DST_HOST, va + 100, OUT_OFF, 20000, NULL);
    n = group(cb, c, sizeof(c));
    CHECK(gvrt_submit(&dev, h, 0, n, &err) == 0 && err == 0,
          "host -> device -> host (error %u)", err);
    CHECK(memcmp(cb + DATA_OFF, cb + OUT_OFF, 20000) == 0,
          "20000 bytes came back intact");
    c[0] = copy_cmd(GV_COPY_SRC_HOST, GRAVITON_CMDBUF_SIZE - 8, va, 16, NULL);
    n = group(cb, c, sizeof(c[0]));
    gvrt_submit(&dev, h, 0, n, &err);
    CHECK(err == GV_ERR_BAD_ADDRESS, "beyond the command buffer: refused "
          "(%u)", err);
    c[0] = copy_cmd(GV_COPY_SRC_HOST, DATA_OFF, va + (32 << 10) - 8, 16,
                    NULL);
    n = group(cb, c, sizeof(c[0]));
    gvrt_submit(&dev, h, 0, n, &err);
    CHECK(err == GV_ERR_FAULT, "beyond the allocation: fault (%u)", err);
    gvrt_cmdbuf_unmap(cb);
    gvrt_dev_close(&dev);
}

static void secure_copy(void)
{
    struct gvrt_dev dev;
    struct gvrt_secure s;
    struct graviton_ak_info ak;
    struct gv_pte_summary sum;
    struct gv_measurement m;
    struct gv_cmd_set_copy_key k = { .hdr = { GV_OP_SET_COPY_KEY,
                                              sizeof(k) } };
    struct gv_cmd_copy c;
    uint8_t key[32], raw[32], iv[12] = { 9 };
    uint8_t *cb, g[256], *pt = malloc(8192);
    uint32_t ch, n, cnt, err;
    uint64_t va;

    printf("  -- secure channel, copy engine crypto mode\n");
    gvrt_dev_open(&dev, 0);
    gvrt_dev_ak_info(&dev, &ak);
    gvrt_secure_init(&s);
    CHECK(gvrt_secure_channel(&dev, &s, ak.ak_pub, &ch, NULL) == 0,
          "secure channel, fence mapping reported");
    CHECK(gvrt_mem_alloc(&dev, ch, 0, 8192, &va, &sum, 1, &cnt) == 0 &&
          gvrt_summary_accept(&s, &sum, true) == 0, "secure memory");
    cb = gvrt_cmdbuf_map(&dev, ch);
    CHECK(cb != NULL, "command buffer");
    if (!cb) {
        return;
    }
    /* the engine's key is K_copy, bound to the channel's incarnation */
    getrandom(raw, sizeof(raw), 0);
    memcpy(k.key, raw, sizeof(raw));
    CHECK(gvrt_copy_key(&s, ch, raw, key) == 0, "copy key derived");
    n = gvrt_seal_group(&s, ch, &k, sizeof(k), g);
    memcpy(cb, g, n);
    CHECK(gvrt_submit(&dev, ch, 0, n, &err) == 0 && err == 0,
          "copy key set by an authenticated command");

    for (int i = 0; i < 8192; i++) {
        pt[i] = (uint8_t)(i * 31 + 7);
    }
    /* ciphertext || tag into the shared buffer; aad = destination */
    gvc_gcm_seal(key, iv, &va, 8, pt, 8192, cb + DATA_OFF,
                 cb + DATA_OFF + 8192);
    CHECK(memcmp(cb + DATA_OFF, pt, 64) != 0, "the driver sees ciphertext");
    c = copy_cmd(GV_COPY_SRC_HOST | GV_COPY_DECRYPT, DATA_OFF, va, 8192, iv);
    n = gvrt_seal_group(&s, ch, &c, sizeof(c), g);
    memcpy(cb, g, n);
    CHECK(gvrt_submit(&dev, ch, 0, n, &err) == 0 && err == 0,
          "decrypting copy into secure memory (%u)", err);
    CHECK(gvrt_measure(&dev, ch, va, 8192, &m) == 0 &&
          gvrt_measurement_accept(&s, ch, &m, va, pt, 8192) == 0,
          "secure memory holds the plaintext (keyed measurement)");

    /* the driver tampers with the ciphertext: refused */
    cb[DATA_OFF + 5] ^= 1;
    n = gvrt_seal_group(&s, ch, &c, sizeof(c), g);
    memcpy(cb, g, n);
    gvrt_submit(&dev, ch, 0, n, &err);
    CHECK(err == GV_ERR_DATA_AUTH, "tampered data refused (%u)", err);
    /* a refused decrypting copy leaves its destination zeroed, not the
     * unverified plaintext (docs/commands.md, the crypto mode) */
    {
        uint8_t *zero = calloc(1, 8192);

        CHECK(zero && gvrt_measure(&dev, ch, va, 8192, &m) == 0 &&
              gvrt_measurement_accept(&s, ch, &m, va, zero, 8192) == 0,
              "the refused copy left secure memory zeroed");
        free(zero);
    }
    /* the good ciphertext again */
    cb[DATA_OFF + 5] ^= 1;
    n = gvrt_seal_group(&s, ch, &c, sizeof(c), g);
    memcpy(cb, g, n);
    CHECK(gvrt_submit(&dev, ch, 0, n, &err) == 0 && err == 0,
          "the good ciphertext decrypted again (%u)", err);

    /* out again, encrypted */
    c = copy_cmd(GV_COPY_DST_HOST | GV_COPY_ENCRYPT, va, OUT_OFF, 8192, iv);
    n = gvrt_seal_group(&s, ch, &c, sizeof(c), g);
    memcpy(cb, g, n);
    CHECK(gvrt_submit(&dev, ch, 0, n, &err) == 0 && err == 0,
          "encrypting copy out");
    {
        uint8_t *back = malloc(8192);

        CHECK(gvc_gcm_open(key, iv, &va, 8, cb + OUT_OFF, 8192, back,
                           cb + OUT_OFF + 8192) == GVC_OK &&
              memcmp(back, pt, 8192) == 0, "the runtime decrypts it");
        free(back);
    }
    gvrt_cmdbuf_unmap(cb);
    gvrt_secure_fini(&s);
    gvrt_dev_close(&dev);
    free(pt);
}

int main(void)
{
    normal_copy();
    secure_copy();
    return gvtest_done();
}
