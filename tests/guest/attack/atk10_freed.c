/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 10: uninitialised-memory leak: a freed or destroyed secure page
 * is read by its next owner (it must have been scrubbed).
 *
 * The attacker finds the victim's secret pages, lets the victim give them
 * back, maps each into a normal channel of its own (they are FREE now, so
 * the device allows it) and copies it out.  Four ways the pages come back:
 * freed the runtime's way (cleared, then the unmap MAC), unmapped with the
 * MAC but not cleared (the device's scrub on an authorised unmap), the
 * channel destroyed with the runtime's MAC, and the victim killed (the
 * driver's unauthorised CH_DESTROY).  Each time: zeros, no secret.
 */
#include <signal.h>
#include <sys/wait.h>

#include "atk.h"

#define PROBE_VA (3ull << GV_PDE_SHIFT)
#define READ_VA  (2ull << GV_PDE_SHIFT)

/* Map each page, copy it out: all zero?  (-1: a page could not be
 * mapped, i.e. it was not given back) */
static int read_back(struct gva *a, struct gva_chan *ch,
                     const struct atk_pages *p, const uint8_t *secret)
{
    int zero = 1;

    for (unsigned i = 0; i < p->ndata; i++) {
        uint8_t *out = ch->buf.cpu + GVA_HOST_OFF;
        struct gv_cmd_copy c = gva_copy(GV_COPY_DST_HOST, READ_VA,
                                        GVA_HOST_OFF, GV_PAGE_SIZE);

        if (gva_map(a, ch, READ_VA, p->data[i], 1, false, GV_PTE_VALID)) {
            return -1;
        }
        memset(out, 0xee, GV_PAGE_SIZE);
        if (gva_chan_run(a, ch, &c, sizeof(c)) != 0) {
            zero = 0;
        }
        for (unsigned k = 0; k < GV_PAGE_SIZE; k++) {
            zero &= out[k] == 0;
        }
        if (gva_scan(out, GV_PAGE_SIZE, secret, GVV_SECRET_LEN)) {
            zero = 0;
        }
        gva_unmap(a, ch, READ_VA, 1, false);
    }
    return zero;
}

static void one_way(struct gva *a, struct gvv *v, struct gva_chan *probe,
                    enum gvv_cmd how, const char *what)
{
    struct atk_pages p;
    uint8_t secret[GVV_SECRET_LEN];
    int r = atk_find_secret(a, v, probe, PROBE_VA, 8192, &p);

    CHECK(r == 0, "%s: the secret's %u pages found (%d)", what, p.ndata, r);
    memcpy(secret, v->info.secret, sizeof(secret));
    if (how == GVV_EXIT) {
        kill(v->pid, SIGKILL);
        waitpid(v->pid, NULL, 0);
        v->pid = 0;
        r = 0;
    } else {
        r = gvv_cmd(v, how, 0, 0, NULL, 0, NULL);
    }
    ACCEPTED(r, "%s: done", what);
    r = read_back(a, probe, &p, secret);
    CHECK(r == 1, "%s: the attacker maps each freed page and copies it "
          "out: %s", what, r < 0 ? "a page was not freed" :
          r ? "zeros" : "NOT ZERO");
}

int main(void)
{
    struct gva a;
    struct gvv v;
    struct gva_chan probe;
    int r;

    printf("attack 10: read freed and destroyed secure pages\n");
    atk_setup(&a, &v, 1, 0);
    r = gva_chan_create(&a, &probe, 0, 0);
    ACCEPTED(r, "attacker: a normal channel");

    one_way(&a, &v, &probe, GVV_FREE, "freed the runtime's way (cleared, "
            "unmap MAC)");
    r = gvv_cmd(&v, GVV_RUN, 0, 0, NULL, 0, NULL);
    ACCEPTED(r, "the victim goes on");
    one_way(&a, &v, &probe, GVV_UNMAP, "unmapped with the runtime's MAC, "
            "not cleared (the device's scrub)");
    atk_no_leak(&a, &v, "after the frees");
    r = gvv_cmd(&v, GVV_RUN, 0, 0, NULL, 0, NULL);
    ACCEPTED(r, "the victim goes on");
    one_way(&a, &v, &probe, GVV_DESTROY, "its channel destroyed with the "
            "runtime's MAC");
    CHECK(gvv_stop(&v) == 0, "victim exited");

    r = gvv_start(&v, 1, 0);
    ACCEPTED(r, "a second victim");
    one_way(&a, &v, &probe, GVV_EXIT, "the victim killed (the driver "
            "reclaims: unauthorised CH_DESTROY)");
    gva_chan_destroy(&a, &probe);
    return atk_finish(&a, &v);
}
