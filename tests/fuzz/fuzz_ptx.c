/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harness for the PTX translator (ptx/): the input is PTX text.  The
 * translator must never crash, refuse with a clean message ("line N: "
 * and a reason, docs/ptx.md), and whatever it accepts must be a module
 * the ISA checker and the device's validator accept too: a translated
 * module LAUNCH refuses is a translator bug (a finding: abort).  The
 * messages' constructs are counted as "checks reached".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "gv_ptx.h"

#define CHECK_NAMES 128
static char names[CHECK_NAMES][48];
static unsigned nnames;

/* "line N: " then something. */
static bool clean_message(const char *m)
{
    if (strncmp(m, "line ", 5) != 0 || !isdigit((unsigned char)m[5])) {
        return false;
    }
    m += 5;
    while (isdigit((unsigned char)*m)) {
        m++;
    }
    return m[0] == ':' && m[1] == ' ' && m[2] != 0;
}

/* The construct a message names ("line N: construct: why"). */
static void note_construct(const char *m)
{
    const char *p = strchr(m, ':');
    const char *q = p ? strchr(p + 2, ':') : NULL;
    size_t len;

    if (!p || !q || nnames >= CHECK_NAMES) {
        return;
    }
    len = (size_t)(q - (p + 2));
    len = len < sizeof(names[0]) - 1 ? len : sizeof(names[0]) - 1;
    memcpy(names[nnames], p + 2, len);
    names[nnames][len] = 0;
    for (unsigned k = 0; k < nnames; k++) {
        if (!strcmp(names[k], names[nnames])) {
            return;
        }
    }
    fz_note_check(names[nnames++]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256], why[256];
    uint8_t *out = NULL;
    size_t n = 0;

    fz_set_name("fuzz-ptx");
    fz_rules_begin(NULL);
    err[0] = 0;
    if (gv_ptx_translate((const char *)data, size, &out, &n, err,
                         sizeof(err)) != 0) {
        if (out || !clean_message(err)) {
            fprintf(stderr, "fuzz-ptx: refusal without a clean message: "
                    "\"%s\"\n", err);
            abort();
        }
        note_construct(err);
        return 0;
    }
    if (gv_isa_check(out, n, why, sizeof(why)) != 0 ||
        gv_compute_check_module(out, (uint32_t)n, why, sizeof(why)) != 0) {
        fprintf(stderr, "fuzz-ptx: translated module refused: %s\n", why);
        abort();
    }
    fz_note_check("translated");
    free(out);
    return 0;
}

#ifndef GV_LIBFUZZER
int main(int argc, char **argv)
{
    fz_set_name("fuzz-ptx");
    return fz_replay_main(argc, argv, 256);
}
#endif
