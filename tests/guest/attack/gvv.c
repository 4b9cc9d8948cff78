/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The attack suite's victim: a secure context through the honest driver
 * and the trusted runtime.  See gvv.h. */
#include "gvv.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gvrt_dev.h"
#include "gvrt_kernel.h"
#include "gvrt_secure.h"

struct gvv_req {
    uint32_t cmd, stream;
    uint64_t arg;
    uint32_t len, pad;
    uint8_t data[GVV_DATA_MAX];
};

static int xfer(int fd, void *buf, size_t len, bool wr)
{
    uint8_t *p = buf;

    while (len) {
        ssize_t n = wr ? write(fd, p, len) : read(fd, p, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -EPIPE;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* ---- the victim process ---- */

struct victim {
    struct gvrt_dev dev;
    struct gvrt_secure s;
    struct gvrt_stream st[GVV_MAX_STREAMS];
    struct gvv_info info;
    uint8_t nonce[GV_NONCE_LEN];
    uint8_t *pattern;
};

static void fill(struct victim *v)
{
    for (uint64_t i = 0; i < v->info.size; i++) {
        v->pattern[i] = v->info.secret[i % GVV_SECRET_LEN];
    }
}

/* gvrt_secure_channel(), keeping the quote (the driver sees it anyway):
 * the attacker replays it in attack 11. */
static int secure_channel(struct victim *v, unsigned i)
{
    struct gv_quote *q = &v->info.quote[i];
    struct gv_pte_summary sum;
    uint8_t nonce[GV_NONCE_LEN];
    uint32_t *ch = &v->info.chid[i];
    uint64_t *fva = &v->info.fence_va[i];
    int r;

    getrandom(nonce, sizeof(nonce), 0);
    r = gvrt_chan_create_sum(&v->dev, true, v->s.uk_pub, nonce, q, &sum, ch,
                             fva);
    if (r) {
        return r;
    }
    if (gvrt_quote_accept(&v->s, q, v->info.ak_pub, nonce) != 0 ||
        q->chid != *ch || sum.chid != *ch || sum.k != 1 || sum.n != 0 ||
        sum.va != (*fva & ~(uint64_t)(GV_PAGE_SIZE - 1)) ||
        gvrt_summary_accept(&v->s, &sum, false) != 0) {
        gvrt_chan_destroy(&v->dev, *ch, NULL);
        return -EPERM;
    }
    return 0;
}

static int open_stream(struct victim *v, unsigned i)
{
    int r;

    if (i >= GVV_MAX_STREAMS) {
        return -EINVAL;
    }
    r = secure_channel(v, i);
    if (r == 0) {
        r = gvrt_stream_open(&v->st[i], &v->dev, v->info.chid[i], &v->s,
                             v->info.fence_va[i]);
    }
    v->st[i].timeout_ms = 5000;
    if (i >= v->info.nstreams) {
        v->info.nstreams = i + 1;
    }
    return r;
}

static int setup(struct victim *v, unsigned nstreams)
{
    struct graviton_ak_info ak;
    int r;

    if ((r = gvrt_dev_open(&v->dev, 0)) || (r = gvrt_dev_ak_info(&v->dev,
                                                                 &ak))) {
        return r;
    }
    if (gvrt_ak_endorsed(ak.ek_pub, ak.fw_version, ak.ak_pub, ak.ak_sig) ||
        gvrt_secure_init(&v->s)) {
        return -EPERM;
    }
    memcpy(v->info.ak_pub, ak.ak_pub, GV_EC_PUB_LEN);
    memcpy(v->info.uk_pub, v->s.uk_pub, GV_EC_PUB_LEN);
    for (unsigned i = 0; i < nstreams; i++) {
        if ((r = open_stream(v, i)) != 0) {
            return r;
        }
    }
    return 0;
}

static int do_secret(struct victim *v, uint64_t size)
{
    int r;

    free(v->pattern);
    v->pattern = malloc(size);
    if (!v->pattern) {
        return -ENOMEM;
    }
    v->info.size = size;
    getrandom(v->info.secret, sizeof(v->info.secret), 0);
    fill(v);
    r = gvrt_malloc(&v->st[0], size, &v->info.va);
    return r ? r : gvrt_memcpy_htod(&v->st[0], v->info.va, v->pattern, size);
}

static int do_check(struct victim *v, struct gvrt_stream *st)
{
    uint8_t *b = malloc(v->info.size);
    int r;

    if (!b) {
        return -ENOMEM;
    }
    r = gvrt_memcpy_dtoh(st, b, v->info.va, v->info.size);
    if (r == 0 && memcmp(b, v->pattern, v->info.size) != 0) {
        r = -EBADMSG;
    }
    free(b);
    return r;
}

static int do_seal(struct gvrt_stream *st, struct gvrt_secure *s,
                   uint64_t n, struct gvv_reply *rep)
{
    uint32_t off = 0;

    for (uint64_t k = 0; k < n; k++) {
        struct gv_cmd_fence f = { .hdr = { GV_OP_FENCE, sizeof(f) },
                                  .va = st->fence_va,
                                  .value = st->seq + 1 + k };

        if (off + 128 > sizeof(rep->data)) {
            return -E2BIG;
        }
        off += gvrt_seal_group(s, st->handle, &f, sizeof(f),
                               rep->data + off);
    }
    st->seq += n;
    rep->len = off;
    return 0;
}

/* The driver's free authorised by the runtime's MAC, nothing cleared
 * before (one CH_PTE: the region lies in one page table). */
static int do_unmap(struct victim *v, uint64_t va, uint64_t size)
{
    struct gvrt_stream *st = &v->st[0];
    struct gv_pte_summary sums[4];
    uint8_t mac[1][GV_TAG_LEN];
    uint32_t n = 0;
    int r;

    size = (size + GV_PAGE_SIZE - 1) & ~(uint64_t)(GV_PAGE_SIZE - 1);
    gvrt_mac_unmap(&v->s, st->handle, va, size, mac[0]);
    r = gvrt_mem_free_sum(&v->dev, st->handle, va,
                          (const uint8_t (*)[GV_TAG_LEN])mac, 1, sums, 4, &n);
    for (uint32_t i = 0; i < n; i++) {
        if (gvrt_summary_accept(&v->s, &sums[i], false) != 0) {
            return -EPERM;
        }
    }
    return r;
}

/* A module whose .global data is the secret, loaded the runtime's way. */
static int do_module(struct victim *v, struct gvv_reply *rep)
{
    struct gvrt_module m;
    char ptx[1024], err[256];
    uint64_t w[GVV_SECRET_LEN / 8];
    int r;

    memcpy(w, v->info.secret, sizeof(w));
    snprintf(ptx, sizeof(ptx),
             ".version 7.0\n.target sm_70\n.address_size 64\n"
             ".visible .global .align 8 .u64 gv_secret[4] = "
             "{%llu, %llu, %llu, %llu};\n"
             ".visible .entry k()\n{\n\tret;\n}\n",
             (unsigned long long)w[0], (unsigned long long)w[1],
             (unsigned long long)w[2], (unsigned long long)w[3]);
    r = gvrt_module_load(&v->st[0], ptx, strlen(ptx), &m, err, sizeof(err));
    if (r == 0) {
        rep->val = m.va;
        gvrt_module_unload(&m);
    }
    return r;
}

static int handle(struct victim *v, struct gvv_req *q, struct gvv_reply *rep)
{
    struct gvrt_stream *st = &v->st[q->stream % GVV_MAX_STREAMS];
    uint32_t chid = st->handle;
    struct gv_cmd_hdr nop = { GV_OP_NOP, sizeof(nop) };
    struct gv_measurement m;
    uint8_t mac[GV_TAG_LEN];

    switch (q->cmd) {
    case GVV_SECRET:
        rep->r = do_secret(v, q->arg);
        rep->val = v->info.va;
        memcpy(rep->data, v->info.secret, GVV_SECRET_LEN);
        rep->len = GVV_SECRET_LEN;
        return 0;
    case GVV_CHECK:
        return do_check(v, st);
    case GVV_RUN:
        return gvrt_stream_run(st, &nop, sizeof(nop));
    case GVV_SEAL:
        return do_seal(st, &v->s, q->arg, rep);
    case GVV_FREE: {
        uint64_t size = v->info.size;

        if (q->len == sizeof(size)) {
            memcpy(&size, q->data, sizeof(size));
        }
        return gvrt_free(&v->st[0], q->arg ? q->arg : v->info.va, size);
    }
    case GVV_UNMAP:
        return do_unmap(v, q->arg ? q->arg : v->info.va, v->info.size);
    case GVV_ALLOC:
        return gvrt_malloc(&v->st[0], q->arg, &rep->val);
    case GVV_SUMMARY:
        return gvrt_summary_accept(&v->s, (const void *)q->data, q->arg != 0);
    case GVV_MEASURE:
        rep->r = gvrt_measure(&v->dev, chid, v->info.va, q->arg, &m);
        if (rep->r == 0) {
            rep->r = gvrt_measurement_accept(&v->s, chid, &m, v->info.va,
                                             v->pattern, q->arg);
        }
        memcpy(rep->data, &m, sizeof(m));
        rep->len = sizeof(m);
        return rep->r;
    case GVV_MEAS_CHECK:
        return gvrt_measurement_accept(&v->s, chid, (const void *)q->data,
                                       v->info.va, v->pattern, q->arg);
    case GVV_NONCE:
        getrandom(v->nonce, sizeof(v->nonce), 0);
        memcpy(rep->data, v->nonce, sizeof(v->nonce));
        rep->len = sizeof(v->nonce);
        return 0;
    case GVV_QUOTE: {
        /* as for a new stream, on a copy: the context stays as it is */
        struct gvrt_secure *t = malloc(sizeof(*t));
        int r;

        if (!t) {
            return -ENOMEM;
        }
        memcpy(t, &v->s, sizeof(*t));
        r = gvrt_quote_accept(t, (const void *)q->data, v->info.ak_pub,
                              v->nonce);
        memset(t, 0, sizeof(*t));
        free(t);
        return r;
    }
    case GVV_STREAM:
        rep->r = open_stream(v, q->stream);
        memcpy(rep->data, &v->info, sizeof(v->info));
        rep->len = sizeof(v->info);
        return rep->r;
    case GVV_REWRITE:
        getrandom(v->info.secret, sizeof(v->info.secret), 0);
        fill(v);
        rep->r = gvrt_memcpy_htod(&v->st[0], v->info.va, v->pattern,
                                  v->info.size);
        memcpy(rep->data, v->info.secret, GVV_SECRET_LEN);
        rep->len = GVV_SECRET_LEN;
        return rep->r;
    case GVV_MODULE:
        return do_module(v, rep);
    case GVV_DESTROY:
        gvrt_mac_destroy(&v->s, chid, mac);
        memcpy(rep->data, mac, sizeof(mac));
        rep->len = sizeof(mac);
        return gvrt_chan_destroy(&v->dev, chid, mac);
    default:
        return -EINVAL;
    }
}

static void victim_main(int in, int out, unsigned nstreams,
                        uint64_t secret_len)
{
    static struct victim v;
    static struct gvv_req q;
    static struct gvv_reply rep;
    int32_t r = setup(&v, nstreams);

    if (r == 0 && secret_len) {
        r = do_secret(&v, secret_len);
    }
    if (xfer(out, &r, sizeof(r), true) || xfer(out, &v.info, sizeof(v.info),
                                                true) || r) {
        _exit(1);
    }
    while (xfer(in, &q, sizeof(q), false) == 0 && q.cmd != GVV_EXIT) {
        memset(&rep, 0, sizeof(rep));
        rep.r = 0;
        r = handle(&v, &q, &rep);
        if (r) {
            rep.r = r;
        }
        if (xfer(out, &rep, sizeof(rep), true)) {
            break;
        }
    }
    for (unsigned i = 0; i < nstreams; i++) {
        gvrt_stream_close(&v.st[i]);
    }
    gvrt_secure_fini(&v.s);
    gvrt_dev_close(&v.dev);
    _exit(0);
}

/* ---- the test's side ---- */

int gvv_start(struct gvv *v, unsigned nstreams, uint64_t secret_len)
{
    int down[2], up[2];
    int32_t r;

    memset(v, 0, sizeof(*v));
    signal(SIGPIPE, SIG_IGN);   /* a victim that died is an answer too */
    if (nstreams < 1 || nstreams > GVV_MAX_STREAMS || pipe(down) ||
        pipe(up)) {
        return -EINVAL;
    }
    fflush(NULL);
    v->pid = fork();
    if (v->pid < 0) {
        return -errno;
    }
    if (v->pid == 0) {
        close(down[1]);
        close(up[0]);
        victim_main(down[0], up[1], nstreams, secret_len);
    }
    close(down[0]);
    close(up[1]);
    v->to = down[1];
    v->from = up[0];
    if (xfer(v->from, &r, sizeof(r), false) ||
        xfer(v->from, &v->info, sizeof(v->info), false)) {
        return -EPIPE;
    }
    return r;
}

int gvv_cmd(struct gvv *v, enum gvv_cmd cmd, unsigned stream, uint64_t arg,
            const void *data, uint32_t len, struct gvv_reply *rep)
{
    static struct gvv_req q;
    static struct gvv_reply local;

    if (!rep) {
        rep = &local;
    }
    memset(&q, 0, sizeof(q));
    q.cmd = cmd;
    q.stream = stream;
    q.arg = arg;
    q.len = len < sizeof(q.data) ? len : sizeof(q.data);
    if (data) {
        memcpy(q.data, data, q.len);
    }
    if (xfer(v->to, &q, sizeof(q), true) ||
        xfer(v->from, rep, sizeof(*rep), false)) {
        return -EPIPE;
    }
    if (cmd == GVV_SECRET && rep->r == 0) {
        v->info.va = rep->val;
        v->info.size = arg;
    }
    if ((cmd == GVV_SECRET || cmd == GVV_REWRITE) && rep->r == 0) {
        memcpy(v->info.secret, rep->data, GVV_SECRET_LEN);
    }
    if (cmd == GVV_STREAM) {
        struct gvv_info i;

        memcpy(&i, rep->data, sizeof(i));
        i.va = v->info.va;
        i.size = v->info.size;
        memcpy(i.secret, v->info.secret, GVV_SECRET_LEN);
        v->info = i;
    }
    return rep->r;
}

int gvv_stop(struct gvv *v)
{
    struct gvv_req q = { .cmd = GVV_EXIT };
    int status = 0;

    if (v->pid <= 0) {
        return -1;
    }
    xfer(v->to, &q, sizeof(q), true);
    close(v->to);
    close(v->from);
    if (waitpid(v->pid, &status, 0) < 0) {
        return -1;
    }
    v->pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}
