/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared CUnit runner.  Each test program defines gv_register_suites();
 * run with no argument for every suite, or with suite names to run those.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "cunit_main.h"

int main(int argc, char **argv)
{
    unsigned failed;

    if (CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
        return 2;
    }
    if (gv_register_suites() != 0) {
        fprintf(stderr, "CUnit: cannot register suites: %s\n",
                CU_get_error_msg());
        CU_cleanup_registry();
        return 2;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            CU_pSuite s = CU_get_suite(argv[i]);

            if (!s) {
                fprintf(stderr, "no suite named %s\n", argv[i]);
                CU_cleanup_registry();
                return 2;
            }
            CU_basic_run_suite(s);
        }
    } else {
        CU_basic_run_tests();
    }
    failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
