/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test: malformed ioctl arguments are refused with a precise errno
 * and never oops: wrong sizes, nonzero reserved/pad fields, bad handles,
 * overflowing ranges, bad pointers, bad mmap offsets; the AK certificate
 * can be installed only by root.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "graviton/gv_cmds.h"
#include "gvrt_dev.h"
#include "gvtest.h"

#define EXPECT(call, err, what)                                            \
    do {                                                                   \
        int r_ = (call);                                                   \
        CHECK(r_ == -(err), "%s: %s", what, strerror(-r_));                \
    } while (0)

int main(void)
{
    struct gvrt_dev dev;
    struct graviton_chan_create cc;
    struct graviton_mem_alloc ma;
    struct graviton_submit sb;
    struct graviton_wait w;
    struct graviton_measure me;
    struct graviton_chan_destroy cd;
    uint32_t h, err;
    uint64_t fence, va;
    void *p;

    CHECK(gvrt_dev_open(&dev, 0) == 0, "open");

    /* CHAN_CREATE */
    memset(&cc, 0, sizeof(cc));
    cc.flags = 0x80;
    EXPECT(gvrt_dev_ioctl(&dev, GRAVITON_IOC_CHAN_CREATE, &cc), EINVAL,
           "create: unknown flag");
    memset(&cc, 0, sizeof(cc));
    cc.reserved = 1;
    EXPECT(gvrt_dev_ioctl(&dev, GRAVITON_IOC_CHAN_CREATE, &cc), EINVAL,
           "create: nonzero reserved");
    memset(&cc, 0, sizeof(cc));
    cc.summary_ptr = 0x1000;
    EXPECT(gvrt_dev_ioctl(&dev, GRAVITON_IOC_CHAN_CREATE, &cc), EINVAL,
           "create: normal channel with a summary pointer");
    memset(&cc, 0, sizeof(cc));
    cc.nonce[3] = 1;
    EXPECT(gvrt_dev_ioctl(&dev, GRAVITON_IOC_CHAN_CREATE, &cc), EINVAL,
           "create: normal channel with a nonce");
    memset(&cc, 0, sizeof(cc));
    cc.flags = GRAVITON_CHAN_SECURE;
    cc.uk_pub[0] = 4;       /* not a point on the curve */
    cc.quote_ptr = 0x1000;
    EXPECT(gvrt_dev_ioctl(&dev, GRAVITON_IOC_CHAN_CREATE, &cc), EINVAL,
           "create: secure with a bad key");
    EXPECT(gvrt_dev_ioctl(&dev, _IOWR(GRAVITON_IOC_MAGIC, 0x10, uint64_t),
                          &va), ENOTTY, "create: wrong argument size");
    EXPECT(gvrt_dev_ioctl(&dev, GRAVITON_IOC_CHAN_CREATE, (void *)8), EFAULT,
           "create: bad pointer");

    CHECK(gvrt_chan_create(&dev, false, NULL, NULL, NULL, &h, &fence) == 0,
          "a good channel");

    /* MEM_ALLOC */
    EXPECT(gvrt_mem_alloc(&dev, h, 0, 0, &va, NULL, 0, NULL), EINVAL,
           "alloc: size 0");
    EXPECT(gvrt_mem_alloc(&dev, h, 0, ~0ull, &va, NULL, 0, NULL), EINVAL,
           "alloc: size 2^64-1");
    EXPECT(gvrt_mem_alloc(&dev, h, 0, 64ull << 30, &va, NULL, 0, NULL),
           EINVAL, "alloc: 64 GiB");
    EXPECT(gvrt_mem_alloc(&dev, h, 0, 1ull << 30, &va, NULL, 0, NULL),
           ENOMEM, "alloc: more than the device has");
    EXPECT(gvrt_mem_alloc(&dev, h, 0x100, 4096, &va, NULL, 0, NULL), EINVAL,
           "alloc: unknown flag");
    EXPECT(gvrt_mem_alloc(&dev, 99, 0, 4096, &va, NULL, 0, NULL), ENOENT,
           "alloc: bad handle");
    memset(&ma, 0, sizeof(ma));
    ma.handle = h;
    ma.size = 4096;
    ma.reserved[0] = 1;
    EXPECT(gvrt_dev_ioctl(&dev, GRAVITON_IOC_MEM_ALLOC, &ma), EINVAL,
           "alloc: nonzero reserved");

    /* MEM_FREE */
    EXPECT(gvrt_mem_free(&dev, h, 0x12345000, NULL, 0), ENOENT,
           "free: unknown address");
    CHECK(gvrt_mem_alloc(&dev, h, 0, 4096, &va, NULL, 0, NULL) == 0,
          "a good allocation");
    EXPECT(gvrt_mem_free(&dev, h, va, NULL, 3), EINVAL,
           "free: MACs for a normal context");
    {
        struct graviton_mem_free mf = { .handle = h, .va = va,
                                        .summaries_count = 1 };

        EXPECT(gvrt_dev_ioctl(&dev, GRAVITON_IOC_MEM_FREE, &mf), EINVAL,
               "free: nonzero summaries_count on input");
    }

    /* SUBMIT */
    memset(&sb, 0, sizeof(sb));
    sb.handle = h;
    sb.len = 40;
    sb.offset = GRAVITON_CMDBUF_SIZE;
    EXPECT(gvrt_dev_ioctl(&dev, GRAVITON_IOC_SUBMIT, &sb), EINVAL,
           "submit: offset beyond the buffer");
    sb.offset = GRAVITON_CMDBUF_SIZE - 8;
    EXPECT(gvrt_dev_ioctl(&dev, GRAVITON_IOC_SUBMIT, &sb), EINVAL,
           "submit: range beyond the buffer");
    sb.offset = 8;
    sb.len = 0xfffffff8u;
    EXPECT(gvrt_dev_ioctl(&dev, GRAVITON_IOC_SUBMIT, &sb), EINVAL,
           "submit: overflowing length");
    sb.offset = 4;
    sb.len = 40;
    EXPECT(gvrt_dev_ioctl(&dev, GRAVITON_IOC_SUBMIT, &sb), EINVAL,
           "submit: misaligned offset");
    sb.offset = 0;
    sb.flags = 2;
    EXPECT(gvrt_dev_ioctl(&dev, GRAVITON_IOC_SUBMIT, &sb), EINVAL,
           "submit: an unknown flag");
    EXPECT(gvrt_submit(&dev, 77, 0, 40, &err), ENOENT, "submit: bad handle");
    /* garbage in the buffer: the device refuses, the ioctl reports it */
    p = gvrt_cmdbuf_map(&dev, h);
    CHECK(p != NULL, "mmap the command buffer");
    if (p) {
        memset(p, 0xa5, 64);
        CHECK(gvrt_submit(&dev, h, 0, 64, &err) == 0 &&
              err == GV_ERR_BAD_GROUP, "submit garbage: device error %u",
              err);
        gvrt_cmdbuf_unmap(p);
    }

    /* mmap */
    p = mmap(NULL, GRAVITON_CMDBUF_SIZE * 2, PROT_READ | PROT_WRITE,
             MAP_SHARED, dev.fd, (off_t)h * GRAVITON_CMDBUF_SIZE);
    CHECK(p == MAP_FAILED, "mmap: larger than the buffer refused");
    p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, dev.fd,
             (off_t)h * GRAVITON_CMDBUF_SIZE + 4096);
    CHECK(p == MAP_FAILED, "mmap: offset inside a buffer refused");
    p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, dev.fd,
             (off_t)60 * GRAVITON_CMDBUF_SIZE);
    CHECK(p == MAP_FAILED, "mmap: unknown channel refused");

    /* WAIT, MEASURE, DESTROY */
    memset(&w, 0, sizeof(w));
    w.handle = h;
    w.current_value = 3;
    EXPECT(gvrt_dev_ioctl(&dev, GRAVITON_IOC_WAIT, &w), EINVAL,
           "wait: nonzero output field");
    EXPECT(gvrt_wait(&dev, h, 1, 20, NULL), ETIMEDOUT, "wait: times out");
    memset(&me, 0, sizeof(me));
    me.handle = h;
    me.pad = 1;
    EXPECT(gvrt_dev_ioctl(&dev, GRAVITON_IOC_MEASURE, &me), EINVAL,
           "measure: nonzero pad");
    me.pad = 0;
    me.size = 8;
    me.va = va;
    EXPECT(gvrt_dev_ioctl(&dev, GRAVITON_IOC_MEASURE, &me), EINVAL,
           "measure: normal channel (device: not secure)");
    memset(&cd, 0, sizeof(cd));
    cd.handle = h;
    cd.flags = 2;
    EXPECT(gvrt_dev_ioctl(&dev, GRAVITON_IOC_CHAN_DESTROY, &cd), EINVAL,
           "destroy: unknown flag");

    /* AK certificate: root only, bounded, round trip */
    {
        uint8_t cert[100], back[200];
        uint32_t len = sizeof(back);
        struct graviton_blob b = { .ptr = (uintptr_t)cert, .len = 0 };

        memset(cert, 0x30, sizeof(cert));
        EXPECT(gvrt_dev_ioctl(&dev, GRAVITON_IOC_SET_AK_CERT, &b), EINVAL,
               "AK cert: empty");
        b.len = GRAVITON_AK_CERT_MAX + 1;
        EXPECT(gvrt_dev_ioctl(&dev, GRAVITON_IOC_SET_AK_CERT, &b), EINVAL,
               "AK cert: too large");
        CHECK(gvrt_dev_set_ak_cert(&dev, cert, sizeof(cert)) == 0,
              "AK cert: root installs it");
        len = 10;
        EXPECT(gvrt_dev_get_ak_cert(&dev, back, &len), ENOSPC,
               "AK cert: buffer too small");
        CHECK(len == sizeof(cert), "AK cert: size reported (%u)", len);
        len = sizeof(back);
        CHECK(gvrt_dev_get_ak_cert(&dev, back, &len) == 0 &&
              len == sizeof(cert) && !memcmp(back, cert, len),
              "AK cert: read back");
        pid_t pid = fork();

        if (pid == 0) {
            setuid(65534);
            _exit(gvrt_dev_set_ak_cert(&dev, cert, sizeof(cert)) == -EPERM ?
                  0 : 1);
        }
        int status;

        waitpid(pid, &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "AK cert: refused to an unprivileged user");
    }

    CHECK(gvrt_chan_destroy(&dev, h, NULL) == 0, "destroy");
    gvrt_dev_close(&dev);
    CHECK(gvtest_kernel_clean(), "no kernel warnings");
    return gvtest_done();
}
