/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest test: processes are isolated, and a process killed in the middle
 * of a secure context is reclaimed.
 *
 * 1. Process A holds a channel; process B (its own file) cannot submit to
 *    it, map its command buffer, allocate or free through it, measure or
 *    destroy it.
 * 2. A child builds a secure context, writes a secret into protected
 *    memory and is killed with SIGKILL.  The driver reclaims its channels
 *    with unauthorised CH_DESTROY: the context disappears from debugfs,
 *    the protected memory returns to the allocator, and a new context that
 *    is handed the same pages measures them as zeros (scrubbed).  The GPU
 *    keeps serving.
 */
#include <signal.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "graviton/gv_cmds.h"
#include "gv_crypto.h"
#include "gvrt_dev.h"
#include "gvrt_kernel.h"
#include "gvrt_secure.h"
#include "gvtest.h"

#define STATE "/sys/kernel/debug/graviton/0000:01:00.0/state"
#define SECRET_SIZE (64u << 10)

static uint32_t fence_group(uint8_t *buf, uint64_t va, uint64_t value)
{
    struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC, .payload_len = 24 };
    struct gv_cmd_fence f = { .hdr = { GV_OP_FENCE, sizeof(f) }, .va = va,
                              .value = value };

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), &f, sizeof(f));
    return sizeof(h) + sizeof(f);
}

/* "protected (N free)" from debugfs, or 0. */
static unsigned long prot_free_kib(void)
{
    char buf[8192], *p;

    if (gvtest_read_file(STATE, buf, sizeof(buf))) {
        return 0;
    }
    p = strstr(buf, "KiB protected (");
    return p ? strtoul(p + strlen("KiB protected ("), NULL, 10) : 0;
}

static bool state_mentions(const char *needle)
{
    char buf[8192];

    return gvtest_read_file(STATE, buf, sizeof(buf)) == 0 &&
           strstr(buf, needle) != NULL;
}

static void isolation(void)
{
    struct gvrt_dev a, b;
    uint32_t ha, hb, err = 0;
    uint64_t fa, va, cur;
    struct gv_measurement m;
    uint8_t *cb;
    int r;

    printf("  -- isolation between files/processes\n");
    gvrt_dev_open(&a, 0);
    CHECK(gvrt_chan_create(&a, false, NULL, NULL, NULL, &ha, &fa) == 0,
          "A: channel %u", ha);
    CHECK(gvrt_mem_alloc(&a, ha, 0, 8192, &va, NULL, 0, NULL) == 0,
          "A: memory at 0x%" PRIx64, va);
    pid_t pid = fork();

    if (pid == 0) {
        /* process B */
        int bad = 0;

        gvrt_dev_open(&b, 0);
        bad |= gvrt_submit(&b, ha, 0, 40, &err) != -ENOENT;
        bad |= gvrt_cmdbuf_map(&b, ha) != NULL;
        bad |= gvrt_mem_alloc(&b, ha, 0, 4096, &va, NULL, 0, NULL) != -ENOENT;
        bad |= gvrt_mem_free(&b, ha, va, NULL, 0) != -ENOENT;
        bad |= gvrt_measure(&b, ha, va, 8, &m) != -ENOENT;
        bad |= gvrt_wait(&b, ha, 1, 10, NULL) != -ENOENT;
        bad |= gvrt_chan_destroy(&b, ha, NULL) != -ENOENT;
        /* B's own channel cannot reach A's virtual memory either */
        if (gvrt_chan_create(&b, false, NULL, NULL, NULL, &hb, NULL) == 0) {
            uint8_t *bcb = gvrt_cmdbuf_map(&b, hb);

            if (bcb) {
                uint32_t n = fence_group(bcb, va, 0xbad);

                gvrt_submit(&b, hb, 0, n, &err);
                bad |= err != GV_ERR_FAULT;
            }
        } else {
            bad = 1;
        }
        _exit(bad);
    }
    int status = 0;

    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "B cannot use A's channel or reach A's memory");
    cb = gvrt_cmdbuf_map(&a, ha);
    CHECK(cb != NULL, "A: command buffer");
    if (cb) {
        uint32_t n = fence_group(cb, fa, 5);

        r = gvrt_submit(&a, ha, 0, n, &err);
        CHECK(r == 0 && err == 0 && gvrt_wait(&a, ha, 5, 1000, &cur) == 0,
              "A still works after B");
        gvrt_cmdbuf_unmap(cb);
    }
    gvrt_dev_close(&a);
}

/* Build a secure context with SECRET_SIZE bytes of memory; returns the
 * device, channel, fence and memory addresses. */
static int secure_setup(struct gvrt_dev *dev, struct gvrt_secure *s,
                        uint32_t *h, uint64_t *fence, uint64_t *va)
{
    struct graviton_ak_info ak;
    struct gv_pte_summary sum;
    uint32_t ns;

    if (gvrt_dev_open(dev, 0) || gvrt_dev_ak_info(dev, &ak) ||
        gvrt_secure_init(s) ||
        gvrt_secure_channel(dev, s, ak.ak_pub, h, fence) ||
        gvrt_mem_alloc(dev, *h, 0, SECRET_SIZE, va, &sum, 1, &ns) ||
        gvrt_summary_accept(s, &sum, true)) {
        return -1;
    }
    return 0;
}

static void reclaim(void)
{
    int pipefd[2], status;
    unsigned long free_before, free_during, free_after;
    char ready, pidstr[64];
    pid_t pid;

    printf("  -- a process killed in a secure context\n");
    free_before = prot_free_kib();
    CHECK(free_before > 0, "debugfs: %lu KiB protected memory free",
          free_before);
    CHECK(pipe(pipefd) == 0, "pipe");
    pid = fork();
    if (pid == 0) {
        struct gvrt_dev dev;
        struct gvrt_secure s;
        uint32_t h, err = 1;
        uint64_t fence, va;
        uint8_t cmds[64 * 24 + 64], g[sizeof(cmds) + 64], *cb;
        uint32_t n = 0;

        if (secure_setup(&dev, &s, &h, &fence, &va) ||
            !(cb = gvrt_cmdbuf_map(&dev, h))) {
            _exit(1);
        }
        /* the secret: one word per 1 KiB of the buffer */
        for (uint64_t off = 0; off < SECRET_SIZE; off += 1024) {
            struct gv_cmd_fence f = { .hdr = { GV_OP_FENCE, sizeof(f) },
                                      .va = va + off,
                                      .value = 0x5ec2e75ec2e7ull + off };

            memcpy(cmds + n, &f, sizeof(f));
            n += sizeof(f);
        }
        n = gvrt_seal_group(&s, h, cmds, n, g);
        memcpy(cb, g, n);
        if (gvrt_submit(&dev, h, 0, n, &err) || err) {
            _exit(2);
        }
        write(pipefd[1], "r", 1);
        pause();        /* killed here, with everything open */
        _exit(0);
    }
    close(pipefd[1]);
    CHECK(read(pipefd[0], &ready, 1) == 1, "child wrote its secret");
    snprintf(pidstr, sizeof(pidstr), "context pid %d: secure", pid);
    CHECK(state_mentions(pidstr), "debugfs shows the child's context");
    free_during = prot_free_kib();
    CHECK(free_during < free_before, "its protected memory is in use "
          "(%lu KiB free)", free_during);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status), "child killed");
    CHECK(!state_mentions(pidstr), "its context is gone");
    free_after = prot_free_kib();
    CHECK(free_after == free_before, "protected memory reclaimed (%lu KiB "
          "free)", free_after);

    /* The same allocation sequence gets the same physical pages: they
     * must read as zeros. */
    {
        struct gvrt_dev dev;
        struct gvrt_secure s;
        struct gv_measurement m;
        uint32_t h;
        uint64_t fence, va;
        uint8_t *zeros = calloc(1, SECRET_SIZE);

        CHECK(secure_setup(&dev, &s, &h, &fence, &va) == 0,
              "a new secure context after the kill");
        CHECK(gvrt_measure(&dev, h, va, SECRET_SIZE, &m) == 0 &&
              gvrt_measurement_accept(&s, h, &m, va, zeros, SECRET_SIZE) == 0,
              "the pages the dead process held read as zeros (scrubbed)");
        free(zeros);
        gvrt_secure_fini(&s);
        gvrt_dev_close(&dev);
    }
    CHECK(prot_free_kib() == free_before, "and closing gives it back");
}

int main(void)
{
    isolation();
    reclaim();
    return gvtest_done();
}
