/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the named refusals (include/graviton/gv_rules.h): the
 * table itself, one refusal or more of every family provoked through the
 * test bench with the rule it must name (ERROR_RULE, the hit counter, the
 * guest-error line) and a nearby rule that must not count, the counters'
 * reset, and the debug block of BAR0 (off: reads 0; on: rule count,
 * counters, hit map, consistency check).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "graviton/gv_rules.h"
#include "gv_ktest.h"
#include "gv_testdev.h"

#define VRAM    (64ull << 20)
#define UNPROT  (8ull << 20)
#define PROT    (48ull << 20)
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static struct td *td;
static struct gvrt_secure sa;

static void setup(void)
{
    td = td_new(VRAM, UNPROT, PROT, true);
    memset(&sa, 0, sizeof(sa));
}

static void teardown(void)
{
    td_check(td);
    td_free(td);
    td = NULL;
    gvrt_secure_fini(&sa);
}

static uint64_t hits(unsigned rule)
{
    return gv_dev_rule_hits(td->dev, rule);
}

/* Forget what came before the refusal a test provokes next. */
static void fresh(void)
{
    td_wr(td, GV_REG_ERROR_ACK, 1);
    gv_dev_rule_hits_reset(td->dev);
    td->last_guest_error[0] = 0;
}

/* The operation just done was refused by @rule, reported to the guest
 * with @rule's code: ERROR_RULE, the counter and the log name it, and
 * the nearby rule @other did not count. */
static void expect(int err, unsigned rule, unsigned other)
{
    CU_ASSERT_EQUAL(err, (int)gv_rule_error(rule));
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_ERROR_CODE), gv_rule_error(rule));
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_ERROR_RULE), rule);
    CU_ASSERT_EQUAL(gv_dev_error_rule(td->dev), rule);
    CU_ASSERT_EQUAL(hits(rule), 1);
    CU_ASSERT_EQUAL(hits(other), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(td->last_guest_error, gv_rule_name(rule)));
    if (hits(rule) != 1 || td_rd(td, GV_REG_ERROR_RULE) != rule) {
        fprintf(stderr, "expected %s, got %s (%s)\n", gv_rule_name(rule),
                gv_rule_name(td_rd(td, GV_REG_ERROR_RULE)),
                td->last_guest_error);
    }
}

/* Launch @l, which a shared access refuses (compute.shared_range, not
 * compute.local_range): its @n bytes of results at @out stay zero. */
static void expect_shared_fault(struct kt *k, const struct kt_launch *l,
                                uint64_t out, size_t n)
{
    uint8_t got[512];

    CU_ASSERT_FATAL(n <= sizeof(got));
    expect(kt_launch(k, l), GV_RULE_COMPUTE_SHARED_RANGE,
           GV_RULE_COMPUTE_LOCAL_RANGE);
    kt_read(k, out, got, n);
    for (size_t j = 0; j < n; j++) {
        if (got[j]) {
            CU_FAIL("a refused launch stored a result");
            break;
        }
    }
}

/* ---- the table ---- */

#define GV_RULE_NUM_(n, id, nm, code, ds) n,
static const unsigned rule_nums[] = { GV_RULE_LIST(GV_RULE_NUM_) };
#undef GV_RULE_NUM_

static bool dotted(const char *s)
{
    const char *dot = strchr(s, '.');

    if (!dot || dot == s || !dot[1] || strchr(dot + 1, '.')) {
        return false;
    }
    for (; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '.')) {
            return false;
        }
    }
    return true;
}

static void test_table(void)
{
    unsigned n = gv_rule_count();
    bool used[GV_ERR__COUNT] = { false };

    CU_ASSERT_EQUAL(n, GV_RULE__COUNT);
    CU_ASSERT_EQUAL(ARRAY_LEN(rule_nums), n);
    for (unsigned i = 0; i < ARRAY_LEN(rule_nums); i++) {
        CU_ASSERT_EQUAL(rule_nums[i], i);       /* dense, in order */
    }
    CU_ASSERT_STRING_EQUAL(gv_rule_name(GV_RULE_NONE), "none");
    CU_ASSERT_EQUAL(gv_rule_error(GV_RULE_NONE), GV_ERR_NONE);
    CU_ASSERT_PTR_NULL(gv_rule_name(n));
    CU_ASSERT_PTR_NULL(gv_rule_desc(n));
    for (unsigned i = 1; i < n; i++) {
        const char *name = gv_rule_name(i);

        CU_ASSERT_FATAL(name != NULL);
        CU_ASSERT(dotted(name));
        CU_ASSERT(gv_rule_desc(i) && strlen(gv_rule_desc(i)) > 8);
        CU_ASSERT(gv_rule_error(i) < GV_ERR__COUNT);
        used[gv_rule_error(i) % GV_ERR__COUNT] = true;
        for (unsigned j = 0; j < i; j++) {
            CU_ASSERT(strcmp(name, gv_rule_name(j)) != 0);
        }
    }
    for (unsigned e = 1; e < GV_ERR__COUNT; e++) {
        if (!used[e]) {
            fprintf(stderr, "no rule reports error %u (%s)\n", e,
                    gv_error_name(e));
        }
        CU_ASSERT(used[e]);
    }
}

/* ---- one family at a time ---- */

static void test_regions(void)
{
    struct gv_config cfg = { .vram_size = 16ull << 20 };
    struct gv_dev *d;

    fresh();
    td_wr(td, GV_REG_REGION_LOCK, GV_LOCK_MAGIC);
    expect(GV_ERR_REGION_CONFIG, GV_RULE_REGIONS_ALREADY_LOCKED,
           GV_RULE_REGIONS_UNALIGNED);

    /* a device of its own, not locked yet */
    d = gv_dev_new(&cfg, NULL, NULL, NULL);
    CU_ASSERT_FATAL(d != NULL);
    gv_mmio_write(d, GV_REG_UNPROT_SIZE_LO, 4096, 4);
    gv_mmio_write(d, GV_REG_REGION_LOCK, GV_LOCK_MAGIC, 4);
    CU_ASSERT_EQUAL(gv_mmio_read(d, GV_REG_ERROR_RULE, 4),
                    GV_RULE_REGIONS_UNALIGNED);
    CU_ASSERT_EQUAL(gv_dev_rule_hits(d, GV_RULE_REGIONS_UNALIGNED), 1);
    CU_ASSERT_EQUAL(gv_dev_rule_hits(d, GV_RULE_REGIONS_NO_UNPROT), 0);
    gv_mmio_write(d, GV_REG_UNPROT_SIZE_LO, 0, 4);
    gv_mmio_write(d, GV_REG_REGION_LOCK, GV_LOCK_MAGIC, 4);
    CU_ASSERT_EQUAL(gv_mmio_read(d, GV_REG_ERROR_RULE, 4),
                    GV_RULE_REGIONS_NO_UNPROT);
    /* a bootstrap channel before the lock */
    gv_mmio_write(d, GV_REG_CHAN(3, GV_CHAN_DESC_HI), 0, 4);
    CU_ASSERT_EQUAL(gv_mmio_read(d, GV_REG_ERROR_RULE, 4),
                    GV_RULE_BOOT_NOT_LOCKED);
    CU_ASSERT_EQUAL(gv_dev_rule_hits(d, GV_RULE_BOOT_DESC_ADDRESS), 0);
    gv_dev_free(d);
}

static void test_bootstrap(void)
{
    fresh();
    td_wr(td, GV_REG_CHAN(5, GV_CHAN_DESC_LO), (uint32_t)UNPROT);
    td_wr(td, GV_REG_CHAN(5, GV_CHAN_DESC_HI), 0);
    expect(GV_ERR_BAD_ADDRESS, GV_RULE_BOOT_DESC_ADDRESS,
           GV_RULE_BOOT_NOT_LOCKED);
    fresh();
    td_wr(td, GV_REG_CHAN(TD_BOOT_CHID, GV_CHAN_DESC_HI), 0);
    expect(GV_ERR_CHANNEL_BUSY, GV_RULE_BOOT_SLOT_BUSY,
           GV_RULE_CH_CREATE_SLOT_BUSY);
    fresh();
    td_wr(td, GV_REG_CHAN(6, GV_CHAN_PUT), 0);
    expect(GV_ERR_BAD_CHANNEL, GV_RULE_CHREG_PUT_FREE_SLOT,
           GV_RULE_CHREG_PUT_RANGE);
}

static void test_ch_create(void)
{
    uint64_t unprot = td_alloc_unprot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    uint64_t desc = td_alloc_prot(td, GV_DESC_BYTES, GV_PAGE_SIZE);
    uint64_t pgd = td_alloc_prot(td, GV_PGD_BYTES, GV_PAGE_SIZE);

    fresh();
    expect(td_create_at(td, 3, 0, unprot, pgd, NULL, NULL, NULL),
           GV_RULE_CH_CREATE_DESC_UNPROT, GV_RULE_CH_CREATE_PGD_UNPROT);
    fresh();
    expect(td_create_at(td, 3, 0, desc, unprot, NULL, NULL, NULL),
           GV_RULE_CH_CREATE_PGD_UNPROT, GV_RULE_CH_CREATE_DESC_UNPROT);
    fresh();
    expect(td_create_at(td, 3, 0, desc, desc, NULL, NULL, NULL),
           GV_RULE_CH_CREATE_OVERLAP, GV_RULE_CH_CREATE_DESC_IN_USE);
    CU_ASSERT_EQUAL(td_create_at(td, 3, 0, desc, pgd, NULL, NULL, NULL),
                    GV_ERR_NONE);
    fresh();
    expect(td_create_at(td, 3, 0, desc, pgd, NULL, NULL, NULL),
           GV_RULE_CH_CREATE_SLOT_BUSY, GV_RULE_BOOT_SLOT_BUSY);
}

static void test_ch_pde(void)
{
    uint64_t t = td_alloc_prot(td, GV_PGT_SMALL_BYTES, GV_PAGE_SIZE);

    fresh();
    expect(td_pde(td, TD_BOOT_CHID, 0, false, t),
           GV_RULE_CH_PDE_TARGET_BOOTSTRAP, GV_RULE_CH_PDE_TARGET);
    fresh();
    expect(td_pde(td, 40, 0, false, t), GV_RULE_CH_PDE_TARGET,
           GV_RULE_CH_PDE_TARGET_BOOTSTRAP);
    CU_ASSERT_EQUAL(td_create_normal(td, 1, 1), GV_ERR_NONE);
    fresh();
    expect(td_pde(td, 1, GV_PGD_ENTRIES, false, t), GV_RULE_CH_PDE_RANGE,
           GV_RULE_CH_PTE_RANGE);
    fresh();
    expect(td_pde(td, 1, 0, false, UNPROT - GV_PGT_SMALL_BYTES),
           GV_RULE_CH_PDE_TABLE_UNPROT, GV_RULE_CH_CREATE_PGD_UNPROT);
}

static void test_ch_pte(void)
{
    uint64_t page = td_alloc_prot(td, GV_PAGE_SIZE, GV_PAGE_SIZE);
    uint64_t pte = page | GV_PTE_VALID, t2;

    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 1, 1), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 2, 2), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    t2 = td_table(td, 2, 0, false);
    CU_ASSERT_EQUAL(td_pte(td, 1, 0, 0, 1, &pte, false, NULL, NULL),
                    GV_ERR_NONE);
    /* channel 2 is another context: the page is channel 1's */
    fresh();
    expect(td_pte(td, 2, 0, 0, 1, &pte, false, NULL, NULL),
           GV_RULE_CH_PTE_OTHER_CONTEXT, GV_RULE_CH_PDE_TABLE_OTHER_CONTEXT);
    CU_ASSERT_EQUAL(hits(GV_RULE_CH_PTE_PAGE_TYPE), 0);
    /* its own page table as a data page */
    pte = t2 | GV_PTE_VALID;
    fresh();
    expect(td_pte(td, 2, 0, 0, 1, &pte, false, NULL, NULL),
           GV_RULE_CH_PTE_PAGE_TYPE, GV_RULE_CH_PTE_OTHER_CONTEXT);
    /* hidden memory */
    pte = (UNPROT + PROT) | GV_PTE_VALID;
    fresh();
    expect(td_pte(td, 2, 0, 0, 1, &pte, false, NULL, NULL),
           GV_RULE_CH_PTE_OUTSIDE, GV_RULE_CH_PTE_UNALIGNED);
    fresh();
    expect(td_pte(td, 2, 1, 0, 1, &pte, false, NULL, NULL),
           GV_RULE_CH_PTE_NO_TABLE, GV_RULE_CH_PTE_RANGE);
}

static void test_ch_destroy(void)
{
    uint8_t mac[GV_TAG_LEN] = { 0 };

    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 1, 1), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &sa), GV_ERR_NONE);
    fresh();
    expect(td_destroy(td, 1, mac), GV_RULE_CH_DESTROY_NOT_SECURE,
           GV_RULE_CH_DESTROY_BAD_MAC);
    fresh();
    expect(td_destroy(td, 2, mac), GV_RULE_CH_DESTROY_BAD_MAC,
           GV_RULE_CH_DESTROY_NOT_SECURE);
    fresh();
    expect(td_destroy(td, TD_BOOT_CHID, NULL),
           GV_RULE_CH_DESTROY_TARGET_BOOTSTRAP, GV_RULE_CH_DESTROY_TARGET);
}

static void test_ch_measure(void)
{
    struct gv_measurement m;

    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 1, 1), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &sa), GV_ERR_NONE);
    fresh();
    expect(td_measure(td, 1, 0, 64, &m), GV_RULE_CH_MEASURE_NOT_SECURE,
           GV_RULE_CH_MEASURE_RANGE);
    fresh();
    expect(td_measure(td, 2, 0, 0, &m), GV_RULE_CH_MEASURE_RANGE,
           GV_RULE_CH_MEASURE_NOT_SECURE);
    /* nothing mapped at VA 0: the MMU's rule names it */
    fresh();
    expect(td_measure(td, 2, 0, 64, &m), GV_RULE_MMU_UNMAPPED,
           GV_RULE_COMPUTE_UNMAPPED);
}

static void test_group_auth(void)
{
    struct {
        struct gv_group_hdr h;
        uint8_t payload[8];
        uint8_t tag[GV_TAG_LEN];
    } g = { .h = { .magic = GV_GROUP_MAGIC, .flags = GV_GROUP_ENCRYPTED,
                   .payload_len = 8 } };
    struct gv_cmd_hdr nop = { GV_OP_NOP, sizeof(nop) };

    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &sa), GV_ERR_NONE);
    fresh();
    expect(td_submit_raw(td, 2, &g, sizeof(g), 0), GV_RULE_GROUP_AUTH,
           GV_RULE_GROUP_PLAINTEXT_SECURE);
    fresh();
    expect(td_submit(td, 2, &nop, sizeof(nop)),
           GV_RULE_GROUP_PLAINTEXT_SECURE, GV_RULE_GROUP_AUTH);
    fresh();
    expect(td_submit_raw(td, 2, &g, sizeof(g) - 1, 0),
           GV_RULE_GROUP_SECURE_LENGTH, GV_RULE_GROUP_PLAIN_LENGTH);
    /* the real thing still runs */
    CU_ASSERT_EQUAL(td_submit_secure(td, &sa, 2, &nop, sizeof(nop)),
                    GV_ERR_NONE);
    fresh();
    expect(td_submit(td, TD_BOOT_CHID, &nop, sizeof(nop)),
           GV_RULE_CMD_ENGINE_ON_BOOTSTRAP, GV_RULE_CMD_MGMT_NOT_BOOTSTRAP);
}

static int copy(struct gvrt_secure *s, unsigned chid, uint32_t flags,
                uint64_t size)
{
    struct gv_cmd_copy c = { .hdr = { GV_OP_COPY, sizeof(c) },
                             .flags = flags, .size = size };

    return s ? td_submit_secure(td, s, chid, &c, sizeof(c))
             : td_submit(td, chid, &c, sizeof(c));
}

static void test_copy_engine(void)
{
    CU_ASSERT_EQUAL_FATAL(td_create_normal(td, 1, 1), GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(td_create_secure(td, 2, &sa), GV_ERR_NONE);
    td_table(td, 1, 0, false);
    fresh();
    expect(copy(NULL, 1, 0, 0), GV_RULE_COPY_RANGE, GV_RULE_COPY_SIZE);
    fresh();
    expect(copy(NULL, 1, GV_COPY_DECRYPT, 64),
           GV_RULE_COPY_CRYPTO_NOT_SECURE, GV_RULE_COPY_NO_KEY);
    fresh();
    expect(copy(&sa, 2, GV_COPY_DECRYPT, 64), GV_RULE_COPY_NO_KEY,
           GV_RULE_COPY_CRYPTO_NOT_SECURE);
    fresh();
    expect(copy(NULL, 1, GV_COPY_SRC_HOST, 64), GV_RULE_COPY_HOSTWIN,
           GV_RULE_COPY_HOST_READ);
    /* device -> device from an unmapped page */
    fresh();
    expect(copy(NULL, 1, 0, 64), GV_RULE_MMU_UNMAPPED,
           GV_RULE_MMU_NOT_OWNED);
}

static void test_compute_faults(void)
{
    struct kt k;
    uint32_t len;
    uint8_t *img = ka_store_gid(&len);
    uint64_t mva, bad;
    struct kt_launch l = { .module_size = len, .grid = { 1 },
                           .block = { 32 }, .params = &bad,
                           .param_size = 8 };

    kt_init(&k, td, 1, NULL, 64 << 10, true);
    mva = kt_load(&k, img, len);
    l.module_va = mva;
    bad = KT_VA_BASE + (1 << 20);               /* beyond what is mapped */
    fresh();
    expect(kt_launch(&k, &l), GV_RULE_COMPUTE_UNMAPPED,
           GV_RULE_MMU_UNMAPPED);
    bad = KT_VA_BASE + 2;
    fresh();
    expect(kt_launch(&k, &l), GV_RULE_COMPUTE_MISALIGNED,
           GV_RULE_COMPUTE_UNMAPPED);
    bad = 1ull << 45;
    fresh();
    expect(kt_launch(&k, &l), GV_RULE_COMPUTE_VA_RANGE,
           GV_RULE_MMU_VA_RANGE);
    /* the launch shape, before any module is read */
    l.grid[1] = 70000;
    fresh();
    expect(kt_launch(&k, &l), GV_RULE_LAUNCH_SHAPE,
           GV_RULE_LAUNCH_MODULE_INVALID);
    free(img);
}

static uint16_t tsize(unsigned type)
{
    return type == GV_T_U8 ? 1 : type == GV_T_U64 ? 8 : 4;
}

/* How the modules below start: two u64 parameters, r0 = tid.x, r1 =
 * param0, r2 = param1. */
static void mod_start(struct ka *a, uint32_t nregs)
{
    uint32_t p0, p1;

    ka_init(a, nregs);
    p0 = ka_param64(a);
    p1 = ka_param64(a);
    ka_op(a, GV_I_S2R, GV_T_U32, GV_SR_TID_X, 0, 0, 0, 0, 0);
    ka_op(a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 1, ka_k(a, p0), 0, 0, 0);
    ka_op(a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 2, ka_k(a, p1), 0, 0, 0);
}

/* How mod_run and mod_half_run end, from the lane's address r4 and its
 * offset r3 in the output: a load at r4 copied to param1 + r3 (@ld), or
 * a store of r4 at r4; the module. */
static uint8_t *mod_run_end(struct ka *a, unsigned type, bool ld,
                            uint32_t *len)
{
    ka_op(a, GV_I_ADD, GV_T_U64, 0, 5, 2, 3, 0, 0);
    if (ld) {
        ka_op(a, GV_I_LD, type, GV_SPACE_GLOBAL, 6, 4, 0, 0, 0);
        ka_op(a, GV_I_ST, type, GV_SPACE_GLOBAL, 0, 5, 6, 0, 0);
    } else {
        ka_op(a, GV_I_ST, type, GV_SPACE_GLOBAL, 0, 4, 4, 0, 0);
    }
    ka_op(a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    return ka_build(a, len);
}

/* Lane l of a warp at param0 + l * size: a load copied to param1 + l *
 * size, or a store of the lane's own address. */
static uint8_t *mod_run(unsigned type, bool ld, uint32_t *len)
{
    struct ka a;
    uint16_t size = tsize(type);

    mod_start(&a, 8);
    ka_op(&a, GV_I_MULWIDE, GV_T_U32, 0, 3, 0, ka_k(&a, size), 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U64, 0, 4, 1, 3, 0, 0);
    return mod_run_end(&a, type, ld, len);
}

/* A channel with 64 KiB mapped (ending at @end), two pages' worth at
 * @two, 256 bytes of output at @out, and a pattern to write. */
struct runs {
    struct kt k;
    uint64_t end, two, out;
    uint8_t fill[256];
};

static void runs_init(struct runs *r, uint8_t pattern)
{
    kt_init(&r->k, td, 1, NULL, 64 << 10, true);
    r->end = KT_VA_BASE + r->k.size;
    r->two = kt_alloc(&r->k, 8192);
    r->out = kt_alloc(&r->k, 256);
    for (unsigned i = 0; i < sizeof(r->fill); i++) {
        r->fill[i] = (uint8_t)(pattern ^ i);
    }
}

/* The launch @l of a run of @sz-byte accesses at @base (the second
 * half-warp's @half bytes after the first's) ran: a load copied the
 * pattern to the output, a store wrote each lane's address at it. */
static void runs_check(struct runs *r, const struct kt_launch *l, bool ld,
                       unsigned sz, uint64_t base, uint64_t half)
{
    uint8_t got[256];

    CU_ASSERT_EQUAL(kt_launch(&r->k, l), GV_ERR_NONE);
    if (ld) {
        kt_read(&r->k, r->out, got, 32 * sz);
        CU_ASSERT_EQUAL(memcmp(got, r->fill, 32 * sz), 0);
        return;
    }
    for (unsigned lane = 0; lane < 32; lane++) {
        uint64_t v = 0, va = base + (lane & 15) * sz + (lane >> 4) * half;

        kt_read(&r->k, va, &v, sz);
        CU_ASSERT_EQUAL(v, sz == 4 ? (uint32_t)va : va);
    }
}

/* The launch @l, its first half-warp's run of @sz-byte accesses at
 * @base (holding the pattern) and its output zeroed, faults by the
 * unmapped-page rule and changes neither. */
static void runs_fault(struct runs *r, const struct kt_launch *l,
                       unsigned sz, uint64_t base)
{
    uint8_t got[256], zero[256] = { 0 };

    kt_write(&r->k, base, r->fill, 16 * sz);
    kt_write(&r->k, r->out, zero, sizeof(zero));
    fresh();
    expect(kt_launch(&r->k, l), GV_RULE_COMPUTE_UNMAPPED,
           GV_RULE_COMPUTE_VA_RANGE);
    kt_read(&r->k, r->out, got, sizeof(got));
    CU_ASSERT_EQUAL(memcmp(got, zero, sizeof(got)), 0);
    kt_read(&r->k, base, got, 16 * sz);
    CU_ASSERT_EQUAL(memcmp(got, r->fill, 16 * sz), 0);
}

/* The coalesced path (a full warp's 32 consecutive accesses in one page:
 * one check, one translation) and the runs it leaves to the per-lane
 * path.  A run that crosses into an unmapped page faults by the same
 * rule and changes nothing; one that crosses between two mapped pages,
 * or ends at a page's end, runs; a misaligned run faults as misaligned. */
static void test_coalesced_runs(void)
{
    static const unsigned types[] = { GV_T_U32, GV_T_U64 };
    struct runs r;
    uint64_t bnd;
    uint8_t zero[256] = { 0 };

    runs_init(&r, 0xa5);
    bnd = (r.two + GV_PAGE_SIZE) & ~(uint64_t)(GV_PAGE_SIZE - 1);
    for (unsigned c = 0; c < 8; c++) {
        unsigned type = types[c & 1], sz = tsize(type);
        bool ld = c & 2, cross = !(c & 4);
        uint32_t len;
        uint8_t *img = mod_run(type, ld, &len);
        uint64_t params[2], base = cross ? r.end - 16 * sz : bnd - 16 * sz;
        struct kt_launch l = { .module_va = kt_load(&r.k, img, len),
                               .module_size = len, .block = { 32 },
                               .params = params, .param_size = 16 };

        params[0] = base;
        params[1] = r.out;
        if (cross) {
            runs_fault(&r, &l, sz, base);
        } else {
            kt_write(&r.k, base, r.fill, 32 * sz);
            kt_write(&r.k, r.out, zero, sizeof(zero));
            fresh();
            runs_check(&r, &l, ld, sz, base, 16 * sz);
        }
        /* the whole run at the end of the last mapped page */
        params[0] = r.end - 32 * sz;
        CU_ASSERT_EQUAL(kt_launch(&r.k, &l), GV_ERR_NONE);
        /* misaligned by 2: the per-lane path's rule */
        params[0] = bnd - 16 * sz + 2;
        fresh();
        expect(kt_launch(&r.k, &l), GV_RULE_COMPUTE_MISALIGNED,
               GV_RULE_COMPUTE_UNMAPPED);
        free(img);
    }
}

/* As mod_run, the halves apart: lane l at param0 + (l & 15) * size +
 * (l >> 4) * param2. */
static uint8_t *mod_half_run(unsigned type, bool ld, uint32_t *len)
{
    struct ka a;
    uint32_t p2;
    uint16_t size = tsize(type);

    mod_start(&a, 10);
    p2 = ka_param64(&a);
    ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 7, ka_k(&a, p2), 0, 0, 0);
    ka_op(&a, GV_I_AND, GV_T_U32, 0, 8, 0, ka_k(&a, 15), 0, 0);
    ka_op(&a, GV_I_MULWIDE, GV_T_U32, 0, 8, 8, ka_k(&a, size), 0, 0);
    ka_op(&a, GV_I_SHR, GV_T_U32, 0, 9, 0, ka_k(&a, 4), 0, 0);
    ka_op(&a, GV_I_MUL, GV_T_U64, 0, 9, 9, 7, 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U64, 0, 4, 1, 8, 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U64, 0, 4, 4, 9, 0, 0);
    ka_op(&a, GV_I_MULWIDE, GV_T_U32, 0, 3, 0, ka_k(&a, size), 0, 0);
    return mod_run_end(&a, type, ld, len);
}

/* Two half-warp runs (gv_global_fast_run: one check and translation
 * each): in two pages, both run; when the second half's run crosses
 * into an unmapped page (mutation global-run-page) the warp faults by
 * the same rule and changes nothing; the first half misaligned faults as
 * misaligned. */
static void test_half_runs(void)
{
    static const unsigned types[] = { GV_T_U32, GV_T_U64 };
    struct runs r;
    uint8_t zero[256] = { 0 };

    runs_init(&r, 0x3c);
    for (unsigned c = 0; c < 4; c++) {
        unsigned type = types[c & 1], sz = tsize(type);
        bool ld = c & 2;
        uint32_t len;
        uint8_t *img = mod_half_run(type, ld, &len);
        uint64_t params[3] = { r.two, r.out, 4096 };
        struct kt_launch l = { .module_va = kt_load(&r.k, img, len),
                               .module_size = len, .block = { 32 },
                               .params = params, .param_size = 24 };

        kt_write(&r.k, r.two, r.fill, 16 * sz);
        kt_write(&r.k, r.two + 4096, r.fill + 16 * sz, 16 * sz);
        kt_write(&r.k, r.out, zero, sizeof(zero));
        runs_check(&r, &l, ld, sz, r.two, 4096);
        /* the first half's run at the last page's middle, the second's
         * 8 accesses into the unmapped page after it */
        params[0] = r.end - 2048 - 8 * sz;
        params[2] = 2048;
        runs_fault(&r, &l, sz, params[0]);
        /* misaligned by 2 */
        params[0] = r.two + 2;
        params[2] = 4096;
        fresh();
        expect(kt_launch(&r.k, &l), GV_RULE_COMPUTE_MISALIGNED,
               GV_RULE_COMPUTE_UNMAPPED);
        free(img);
    }
}

/* Shared memory of SH_RUN_SIZE bytes, u32 word k = 7k + 1 (each lane
 * stores its own: 32 consecutive); then lane l loads a @type (or, with
 * @st, stores its id as one, then loads it) at param0 + (l & 15) * size
 * (@bcast false: a run of 16 per half-warp) or param0 + (l >> 4) * 8
 * (one offset per half), into out[l] (param1, @type's size apart). */
#define SH_RUN_SIZE 128u

static uint8_t *mod_shared_shape(unsigned type, bool bcast, bool st,
                                 uint32_t *len)
{
    struct ka a;
    uint16_t size = tsize(type);

    mod_start(&a, 10);
    a.shared_size = SH_RUN_SIZE;
    ka_op(&a, GV_I_MULWIDE, GV_T_U32, 0, 7, 0, ka_k(&a, 4), 0, 0);
    ka_op(&a, GV_I_MAD, GV_T_U32, 0, 8, 0, ka_k(&a, 7), ka_k(&a, 1), 0);
    ka_op(&a, GV_I_ST, GV_T_U32, GV_SPACE_SHARED, 0, 7, 8, 0, 0);
    if (bcast) {
        ka_op(&a, GV_I_SHR, GV_T_U32, 0, 3, 0, ka_k(&a, 4), 0, 0);
        ka_op(&a, GV_I_SHL, GV_T_U32, 0, 3, 3, ka_k(&a, 3), 0, 0);
    } else {
        ka_op(&a, GV_I_AND, GV_T_U32, 0, 3, 0, ka_k(&a, 15), 0, 0);
        ka_op(&a, GV_I_MUL, GV_T_U32, 0, 3, 3, ka_k(&a, size), 0, 0);
    }
    ka_op(&a, GV_I_ADD, GV_T_U64, 0, 4, 1, 3, 0, 0);
    if (st) {
        ka_op(&a, GV_I_ST, type, GV_SPACE_SHARED, 0, 4, 0, 0, 0);
    }
    ka_op(&a, GV_I_LD, type, GV_SPACE_SHARED, 5, 4, 0, 0, 0);
    ka_op(&a, GV_I_MULWIDE, GV_T_U32, 0, 7, 0, ka_k(&a, size), 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U64, 0, 6, 2, 7, 0, 0);
    ka_op(&a, GV_I_ST, type, GV_SPACE_GLOBAL, 0, 6, 5, 0, 0);
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    return ka_build(&a, len);
}

/* What mod_shared_shape leaves in out[] (@want, 32 elements of @sz
 * bytes), lane by lane in lane order as the ISA defines it; false if a
 * lane's access is out of range or misaligned (the launch faults). */
static bool shape_model(uint64_t base, bool bcast, bool st, unsigned sz,
                        uint8_t *want)
{
    uint8_t sh[SH_RUN_SIZE];

    for (uint32_t k = 0; k < SH_RUN_SIZE / 4; k++) {
        uint32_t v = 7 * k + 1;

        memcpy(sh + 4 * k, &v, 4);
    }
    for (unsigned pass = 0; pass < 2; pass++) {
        for (unsigned lane = 0; lane < 32; lane++) {
            uint64_t off = base + (bcast ? (lane >> 4) * 8
                                         : (lane & 15) * sz);
            uint64_t id = lane;

            if (off % sz || off > SH_RUN_SIZE - sz) {
                return false;
            }
            if (pass == 0 && st) {
                memcpy(sh + off, &id, sz);      /* little-endian host */
            } else if (pass == 1) {
                memcpy(want + lane * sz, sh + off, sz);
            }
        }
    }
    return true;
}

/* The full-warp shared shapes checked once per half-warp (a run of 16
 * consecutive elements, or one offset per half: gv_shared_halves), of
 * each fast width (LDS8, LDS32, LDS64; STS32) give what the per-lane
 * path gives: the values, the last lane's store of a broadcast, and a
 * fault by compute.shared_range for a run that passes the end by one
 * element (mutation shared-run), a misaligned run, a broadcast past the
 * end, and a run that wraps around 2^64. */
static void test_shared_shapes(void)
{
    static const unsigned types[] = { GV_T_U8, GV_T_U32, GV_T_U64 };
    struct kt k;
    uint64_t out;

    kt_init(&k, td, 1, NULL, 64 << 10, true);
    out = kt_alloc(&k, 256);
    for (unsigned c = 0; c < 3 * 2 * 2 * 8; c++) {
        unsigned type = types[c % 3], sz = tsize(type), b = c / 12;
        bool st = (c / 3) & 1, bcast = (c / 6) & 1;
        const uint64_t run[8] = { 0, SH_RUN_SIZE - 16 * sz,
                                  SH_RUN_SIZE - 15 * sz, 2, 0 - 32ull,
                                  SH_RUN_SIZE - 16 * sz + 1, 4, 1 };
        const uint64_t one[8] = { 0, SH_RUN_SIZE - 8 - sz, SH_RUN_SIZE - 8,
                                  0 - 4ull, 0 - 8ull, 2, 4, 1 };
        uint64_t params[2] = { bcast ? one[b] : run[b], out };
        uint8_t got[256], want[256], zero[256] = { 0 };
        uint32_t len;
        uint8_t *img = mod_shared_shape(type, bcast, st, &len);
        struct kt_launch l = { .module_va = kt_load(&k, img, len),
                               .module_size = len, .block = { 32 },
                               .params = params, .param_size = 16 };

        kt_write(&k, out, zero, sizeof(zero));
        fresh();
        if (!shape_model(params[0], bcast, st, sz, want)) {
            expect_shared_fault(&k, &l, out, sizeof(got));
        } else {
            CU_ASSERT_EQUAL(kt_launch(&k, &l), GV_ERR_NONE);
            kt_read(&k, out, got, 32 * sz);
            CU_ASSERT_EQUAL(memcmp(got, want, 32 * sz), 0);
        }
        free(img);
    }
}

/* Two shared loads and an fma.f32 (GV_K_LDFMA for a full warp): shared
 * word k = 0x3f800000 + (k << 16) for the @n threads' k (the others 0);
 * lane l loads r11 from param0 + (l >> 4) * 4 (one offset per half) and
 * r12 from param2 + (l & 15) * 4 (a run per half), r10 = fma(r11, r12,
 * 1.0f); with @diverge the odd lanes branch past the three.  out[l],
 * out[32 + l], out[64 + l] (u32 at param1): r10, r11, r12. */
static uint8_t *mod_ldfma(bool diverge, uint32_t *len)
{
    struct ka a;
    uint32_t p2, skip = 0;

    mod_start(&a, 16);
    p2 = ka_param64(&a);
    ka_op(&a, GV_I_LD, GV_T_U64, GV_SPACE_PARAM, 3, ka_k(&a, p2), 0, 0, 0);
    a.shared_size = 128;
    ka_op(&a, GV_I_SHL, GV_T_U32, 0, 8, 0, ka_k(&a, 16), 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U32, 0, 8, 8, ka_k(&a, 0x3f800000), 0, 0);
    ka_op(&a, GV_I_MULWIDE, GV_T_U32, 0, 7, 0, ka_k(&a, 4), 0, 0);
    ka_op(&a, GV_I_ST, GV_T_U32, GV_SPACE_SHARED, 0, 7, 8, 0, 0);
    ka_op(&a, GV_I_SHR, GV_T_U32, 0, 4, 0, ka_k(&a, 4), 0, 0);
    ka_op(&a, GV_I_SHL, GV_T_U32, 0, 4, 4, ka_k(&a, 2), 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U64, 0, 4, 1, 4, 0, 0);
    ka_op(&a, GV_I_AND, GV_T_U32, 0, 5, 0, ka_k(&a, 15), 0, 0);
    ka_op(&a, GV_I_SHL, GV_T_U32, 0, 5, 5, ka_k(&a, 2), 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U64, 0, 5, 3, 5, 0, 0);
    ka_op(&a, GV_I_MOV, GV_T_U32, 0, 10, ka_k(&a, 0x3f800000), 0, 0, 0);
    ka_op(&a, GV_I_MOV, GV_T_U32, 0, 11, ka_k(&a, 0x1234), 0, 0, 0);
    ka_op(&a, GV_I_MOV, GV_T_U32, 0, 12, ka_k(&a, 0x5678), 0, 0, 0);
    if (diverge) {
        ka_op(&a, GV_I_AND, GV_T_U32, 0, 13, 0, ka_k(&a, 1), 0, 0);
        ka_op(&a, GV_I_SETP, GV_T_U32, GV_CMP_NE, 14, 13, ka_k(&a, 0), 0, 0);
        skip = ka_bra(&a, 0);
        ka_guard(&a, 14, false);
    }
    ka_op(&a, GV_I_LD, GV_T_F32, GV_SPACE_SHARED, 11, 4, 0, 0, 0);
    ka_op(&a, GV_I_LD, GV_T_F32, GV_SPACE_SHARED, 12, 5, 0, 0, 0);
    ka_op(&a, GV_I_FMA, GV_T_F32, 0, 10, 11, 12, 10, 0);
    if (diverge) {
        ka_patch(&a, skip, a.n);
    }
    ka_op(&a, GV_I_MULWIDE, GV_T_U32, 0, 7, 0, ka_k(&a, 4), 0, 0);
    ka_op(&a, GV_I_ADD, GV_T_U64, 0, 6, 2, 7, 0, 0);
    for (uint16_t r = 10; r <= 12; r++) {
        ka_op(&a, GV_I_ST, GV_T_U32, GV_SPACE_GLOBAL, 0, 6, r, 0, 0);
        ka_op(&a, GV_I_ADD, GV_T_U64, 0, 6, 6, ka_k(&a, 128), 0, 0);
    }
    ka_op(&a, GV_I_EXIT, 0, 0, 0, 0, 0, 0, 0);
    return ka_build(&a, len);
}

/* What mod_ldfma leaves in out[] (96 words), lane by lane; false if an
 * active lane's load is out of range or misaligned (a fault). */
static bool ldfma_model(unsigned n, bool diverge, uint64_t b0, uint64_t b2,
                        uint32_t *want)
{
    for (unsigned l = 0; l < n; l++) {
        uint64_t off[2] = { b0 + (l >> 4) * 4, b2 + (l & 15) * 4 };
        uint32_t v[2];
        float x, y, z;

        want[l] = 0x3f800000;
        want[32 + l] = 0x1234;
        want[64 + l] = 0x5678;
        if (diverge && (l & 1)) {
            continue;
        }
        for (unsigned j = 0; j < 2; j++) {
            if (off[j] % 4 || off[j] > 124) {
                return false;
            }
            v[j] = off[j] / 4 < n ? 0x3f800000 + ((uint32_t)off[j] / 4 << 16)
                                  : 0;
        }
        memcpy(&x, &v[0], 4);
        memcpy(&y, &v[1], 4);
        z = fmaf(x, y, 1.0f);
        memcpy(&want[l], &z, 4);
        want[32 + l] = v[0];
        want[64 + l] = v[1];
    }
    return true;
}

/* Two shared loads and an fma as one dispatch (GV_K_LDFMA) give what the
 * instructions one by one give: full, partial (24 threads) and divergent
 * warps (mutation ldfma-partial: the odd lanes' registers kept), and a
 * fault by compute.shared_range for either load past the end or
 * misaligned (nothing stored). */
static void test_ldfma(void)
{
    static const uint64_t bases[6][2] = {
        { 0, 0 }, { 8, 64 }, { 124, 4 }, { 0, 68 }, { 2, 0 }, { 0, 2 },
    };
    struct kt k;
    uint64_t out;

    kt_init(&k, td, 1, NULL, 64 << 10, true);
    out = kt_alloc(&k, 512);
    for (unsigned c = 0; c < 4 * 6; c++) {
        unsigned n = c & 1 ? 24 : 32;
        bool diverge = c & 2;
        uint64_t params[3] = { bases[c / 4][0], out, bases[c / 4][1] };
        uint32_t got[96], want[96], zero[96] = { 0 }, len;
        uint8_t *img = mod_ldfma(diverge, &len);
        struct kt_launch l = { .module_va = kt_load(&k, img, len),
                               .module_size = len, .block = { n },
                               .params = params, .param_size = 24 };

        kt_write(&k, out, zero, sizeof(zero));
        fresh();
        if (!ldfma_model(n, diverge, params[0], params[2], want)) {
            expect_shared_fault(&k, &l, out, sizeof(got));
        } else {
            CU_ASSERT_EQUAL(kt_launch(&k, &l), GV_ERR_NONE);
            kt_read(&k, out, got, sizeof(got));
            for (unsigned j = 0; j < 96; j++) {
                if ((j & 31) < n && got[j] != want[j]) {
                    CU_FAIL("ldfma: a lane's value");
                    fprintf(stderr, "case %u word %u: %#x, want %#x\n", c,
                            j, got[j], want[j]);
                    break;
                }
            }
        }
        free(img);
    }
}

static void test_mmio(void)
{
    uint32_t bad = td_rd(td, GV_REG_BAD_ACCESS_COUNT);

    fresh();
    CU_ASSERT_EQUAL(td_rd(td, 0x0200), GV_REG_INVALID_READ);
    CU_ASSERT_EQUAL(hits(GV_RULE_MMIO_UNKNOWN_READ), 1);
    CU_ASSERT_EQUAL(hits(GV_RULE_MMIO_UNKNOWN_WRITE), 0);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_BAD_ACCESS_COUNT), bad + 1);
    /* a refused access is not an error report */
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_ERROR_RULE), GV_RULE_NONE);
    fresh();
    gv_mmio_read(td->dev, GV_REG_SCRATCH + 1, 2);
    CU_ASSERT_EQUAL(hits(GV_RULE_MMIO_BAD_SIZE), 1);
    CU_ASSERT_EQUAL(hits(GV_RULE_MMIO_UNKNOWN_READ), 0);
    fresh();
    CU_ASSERT_EQUAL(gv_aperture_read(td->dev, UNPROT, 4), 0xffffffffu);
    CU_ASSERT_EQUAL(hits(GV_RULE_APERTURE_PROTECTED), 1);
    CU_ASSERT_EQUAL(hits(GV_RULE_APERTURE_BAD_ACCESS), 0);

    /* the debug block is off: reads 0, writes refused and counted */
    fresh();
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_CAPS) & GV_CAP_DEBUG, 0);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_RULE_COUNT), 0);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_CHECK), 0);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_HIT_MAP), 0);
    CU_ASSERT_EQUAL(hits(GV_RULE_MMIO_UNKNOWN_READ), 0);
    bad = td_rd(td, GV_REG_BAD_ACCESS_COUNT);
    td_wr(td, GV_REG_DBG_CTRL, GV_DBG_CTRL_RESET_HITS);
    CU_ASSERT_EQUAL(hits(GV_RULE_MMIO_UNKNOWN_WRITE), 1);  /* not reset */
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_BAD_ACCESS_COUNT), bad + 1);
}

static void test_reset_counters(void)
{
    fresh();
    td_rd(td, 0x0200);
    td_wr(td, GV_REG_REGION_LOCK, GV_LOCK_MAGIC);
    CU_ASSERT_EQUAL(hits(GV_RULE_MMIO_UNKNOWN_READ), 1);
    CU_ASSERT_EQUAL(gv_dev_rule_hits_total(td->dev), 2);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_ERROR_RULE),
                    GV_RULE_REGIONS_ALREADY_LOCKED);
    /* ERROR_ACK clears the rule with the code */
    td_wr(td, GV_REG_ERROR_ACK, 1);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_ERROR_RULE), GV_RULE_NONE);
    /* the counters outlive a device reset (a fuzzer resets the device) */
    td_wr(td, GV_REG_REGION_LOCK, GV_LOCK_MAGIC);
    td_wr(td, GV_REG_RESET, GV_RESET_MAGIC);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_ERROR_RULE), GV_RULE_NONE);
    CU_ASSERT_EQUAL(hits(GV_RULE_REGIONS_ALREADY_LOCKED), 2);
    gv_dev_rule_hits_reset(td->dev);
    CU_ASSERT_EQUAL(gv_dev_rule_hits_total(td->dev), 0);
    for (unsigned r = 0; r < gv_rule_count(); r++) {
        CU_ASSERT_EQUAL(hits(r), 0);
    }
    /* the test bench's device is locked again for teardown's check */
    td_free(td);
    td = td_new(VRAM, UNPROT, PROT, false);
}

static void test_debug_block(void)
{
    uint64_t pmm_pa = UNPROT + PROT, last = pmm_pa + (PROT / 4096 - 1) * 8;
    uint64_t old, forged = 1ull << 8;           /* MAPPED, unreferenced */
    char why[GV_DBG_WHY_LEN + 1] = { 0 };

    td_free(td);
    td_debug = true;
    td = td_new(VRAM, UNPROT, PROT, false);
    td_debug = false;
    CU_ASSERT(td_rd(td, GV_REG_CAPS) & GV_CAP_DEBUG);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_RULE_COUNT), gv_rule_count());
    td_wr(td, GV_REG_DBG_CTRL, GV_DBG_CTRL_RESET_HITS);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_HITS_TOTAL), 0);

    td_rd(td, 0x0200);
    td_rd(td, 0x0200);
    td_wr(td, GV_REG_DBG_RULE_SEL, GV_RULE_MMIO_UNKNOWN_READ);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_RULE_SEL), GV_RULE_MMIO_UNKNOWN_READ);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_RULE_HITS_LO), 2);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_RULE_HITS_HI), 0);
    td_wr(td, GV_REG_DBG_RULE_SEL, GV_RULE_MMIO_UNKNOWN_WRITE);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_RULE_HITS_LO), 0);
    td_wr(td, GV_REG_DBG_RULE_SEL, 0xffff);     /* no such rule */
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_RULE_HITS_LO), 0);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_HITS_TOTAL), 2);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_HIT_MAP +
                              GV_RULE_MMIO_UNKNOWN_READ / 32 * 4),
                    1u << (GV_RULE_MMIO_UNKNOWN_READ % 32));

    /* the consistency check: fine, then a PMM entry forged in hidden
     * memory that no table accounts for */
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_CHECK), GV_DBG_CHECK_OK);
    gv_debug_read(td->dev, last, &old, 8);
    gv_debug_write(td->dev, last, &forged, 8);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_CHECK), GV_DBG_CHECK_FAILED);
    td_read_bytes(td->dev, GV_REG_DBG_CHECK_WHY, (uint8_t *)why,
                  GV_DBG_WHY_LEN);
    CU_ASSERT(strlen(why) > 0);
    gv_debug_write(td->dev, last, &old, 8);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_CHECK), GV_DBG_CHECK_OK);

    /* reset from the guest; RULE_COUNT is read-only */
    td_wr(td, GV_REG_DBG_CTRL, GV_DBG_CTRL_RESET_HITS);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_HITS_TOTAL), 0);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_HIT_MAP), 0);
    td_wr(td, GV_REG_DBG_RULE_COUNT, 5);
    CU_ASSERT_EQUAL(hits(GV_RULE_MMIO_UNKNOWN_WRITE), 1);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_RULE_COUNT), gv_rule_count());

    /* edge coverage (ABI 1.7): this core is not a coverage build, so the
     * map is absent and empty; clearing it is accepted, 3 is refused */
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_EDGE_MAP_SIZE), 0);
    CU_ASSERT_EQUAL(td_rd(td, GV_REG_DBG_EDGES), 0);
    td_wr(td, GV_REG_DBG_CTRL, GV_DBG_CTRL_RESET_EDGES);
    CU_ASSERT_EQUAL(hits(GV_RULE_MMIO_UNKNOWN_WRITE), 1);
    td_wr(td, GV_REG_DBG_CTRL, 3);
    CU_ASSERT_EQUAL(hits(GV_RULE_MMIO_UNKNOWN_WRITE), 2);
    td_wr(td, GV_REG_DBG_EDGES, 1);             /* read-only */
    CU_ASSERT_EQUAL(hits(GV_RULE_MMIO_UNKNOWN_WRITE), 3);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test t[] = {
        { "the table: dense, unique dotted names, every error",
          test_table },
        { "regions and bootstrap before the lock", test_regions },
        { "bootstrap and channel registers", test_bootstrap },
        { "CH_CREATE", test_ch_create },
        { "CH_PDE", test_ch_pde },
        { "CH_PTE", test_ch_pte },
        { "CH_DESTROY", test_ch_destroy },
        { "CH_MEASURE", test_ch_measure },
        { "group authentication", test_group_auth },
        { "copy engine", test_copy_engine },
        { "compute faults, attributed when the launch ends",
          test_compute_faults },
        { "coalesced global runs: page ends, unmapped and misaligned",
          test_coalesced_runs },
        { "half-warp global runs: two pages, unmapped, misaligned",
          test_half_runs },
        { "full-warp shared shapes: runs and broadcasts, ends, wraps",
          test_shared_shapes },
        { "two shared loads and an fma in one dispatch: as one by one",
          test_ldfma },
        { "MMIO; the debug block off", test_mmio },
        { "counters: reset, kept across a device reset",
          test_reset_counters },
        { "the debug block on", test_debug_block },
        { NULL, NULL },
    };

    return gv_add_suite("rules", setup, teardown, t);
}
