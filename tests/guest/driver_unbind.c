/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test: the device is unbound (sysfs) while a process has a context
 * open, a command buffer mapped and another process waits on a fence.
 * The waiter returns ENODEV at once, every later call ENODEV, closing is
 * clean (no oops), and binding again gives a working device.
 */
#include <fcntl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gvrt_dev.h"
#include "gvtest.h"

#define PCI_NAME "0000:01:00.0"

static int sysfs_write(const char *path, const char *val)
{
    int fd = open(path, O_WRONLY);
    ssize_t n;

    if (fd < 0) {
        return -errno;
    }
    n = write(fd, val, strlen(val));
    close(fd);
    return n == (ssize_t)strlen(val) ? 0 : -errno;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
    struct gvrt_dev dev;
    uint32_t h, err;
    uint64_t fence, va;
    void *cb;
    pid_t waiter;
    int status, r;

    CHECK(gvrt_dev_open(&dev, 0) == 0, "open");
    CHECK(gvrt_chan_create(&dev, false, NULL, NULL, NULL, &h, &fence) == 0,
          "channel");
    CHECK(gvrt_mem_alloc(&dev, h, 0, 1 << 20, &va, NULL, 0, NULL) == 0,
          "1 MiB of device memory");
    cb = gvrt_cmdbuf_map(&dev, h);
    CHECK(cb != NULL, "command buffer mapped");

    waiter = fork();
    if (waiter == 0) {
        double t0 = now();
        int w = gvrt_wait(&dev, h, 1000, 60000, NULL);

        /* woken by the removal, long before the timeout */
        _exit(w == -ENODEV && now() - t0 < 20 ? 0 : 1);
    }
    usleep(300000);
    r = sysfs_write("/sys/bus/pci/drivers/graviton/unbind", PCI_NAME);
    CHECK(r == 0, "unbind with files open: %s", strerror(-r));
    waitpid(waiter, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "the waiter got ENODEV at once");
    CHECK(access("/dev/graviton0", F_OK) != 0, "/dev/graviton0 gone");
    r = gvrt_submit(&dev, h, 0, 40, &err);
    CHECK(r == -ENODEV, "submit after unbind: %s", strerror(-r));
    r = gvrt_mem_alloc(&dev, h, 0, 4096, &va, NULL, 0, NULL);
    CHECK(r == -ENODEV, "alloc after unbind: %s", strerror(-r));
    CHECK(gvrt_cmdbuf_map(&dev, h) == NULL, "mmap after unbind refused");
    if (cb) {
        memset(cb, 0, 64);      /* the old mapping is still ours to use */
        gvrt_cmdbuf_unmap(cb);
    }
    gvrt_dev_close(&dev);       /* reclaim without the hardware */

    r = sysfs_write("/sys/bus/pci/drivers/graviton/bind", PCI_NAME);
    CHECK(r == 0, "bind again: %s", strerror(-r));
    CHECK(gvrt_dev_open(&dev, 0) == 0, "open the new device");
    CHECK(gvrt_chan_create(&dev, false, NULL, NULL, NULL, &h, &fence) == 0 &&
          gvrt_mem_alloc(&dev, h, 0, 1 << 20, &va, NULL, 0, NULL) == 0,
          "it works: channel and memory");
    gvrt_dev_close(&dev);
    CHECK(gvtest_kernel_clean(), "no kernel warnings");
    return gvtest_done();
}
