/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest: the named refusals through the real QEMU device.  ERROR_RULE
 * names the rule of a refused region lock; the trace events carry it; the
 * debug block of BAR0 reads 0 and refuses writes without debug=on, and
 * with it gives the rule count, the counters, the hit map and the core's
 * consistency check.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "graviton/gv_cmds.h"
#include "graviton/gv_regs.h"
#include "graviton/gv_rules.h"
#include "qtest_client.h"

#define DEV         4
#define BAR0        0xc0000000ull
#define BAR2        0x100000000ull
#define UNPROT      (8ull << 20)
#define PROT        (48ull << 20)

static struct qt *qt;
static char dir[64];

static uint32_t rd(uint32_t reg)
{
    return (uint32_t)qt_read(qt, BAR0 + reg, 4);
}

static void wr(uint32_t reg, uint32_t val)
{
    qt_write(qt, BAR0 + reg, 4, val);
}

static void start(const char *props)
{
    char args[512];

    snprintf(dir, sizeof(dir), "/tmp/gvru-XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    snprintf(args, sizeof(args), "-m 256M -trace graviton_refused "
             "-trace graviton_err_* -D %s/qemu.log "
             "-device graviton-gpu,addr=%02x.0,vram-size=64M%s", dir, DEV,
             props);
    qt = qt_start(args);
    CU_ASSERT_PTR_NOT_NULL_FATAL(qt);
    qt_place_bars(qt, DEV, (uint32_t)BAR0, BAR2);
}

static void stop(void)
{
    char cmd[128];

    CU_ASSERT_FALSE(qt->broken);
    qt_quit(qt);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

/* Does QEMU's log (the trace events) hold @needle? */
static bool log_has(const char *needle)
{
    char path[128], *buf;
    FILE *f;
    size_t n;
    bool found;

    snprintf(path, sizeof(path), "%s/qemu.log", dir);
    f = fopen(path, "r");
    if (!f) {
        return false;
    }
    buf = calloc(1, 1 << 20);
    n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    found = n && strstr(buf, needle);
    free(buf);
    return found;
}

/* U = 0: the lock is refused by regions.no_unprot. */
static void refused_lock(void)
{
    wr(GV_REG_PROT_SIZE_LO, (uint32_t)PROT);
    wr(GV_REG_REGION_LOCK, GV_LOCK_MAGIC);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_CODE), GV_ERR_REGION_CONFIG);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_RULE), GV_RULE_REGIONS_NO_UNPROT);
}

static void test_debug_off(void)
{
    uint32_t bad;

    start("");
    CU_ASSERT_EQUAL(rd(GV_REG_VERSION), GV_ABI_VERSION);
    CU_ASSERT_EQUAL(rd(GV_REG_CAPS) & GV_CAP_DEBUG, 0);
    refused_lock();
    CU_ASSERT(log_has("graviton_refused"));
    CU_ASSERT(log_has("regions.no_unprot"));
    CU_ASSERT(log_has("graviton_err_regions"));
    wr(GV_REG_ERROR_ACK, 1);
    CU_ASSERT_EQUAL(rd(GV_REG_ERROR_RULE), GV_RULE_NONE);

    /* every register of the block reads 0; writes are refused */
    bad = rd(GV_REG_BAD_ACCESS_COUNT);
    CU_ASSERT_EQUAL(rd(GV_REG_DBG_RULE_COUNT), 0);
    CU_ASSERT_EQUAL(rd(GV_REG_DBG_RULE_HITS_LO), 0);
    CU_ASSERT_EQUAL(rd(GV_REG_DBG_CHECK), 0);
    CU_ASSERT_EQUAL(rd(GV_REG_DBG_HIT_MAP), 0);
    CU_ASSERT_EQUAL(rd(GV_REG_BAD_ACCESS_COUNT), bad);
    wr(GV_REG_DBG_RULE_SEL, GV_RULE_REGIONS_NO_UNPROT);
    wr(GV_REG_DBG_CTRL, GV_DBG_CTRL_RESET_HITS);
    CU_ASSERT_EQUAL(rd(GV_REG_BAD_ACCESS_COUNT), bad + 2);
    CU_ASSERT_EQUAL(rd(GV_REG_DBG_RULE_HITS_LO), 0);
    stop();
}

static void test_debug_on(void)
{
    unsigned r = GV_RULE_REGIONS_NO_UNPROT;

    start(",debug=on");
    CU_ASSERT(rd(GV_REG_CAPS) & GV_CAP_DEBUG);
    CU_ASSERT_EQUAL(rd(GV_REG_DBG_RULE_COUNT), GV_RULE__COUNT);
    wr(GV_REG_DBG_CTRL, GV_DBG_CTRL_RESET_HITS);
    CU_ASSERT_EQUAL(rd(GV_REG_DBG_HITS_TOTAL), 0);

    refused_lock();
    refused_lock();
    wr(GV_REG_DBG_RULE_SEL, r);
    CU_ASSERT_EQUAL(rd(GV_REG_DBG_RULE_HITS_LO), 2);
    CU_ASSERT_EQUAL(rd(GV_REG_DBG_RULE_HITS_HI), 0);
    CU_ASSERT_EQUAL(qt_read(qt, BAR0 + GV_REG_DBG_RULE_HITS_LO, 8), 2);
    CU_ASSERT_EQUAL(rd(GV_REG_DBG_HITS_TOTAL), 2);
    CU_ASSERT_EQUAL(rd(GV_REG_DBG_HIT_MAP + r / 32 * 4), 1u << (r % 32));
    wr(GV_REG_DBG_RULE_SEL, GV_RULE_REGIONS_UNALIGNED);
    CU_ASSERT_EQUAL(rd(GV_REG_DBG_RULE_HITS_LO), 0);

    /* the consistency check, before and after the lock */
    CU_ASSERT_EQUAL(rd(GV_REG_DBG_CHECK), GV_DBG_CHECK_OK);
    wr(GV_REG_UNPROT_SIZE_LO, (uint32_t)UNPROT);
    wr(GV_REG_REGION_LOCK, GV_LOCK_MAGIC);
    CU_ASSERT_EQUAL(rd(GV_REG_REGION_LOCK), 1);
    CU_ASSERT_EQUAL(rd(GV_REG_DBG_CHECK), GV_DBG_CHECK_OK);
    CU_ASSERT_EQUAL(rd(GV_REG_DBG_CHECK_WHY), 0);

    /* the counters outlive a device reset; the guest resets them */
    wr(GV_REG_RESET, GV_RESET_MAGIC);
    wr(GV_REG_DBG_RULE_SEL, r);
    CU_ASSERT_EQUAL(rd(GV_REG_DBG_RULE_HITS_LO), 2);
    wr(GV_REG_DBG_CTRL, GV_DBG_CTRL_RESET_HITS);
    CU_ASSERT_EQUAL(rd(GV_REG_DBG_RULE_HITS_LO), 0);
    CU_ASSERT_EQUAL(rd(GV_REG_DBG_HITS_TOTAL), 0);
    stop();
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test t[] = {
        { "ERROR_RULE, trace events; debug block off by default",
          test_debug_off },
        { "debug=on: rule count, counters, hit map, consistency check",
          test_debug_on },
        { NULL, NULL },
    };

    return gv_add_suite("qtest-rules", NULL, NULL, t);
}
