/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sample: one secure context, start to end, with every check the trusted
 * runtime makes because the driver is not trusted.
 *
 *   gv-secure-hello [CA.crt]
 *
 * With CA.crt the AK is taken from the certificate the driver relays (see
 * gv-attest); without, from the device's AK info, checked against its EK.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "graviton/gv_cmds.h"
#include "gv_crypto.h"
#include "gvrt_dev.h"
#include "gvrt_kernel.h"
#include "gvrt_secure.h"

#define STEP(...) printf("  " __VA_ARGS__)

static int fail(const char *what, int r)
{
    fprintf(stderr, "gv-secure-hello: %s: %s\n", what,
            r < 0 ? strerror(-r) : "check failed");
    return 1;
}

/* The AK the runtime will trust: certified, or endorsed by the EK. */
static int trusted_ak(struct gvrt_dev *dev, const char *ca_path,
                      uint8_t ak_pub[GV_EC_PUB_LEN])
{
    struct graviton_ak_info ak;
    int r = gvrt_dev_ak_info(dev, &ak);

    if (r) {
        return r;
    }
    if (ca_path) {
        uint8_t ca[GRAVITON_AK_CERT_MAX], cert[GRAVITON_AK_CERT_MAX];
        size_t ca_len = sizeof(ca);
        uint32_t cert_len = sizeof(cert);

        if (gvc_x509_load(ca_path, ca, &ca_len) != GVC_OK ||
            gvrt_dev_get_ak_cert(dev, cert, &cert_len) ||
            gvrt_ak_cert_verify(ca, ca_len, cert, cert_len, ak_pub)) {
            return -EBADMSG;
        }
        STEP("AK certificate verified under %s\n", ca_path);
        return 0;
    }
    if (gvrt_ak_endorsed(ak.ek_pub, ak.fw_version, ak.ak_pub, ak.ak_sig)) {
        return -EBADMSG;
    }
    memcpy(ak_pub, ak.ak_pub, GV_EC_PUB_LEN);
    STEP("AK endorsed by the device's EK (no CA given)\n");
    return 0;
}

int main(int argc, char **argv)
{
    struct gvrt_dev dev;
    struct gvrt_secure s;
    struct gvrt_stream st;
    struct gv_pte_summary sum;
    struct gv_measurement m;
    uint8_t ak_pub[GV_EC_PUB_LEN], mac[GV_TAG_LEN];
    uint8_t cmds[4 * sizeof(struct gv_cmd_fence)];
    void *cb;
    uint64_t fence, va, words[3] = { 0x48656c6c6f, 0x7365637572, 0x65 };
    uint32_t ch, n, count, err;
    int r;

    printf("secure hello\n");
    if ((r = gvrt_dev_open(&dev, 0)) ||
        (r = trusted_ak(&dev, argc > 1 ? argv[1] : NULL, ak_pub))) {
        return fail("attestation key", r);
    }
    if (gvrt_secure_init(&s)) {
        return fail("user key", -EIO);
    }
    if ((r = gvrt_secure_channel(&dev, &s, ak_pub, &ch, &fence))) {
        return fail("secure channel", r);
    }
    STEP("secure channel %u (incarnation %llu): quote verified, CEK "
         "unwrapped, fence mapping reported\n", ch,
         (unsigned long long)s.incarnation[ch]);

    r = gvrt_mem_alloc(&dev, ch, 0, 4096, &va, &sum, 1, &count);
    if (r || count != 1 || gvrt_summary_accept(&s, &sum, true)) {
        return fail("secure memory", r ? r : -EBADMSG);
    }
    STEP("secure memory at 0x%llx: summary MAC ok, %u of %u pages "
         "protected\n", (unsigned long long)va, sum.n, sum.k);

    /* an encrypted group: three words into secure memory, then the fence */
    n = 0;
    for (int i = 0; i < 4; i++) {
        struct gv_cmd_fence f = { .hdr = { GV_OP_FENCE, sizeof(f) },
                                  .va = i < 3 ? va + 8 * i : fence,
                                  .value = i < 3 ? words[i] : 1 };

        memcpy(cmds + n, &f, sizeof(f));
        n += sizeof(f);
    }
    if ((r = gvrt_cmdbuf_map_err(&dev, ch, &cb))) {
        return fail("command buffer", r);
    }
    n = gvrt_seal_group(&s, ch, cmds, n, cb);
    if ((r = gvrt_submit(&dev, ch, 0, n, &err)) || err ||
        (r = gvrt_wait(&dev, ch, 1, 1000, NULL))) {
        return fail("encrypted group", r ? r : -EIO);
    }
    STEP("encrypted command group ran (fence reached)\n");
    gvrt_submit(&dev, ch, 0, n, &err);
    STEP("the same group replayed by the driver: device says %s\n",
         err == GV_ERR_AUTH ? "authentication failed (refused)" : "??");
    if (err != GV_ERR_AUTH) {
        return fail("replay was not refused", -EBADMSG);
    }

    /* a keyed digest: only the runtime can tell what it is of */
    if ((r = gvrt_measure(&dev, ch, va, sizeof(words), &m)) ||
        gvrt_measurement_accept(&s, ch, &m, va, words, sizeof(words))) {
        return fail("measure", r ? r : -EBADMSG);
    }
    STEP("CH_MEASURE: the device holds exactly what the runtime wrote\n");

    /* free the way that cannot leak: cleared, then unmapped with the
     * runtime's MAC, the unmap's summary checked */
    if ((r = gvrt_stream_open(&st, &dev, ch, &s, fence)) ||
        (r = gvrt_free(&st, va, 4096))) {
        return fail("free", r);
    }
    STEP("memory cleared, freed with the runtime's unmap MAC\n");
    gvrt_stream_close(&st);
    gvrt_mac_destroy(&s, ch, mac);
    if ((r = gvrt_chan_destroy(&dev, ch, mac))) {
        return fail("destroy", r);
    }
    STEP("channel destroyed with the runtime's MAC\n");
    gvrt_cmdbuf_unmap(cb);
    gvrt_secure_fini(&s);
    gvrt_dev_close(&dev);
    printf("secure hello: ok\n");
    return 0;
}
