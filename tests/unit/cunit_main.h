/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef GV_CUNIT_MAIN_H
#define GV_CUNIT_MAIN_H

#include <CUnit/CUnit.h>

/* Defined by each test program: add its suites to the registry. */
int gv_register_suites(void);

struct gv_cunit_test {
    const char *name;
    CU_TestFunc fn;
};

/* Add a suite; @setup/@teardown run around every test (may be NULL). */
static inline int gv_add_suite(const char *name, void (*setup)(void),
                               void (*teardown)(void),
                               const struct gv_cunit_test *tests)
{
    CU_pSuite s = CU_add_suite_with_setup_and_teardown(name, NULL, NULL,
                                                       setup, teardown);

    if (!s) {
        return -1;
    }
    for (; tests->name; tests++) {
        if (!CU_add_test(s, tests->name, tests->fn)) {
            return -1;
        }
    }
    return 0;
}

#endif /* GV_CUNIT_MAIN_H */
