/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attack 16: device escape.  A kernel (or a copy) whose shared, local,
 * parameter or global offset wraps around 2^64, aimed at the emulator's
 * own memory.
 *
 * The attacker needs no victim's help: a normal channel of its own and
 * hand-assembled kernels whose single load, store or atomic uses an
 * address of 2^64 - 8 (or 0 with a displacement of -8) in each space, or
 * an offset just past the space; and copies whose ranges wrap.  The engine
 * must stop each launch with FAULT (QEMU must not crash or write outside
 * the space: a store to shared offset -8 used to overwrite the allocator's
 * header); the device and the victim go on.
 */
#include "atk.h"

#define MOD_VA  (3ull << GV_PDE_SHIFT)
#define OUT_VA  ((3ull << GV_PDE_SHIFT) + (512ull << GV_PAGE_SHIFT))
#define TOP     (~0ull - 7)

struct wrap {
    const char *what;
    uint8_t op, space;
    uint64_t addr;
    int16_t disp;
    uint8_t type;
    bool inside;        /* a control: in bounds, must run */
};

static const struct wrap cases[] = {
    { "st.shared at 8 (inside)", GV_I_ST, GV_SPACE_SHARED, 8, 0, GV_T_U64,
      true },
    { "ld.local at 8 (inside)", GV_I_LD, GV_SPACE_LOCAL, 8, 0, GV_T_U64,
      true },
    { "ld.param at 0 (inside)", GV_I_LD, GV_SPACE_PARAM, 0, 0, GV_T_U64,
      true },
    { "st.shared at 2^64-8", GV_I_ST, GV_SPACE_SHARED, TOP, 0,
      GV_T_U64, false },
    { "ld.shared at 2^64-8", GV_I_LD, GV_SPACE_SHARED, TOP, 0,
      GV_T_U64, false },
    { "ld.shared at 0 - 8 (displacement)", GV_I_LD, GV_SPACE_SHARED, 0, -8,
      GV_T_U64, false },
    { "st.shared just past its 16 bytes", GV_I_ST, GV_SPACE_SHARED, 16, 0,
      GV_T_U64, false },
    { "atom.shared.add at 2^64-4", GV_I_ATOM, GV_SPACE_SHARED, ~0ull - 3, 0,
      GV_T_U32, false },
    { "st.local at 2^64-8", GV_I_ST, GV_SPACE_LOCAL, TOP, 0, GV_T_U64, false },
    { "ld.local at 2^64-8", GV_I_LD, GV_SPACE_LOCAL, TOP, 0, GV_T_U64, false },
    { "st.local at 0 - 8 (displacement)", GV_I_ST, GV_SPACE_LOCAL, 0, -8,
      GV_T_U64, false },
    { "ld.param at 2^64-8", GV_I_LD, GV_SPACE_PARAM, TOP, 0, GV_T_U64, false },
    { "ld.param just past its 8 bytes", GV_I_LD, GV_SPACE_PARAM, 8, 0,
      GV_T_U64, false },
    { "ld.global at 2^64-8", GV_I_LD, GV_SPACE_GLOBAL, TOP, 0,
      GV_T_U64, false },
    { "st.global at 2^64-8", GV_I_ST, GV_SPACE_GLOBAL, TOP, 0,
      GV_T_U64, false },
    { "ld (generic) at 2^64-8", GV_I_LD, GV_SPACE_GENERIC, TOP, 0,
      GV_T_U64, false },
    { "ld (generic) at the end of the shared window", GV_I_LD,
      GV_SPACE_GENERIC, GV_GENERIC_SHARED + GV_GENERIC_WINDOW - 8, 0,
      GV_T_U64, false },
    { "st (generic) at the end of the local window", GV_I_ST,
      GV_SPACE_GENERIC, GV_GENERIC_LOCAL + GV_GENERIC_WINDOW - 8, 0,
      GV_T_U64, false },
};

static uint8_t *assemble(const struct wrap *w, uint32_t *size)
{
    struct gva_kasm k = { .nregs = 2, .shared_size = 16, .local_size = 16,
                          .param_size = 8 };
    uint16_t addr, e = (uint16_t)w->disp;
    char err[200] = "";

    addr = gva_k(&k, w->addr);
    switch (w->op) {
    case GV_I_ST:
        gva_kins(&k, GV_I_ST, w->type, w->space, GV_ISA_NONE, addr,
                 gva_k(&k, 0x4141414141414141ull), e);
        break;
    case GV_I_ATOM:
        gva_kins(&k, GV_I_ATOM, w->type, w->space | GV_ATOM_ADD << 4, 0, addr,
                 gva_k(&k, 1), e);
        break;
    default:
        gva_kins(&k, GV_I_LD, w->type, w->space, 0, addr, GV_ISA_NONE, e);
        break;
    }
    /* what was read goes where the attacker can see it */
    gva_kins(&k, GV_I_ST, GV_T_U64, GV_SPACE_GLOBAL, GV_ISA_NONE,
             gva_k(&k, OUT_VA), 0, 0);
    gva_kins(&k, GV_I_EXIT, GV_T_NONE, 0, GV_ISA_NONE, GV_ISA_NONE,
             GV_ISA_NONE, 0);
    uint8_t *img = gva_kimage(&k, size, err, sizeof(err));

    if (!img) {
        printf("  # %s: %s\n", w->what, err);
    }
    return img;
}

int main(void)
{
    struct gva a;
    struct gvv v;
    struct gva_chan mine;
    struct gv_cmd_copy c;
    struct gv_cmd_fence f;
    uint64_t out, param = 0x1234, got;
    int r;

    printf("attack 16: offsets that wrap around 2^64, aimed at the "
           "emulator\n");
    atk_setup(&a, &v, 1, 4096);
    r = gva_chan_create(&a, &mine, 0, 0);
    ACCEPTED(r, "attacker: a normal channel");
    out = gva_unprot_pages(&a, GV_PAGE_SIZE);
    r = gva_map(&a, &mine, OUT_VA, out, 1, false, GV_PTE_VALID);
    ACCEPTED(r, "its output page");

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t size;
        uint8_t *img = assemble(&cases[i], &size);

        got = 0xdeadbeef;
        gva_bar2_write(&a, out, &got, 8);
        r = img ? gva_launch(&a, &mine, MOD_VA, img, size, 1, &param,
                             sizeof(param)) : -EINVAL;
        gva_bar2_read(&a, out, &got, 8);
        if (cases[i].inside) {
            CHECK(r == 0 && got != 0xdeadbeef, "control: %s: runs (%s)",
                  cases[i].what, gva_err_name(r));
        } else {
            CHECK(r == GV_ERR_FAULT && got == 0xdeadbeef &&
                  gva_rd(&a, GV_REG_ID) == GV_ID_MAGIC,
                  "kernel: %s: %s, nothing written, the device alive",
                  cases[i].what, gva_err_name(r));
        }
        free(img);
    }

    c = gva_copy(GV_COPY_DST_HOST, ~0ull - 15, GVA_HOST_OFF, 32);
    r = gva_chan_run(&a, &mine, &c, sizeof(c));
    REFUSED(r, GV_ERR_FAULT, "COPY from a device range wrapping 2^64");
    c = gva_copy(GV_COPY_SRC_HOST, GVA_HOST_OFF, ~0ull - 15, 32);
    r = gva_chan_run(&a, &mine, &c, sizeof(c));
    REFUSED(r, GV_ERR_FAULT, "COPY to a device range wrapping 2^64");
    c = gva_copy(GV_COPY_SRC_HOST, ~0ull - 7, OUT_VA, 16);
    r = gva_chan_run(&a, &mine, &c, sizeof(c));
    REFUSED(r, GV_ERR_BAD_ADDRESS, "COPY from a host-window offset "
            "wrapping 2^64");
    c = gva_copy(GV_COPY_DST_HOST, OUT_VA, ~0ull - 7, 16);
    r = gva_chan_run(&a, &mine, &c, sizeof(c));
    REFUSED(r, GV_ERR_BAD_ADDRESS, "COPY to a host-window offset wrapping "
            "2^64");
    f = gva_fence(OUT_VA, 7);
    r = gva_chan_run(&a, &mine, &f, sizeof(f));
    gva_bar2_read(&a, out, &got, 8);
    CHECK(r == 0 && got == 7, "the attacker's channel still runs a fence "
          "(%s)", gva_err_name(r));

    atk_no_leak(&a, &v, "after the wrapping offsets");
    atk_victim_ok(&v, 0, "after the wrapping offsets");
    gva_chan_destroy(&a, &mine);
    return atk_finish(&a, &v);
}
