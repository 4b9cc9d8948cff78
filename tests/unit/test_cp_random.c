/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Randomised command sequences against the command processor, as a
 * malicious driver would send them: channel ids, page addresses (aligned,
 * misaligned, unprotected, protected, hidden, beyond memory), table
 * addresses, entry counts, MACs (right, wrong, replayed) and garbage
 * groups are drawn from small pools so that they collide often.  After
 * every command the internal consistency check must pass, and every
 * secure context's pages must stay out of every other context's reach.
 *
 * Deterministic: seeds 1..GV_RANDOM_SEEDS (default 4), GV_RANDOM_OPS
 * operations each (default 3000); a failure prints the seed and step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_crypto.h"
#include "gv_testdev.h"

#define VRAM    (64ull << 20)
#define UNPROT  (8ull << 20)
#define PROT    (48ull << 20)

static uint64_t rng;
static unsigned accepted, refused;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static unsigned pick(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* Addresses that collide: a window of protected memory, some unprotected
 * pages, the hidden base, the end of memory, misaligned variants. */
static uint64_t any_addr(void)
{
    switch (pick(10)) {
    case 0:
        return pick(16) * GV_PAGE_SIZE;                 /* unprotected */
    case 1:
        return UNPROT + PROT + pick(4) * GV_PAGE_SIZE;  /* hidden */
    case 2:
        return VRAM - GV_PAGE_SIZE * pick(2);           /* the end */
    case 3:
        return UNPROT + pick(64) * GV_PAGE_SIZE + 8;    /* misaligned */
    case 4:
    case 5:
        return UNPROT + pick(24) * GV_BIG_PAGE_SIZE;    /* big aligned */
    default:
        return UNPROT + pick(3 << 10) * GV_PAGE_SIZE;   /* protected */
    }
}

static uint64_t any_pte(bool big)
{
    uint64_t a;

    if (pick(6) == 0) {
        return pick(4) ? 0 : any_addr() & GV_PTE_ADDR_MASK;  /* not valid */
    }
    a = big ? UNPROT + pick(96) * GV_BIG_PAGE_SIZE : any_addr();
    if (big && pick(8) == 0) {
        a = any_addr();
    }
    return (a & GV_PTE_ADDR_MASK) | GV_PTE_VALID |
           (pick(10) == 0 ? GV_PTE_READONLY : 0) |
           (pick(40) == 0 ? 0x100 : 0);     /* reserved bit */
}

struct world {
    struct td *td;
    struct gvrt_secure ctx[2];
};

static void op_create(struct world *w, unsigned chid)
{
    unsigned kind = pick(4);
    uint64_t desc = any_addr() & ~0xfffull, pgd = any_addr() & ~0xfffull;

    if (kind < 2) {
        struct gvrt_secure *s = &w->ctx[kind];
        uint8_t nonce[GV_NONCE_LEN] = { 0 };

        if (!s->uk) {
            gvc_key_generate(&s->uk);
            gvc_key_pub(s->uk, s->uk_pub);
        }
        if (td_create_at(w->td, chid, GV_CREATE_SECURE, desc, pgd, s->uk_pub,
                         nonce, NULL) == GV_ERR_NONE) {
            /* the runtime would unwrap the quote: same key per context */
            s->cmd_counter[chid] = s->auth_counter[chid] = 0;
            s->report_counter[chid] = 0;
            td_ring_setup(w->td, chid);
        }
    } else {
        uint32_t flags = kind == 3 ? GV_CREATE_SHARE : 0;

        if (td_create_at(w->td, chid, flags, desc, pgd, NULL, NULL, NULL) ==
            GV_ERR_NONE) {
            td_ring_setup(w->td, chid);
        }
    }
}

static void op_pde(struct world *w, unsigned chid)
{
    bool big = pick(2);
    uint64_t t = pick(5) == 0 ? 0 : any_addr() & ~0xfffull;

    td_pde(w->td, chid, pick(2), big, t);
}

static void op_pte(struct world *w, unsigned chid)
{
    bool big = pick(3) == 0;
    unsigned count = 1 + pick(4), pgdi = pick(2);
    unsigned pgti = big ? (pick(2) ? pick(2) : pick(24)) : pick(64);
    uint64_t ptes[4];
    uint8_t mac[GV_TAG_LEN];
    struct gv_pte_summary sum;
    struct gvrt_secure *s = &w->ctx[pick(2)];

    for (unsigned i = 0; i < count; i++) {
        ptes[i] = any_pte(big);
    }
    if (s->uk && pick(2)) {
        /* a MAC for this range under some context's key */
        gvrt_mac_unmap(s, chid % GV_MAX_CHANNELS,
                       (uint64_t)pgdi << GV_PDE_SHIFT |
                       (uint64_t)pgti << (big ? GV_BIG_PAGE_SHIFT :
                                          GV_PAGE_SHIFT),
                       count * (big ? GV_BIG_PAGE_SIZE : GV_PAGE_SIZE), mac);
        if (pick(3) == 0) {
            mac[pick(16)] ^= 1;
        }
    } else {
        memset(mac, pick(2) ? 0 : 0x5a, sizeof(mac));
    }
    td_pte(w->td, chid, pgdi, pgti, count, ptes, big, mac,
           pick(2) ? &sum : NULL);
}

static void op_destroy(struct world *w, unsigned chid)
{
    uint8_t mac[GV_TAG_LEN];
    struct gvrt_secure *s = &w->ctx[pick(2)];

    if (s->uk && pick(2)) {
        gvrt_mac_destroy(s, chid, mac);
        td_destroy(w->td, chid, mac);
    } else {
        td_destroy(w->td, chid, NULL);
    }
}

/* Engine work goes straight to a channel's ring: only to live ones. */
static bool alive(struct world *w, unsigned chid)
{
    return (td_rd(w->td, GV_REG_CHAN(chid, GV_CHAN_STATUS)) &
            GV_CHAN_TYPE_MASK) > GV_CHAN_TYPE_BOOTSTRAP;
}

static void op_engine(struct world *w, unsigned chid)
{
    struct gvrt_secure *s = &w->ctx[pick(2)];
    uint64_t va = (uint64_t)pick(3) << GV_PDE_SHIFT |
                  (uint64_t)pick(64) << GV_PAGE_SHIFT | pick(8) * 8;

    if (pick(2)) {
        struct gv_measurement m;

        td_measure(w->td, chid, va, 1 + pick(3 * GV_PAGE_SIZE), &m);
    } else if (!alive(w, chid)) {
        return;
    } else if (s->uk && pick(2)) {
        td_fence(w->td, s, chid, va, rnd());
    } else {
        td_fence(w->td, NULL, chid, va, rnd());
    }
}

static void op_garbage(struct world *w, unsigned chid)
{
    uint8_t g[96];

    for (size_t i = 0; i < sizeof(g); i++) {
        g[i] = (uint8_t)rnd();
    }
    if (pick(2)) {
        struct gv_group_hdr h = { .magic = GV_GROUP_MAGIC,
                                  .payload_len = 64 };

        memcpy(g, &h, sizeof(h));
        if (pick(2)) {
            struct gv_cmd_hdr c = { 1 + pick(5), 8 * (1 + pick(8)) };

            memcpy(g + sizeof(h), &c, sizeof(c));
        }
    }
    td_submit_raw(w->td, pick(2) || !alive(w, chid) ? TD_BOOT_CHID : chid, g,
                  16 + 64, 0);
}

static void run_seed(uint64_t seed, unsigned ops)
{
    struct world w = { 0 };
    char why[256];
    uint32_t errors;

    rng = seed * 0x9e3779b97f4a7c15ull + 1;
    w.td = td_new(VRAM, UNPROT, PROT, true);
    errors = td_rd(w.td, GV_REG_ERROR_COUNT);
    for (unsigned step = 0; step < ops; step++) {
        unsigned chid = 1 + pick(5);

        switch (pick(12)) {
        case 0:
        case 1:
            op_create(&w, chid);
            break;
        case 2:
        case 3:
            op_pde(&w, chid);
            break;
        case 4:
        case 5:
        case 6:
        case 7:
            op_pte(&w, chid);
            break;
        case 8:
            op_destroy(&w, chid);
            break;
        case 9:
        case 10:
            op_engine(&w, chid);
            break;
        default:
            op_garbage(&w, chid);
            break;
        }
        if (td_rd(w.td, GV_REG_ERROR_COUNT) != errors) {
            errors = td_rd(w.td, GV_REG_ERROR_COUNT);
            refused++;
        } else {
            accepted++;
        }
        if (gv_dev_check(w.td->dev, why, sizeof(why)) != 0) {
            fprintf(stderr, "\n    seed %llu step %u: %s\n",
                    (unsigned long long)seed, step, why);
            CU_FAIL("consistency check failed");
            break;
        }
    }
    /* The device still works: a fresh channel can be created. */
    w.td->prot_next = UNPROT + (32ull << 20);   /* beyond the pools */
    CU_ASSERT_EQUAL(td_create_normal(w.td, 9, 9), GV_ERR_NONE);
    gvrt_secure_fini(&w.ctx[0]);
    gvrt_secure_fini(&w.ctx[1]);
    td_free(w.td);
}

static void test_random_sequences(void)
{
    const char *e = getenv("GV_RANDOM_SEEDS");
    const char *o = getenv("GV_RANDOM_OPS");
    unsigned seeds = e ? (unsigned)atoi(e) : 4;
    unsigned ops = o ? (unsigned)atoi(o) : 3000;

    for (unsigned s = 1; s <= seeds; s++) {
        run_seed(s, ops);
    }
    /* Both outcomes must occur often, or the test explores nothing. */
    printf("\n    %u operations accepted, %u refused\n", accepted, refused);
    CU_ASSERT(accepted > seeds * ops / 10);
    CU_ASSERT(refused > seeds * ops / 10);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test t[] = {
        { "random command sequences", test_random_sequences },
        { NULL, NULL },
    };

    return gv_add_suite("random", NULL, NULL, t);
}
