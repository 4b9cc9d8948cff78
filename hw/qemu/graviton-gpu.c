/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU glue for the Graviton trusted GPU (PCIe device "graviton-gpu").
 *
 * All device behaviour lives in the QEMU-independent core (../core/); this
 * file only connects it to QEMU: BAR0 registers, the BAR2 device-memory
 * aperture, MSI (or INTx), guest DMA through one checked helper, reset and
 * properties.
 *
 * Properties:
 *   vram-size   device memory in bytes (default 256 MiB; a multiple of
 *               2 MiB between 16 MiB and 64 GiB).  BAR2 is this size
 *               rounded up to a power of two.
 *   msi         use MSI (default on); off falls back to INTx.
 *   ek          PEM file with the device's endorsement key (made by
 *               tools/gv-provision).  Without it the device has no
 *               attestation and refuses secure channels.
 *   sms         compute-engine worker threads, at most 16 (default 0:
 *               one per host CPU).
 *   launch-timeout-ms
 *               watchdog: a kernel running longer is stopped with
 *               GV_ERR_TIMEOUT (default 60000; 0 = never).
 *   debug       the debug block of BAR0 (default off): per-rule hit
 *               counters of the named refusals and the core's consistency
 *               check, for guest fuzzers (docs/registers.md).  Off, its
 *               registers read 0 and writes to them are refused.
 *   timing      the device-time model (docs/devtime.md): off (default),
 *               titan-black or h100; the modelled device clock reads in
 *               the DEVTIME registers.
 *   aes-engine  with timing: command groups are decrypted by a hardware
 *               AES-GCM engine (default off: in firmware, the paper's
 *               software emulation).
 *   x-dma-check testing only (default on): off skips the check of DMA and
 *               MSI targets below, leaving the re-entrancy backstops
 *               (the core's busy guard, the config-space guard) alone,
 *               so that tests can see those work.
 *
 * Re-entrancy (design attack 20): the device must never run inside
 * itself.  QEMU 7.2.0 has no guard of its own (Debian's 7.2.x backports
 * 8.0's, which blocks re-entrant MMIO into a device's own regions but not
 * its config space), so (1) every DMA must land in guest RAM that is not
 * the device's own (not a BAR, not MMIO, not PCI config space through
 * MMCONFIG) and every MSI outside the device's BARs, other devices and
 * any PCI config space, else it is refused before it starts; (2) the
 * core refuses an access that arrives while it is busy, and so do the PCI
 * config-space hooks here.
 *
 * Every refusal of the core (a named rule, docs/rules.md) is a trace
 * event: graviton_refused for all of them, and graviton_err_<family>
 * (graviton_err_ch_pte, ...) per family of rules, e.g.
 * -trace 'graviton_err_*'.
 *
 * Kernels run on the core's worker threads; when one ends the core calls
 * engine_done() from that thread, which schedules a bottom half, and the
 * bottom half finishes the launch on the main loop (fence, interrupts).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qemu/rcu.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/pci/msi.h"
#include "hw/pci/pcie.h"
#include "hw/pci/pci_host.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "qom/object.h"
#include "trace.h"

#include "../core/gv_core.h"
#include "graviton/gv_regs.h"

/*
 * The engine's bottom half runs under the device's re-entrancy guard
 * (qemu_bh_new_guarded, QEMU 8.0, backported to Debian 12's 7.2); a QEMU
 * without it would leave the bottom half unguarded, so it is refused.
 */
#ifndef qemu_bh_new_guarded
#error "this QEMU lacks qemu_bh_new_guarded (use Debian 12's QEMU 7.2)"
#endif

#define TYPE_GRAVITON_GPU "graviton-gpu"
OBJECT_DECLARE_SIMPLE_TYPE(GravitonGPUState, GRAVITON_GPU)

struct GravitonGPUState {
    PCIDevice parent_obj;

    MemoryRegion regs;
    MemoryRegion aperture;      /* BAR2: a container ... */
    MemoryRegion aperture_io;   /* ... over the trapped, checked path */
    MemoryRegion vram_ram;      /* device memory as RAM (never mapped whole) */
    MemoryRegion unprot_alias;  /* the unprotected region, mapped directly */
    struct gv_dev *core;
    QEMUBH *engine_bh;          /* finishes launches on the main loop */

    /* properties */
    uint64_t vram_size;
    bool msi;
    char *ek_path;
    uint32_t sms;
    uint32_t launch_timeout_ms;
    bool dma_check;
    bool debug;
    char *timing;
    bool aes_engine;
    bool solo_warps;
    bool jit;
    uint32_t jit_after;
};

/* ---- host services for the core ---- */

/*
 * What a DMA of [addr, addr + len) would reach, through the device's
 * bus-master address space: NULL if only guest RAM that is not the
 * device's own, else why it is refused.  The memory map cannot change
 * between this check and the DMA (both run under the BQL, with no guest
 * code in between).
 */
static const char *gv_dma_target_bad(GravitonGPUState *s, uint64_t addr,
                                     uint64_t len, bool is_write)
{
    AddressSpace *as = pci_get_address_space(PCI_DEVICE(s));

    RCU_READ_LOCK_GUARD();
    while (len) {
        hwaddr xlat, l = len;
        MemoryRegion *mr = address_space_translate(as, addr, &xlat, &l,
                                                   is_write,
                                                   MEMTXATTRS_UNSPECIFIED);
        Object *owner = memory_region_owner(mr);

        if (owner == OBJECT(s)) {
            return "it reaches the device's own BARs";
        }
        if (object_dynamic_cast(owner, TYPE_PCI_HOST_BRIDGE)) {
            return "it reaches PCI configuration space (MMCONFIG)";
        }
        if (!memory_region_is_ram(mr) || l == 0) {
            return "it is not guest RAM";
        }
        addr += l;
        len -= l;
    }
    return NULL;
}

/*
 * The one place guest DMA happens.  Refuses wrapping ranges and, unless
 * x-dma-check is off, anything but guest RAM (gv_dma_target_bad): the
 * core then reports FETCH or RESULT.
 */
static int gv_dma(GravitonGPUState *s, uint64_t addr, void *buf,
                  uint64_t len, DMADirection dir)
{
    bool is_write = dir == DMA_DIRECTION_FROM_DEVICE;
    const char *why = NULL;
    MemTxResult r;

    if (len == 0 || addr + len < addr) {
        why = "the range is empty or wraps";
    } else if (s->dma_check) {
        why = gv_dma_target_bad(s, addr, len, is_write);
    }
    if (why) {
        trace_graviton_dma_refused(addr, len, why);
        qemu_log_mask(LOG_GUEST_ERROR, "graviton-gpu: DMA %s at 0x%" PRIx64
                      "+0x%" PRIx64 " refused: %s\n",
                      is_write ? "write" : "read", addr, len, why);
        return -1;
    }
    r = pci_dma_rw(PCI_DEVICE(s), addr, buf, len, dir, MEMTXATTRS_UNSPECIFIED);
    if (r != MEMTX_OK) {
        trace_graviton_dma_failed(addr, len);
        return -1;
    }
    return 0;
}

static int gv_dma_read(void *opaque, uint64_t addr, void *buf, uint64_t len)
{
    return gv_dma(opaque, addr, buf, len, DMA_DIRECTION_TO_DEVICE);
}

static int gv_dma_write(void *opaque, uint64_t addr, const void *buf,
                        uint64_t len)
{
    return gv_dma(opaque, addr, (void *)buf, len, DMA_DIRECTION_FROM_DEVICE);
}

/*
 * Raising an MSI is a DMA write of the message data to the message
 * address, both programmed by the guest: aimed at the doorbell in BAR0 it
 * would ring a doorbell from inside the device.  Only an address outside
 * the device's BARs, other PCI devices' BARs and PCI config space is
 * written (x-dma-check off: any).
 */
static const char *gv_msi_target_bad(GravitonGPUState *s, uint64_t addr)
{
    AddressSpace *as = pci_get_address_space(PCI_DEVICE(s));
    hwaddr xlat, l = 4;
    MemoryRegion *mr;
    Object *owner;

    RCU_READ_LOCK_GUARD();
    mr = address_space_translate(as, addr, &xlat, &l, true,
                                 MEMTXATTRS_UNSPECIFIED);
    owner = memory_region_owner(mr);
    if (owner == OBJECT(s)) {
        return "it reaches the device's own BARs";
    }
    if (object_dynamic_cast(owner, TYPE_PCI_HOST_BRIDGE)) {
        return "it reaches PCI configuration space (MMCONFIG)";
    }
    if (object_dynamic_cast(owner, TYPE_PCI_DEVICE)) {
        return "it reaches another PCI device";
    }
    return NULL;
}

static bool gv_msi_ok(GravitonGPUState *s)
{
    MSIMessage msg = msi_get_message(PCI_DEVICE(s), 0);
    const char *why = s->dma_check ? gv_msi_target_bad(s, msg.address)
                                   : NULL;

    if (why) {
        trace_graviton_msi_refused(msg.address, msg.data, why);
        qemu_log_mask(LOG_GUEST_ERROR, "graviton-gpu: MSI to 0x%" PRIx64
                      " refused: %s\n", msg.address, why);
        return false;
    }
    return true;
}

static void gv_set_irq(void *opaque, bool level)
{
    GravitonGPUState *s = opaque;
    PCIDevice *pdev = PCI_DEVICE(s);

    trace_graviton_irq(level);
    if (msi_enabled(pdev)) {
        if (level && gv_msi_ok(s)) {
            msi_notify(pdev, 0);
        }
    } else {
        pci_set_irq(pdev, level);
    }
}

static void gv_qemu_guest_error(void *opaque, const char *msg)
{
    trace_graviton_guest_error(msg);
    qemu_log_mask(LOG_GUEST_ERROR, "%s\n", msg);
}

/*
 * Once the regions are locked the unprotected region is mapped straight
 * into BAR2 (over the trapped path), so guest accesses to it run at memory
 * speed; everything else of the BAR still goes through the core's checks.
 * The alias is made once at realize; a lock or reset only resizes and
 * enables or disables it, inside one transaction, so vCPUs reading the
 * memory map never see it half made or re-initialised in place.
 */
static void gv_regions_changed(void *opaque, uint64_t unprot_size)
{
    GravitonGPUState *s = opaque;

    memory_region_transaction_begin();
    if (unprot_size) {
        memory_region_set_size(&s->unprot_alias, unprot_size);
    }
    memory_region_set_enabled(&s->unprot_alias, unprot_size != 0);
    memory_region_transaction_commit();
    trace_graviton_unprot_window(unprot_size);
}

static void gv_engine_bh(void *opaque)
{
    GravitonGPUState *s = opaque;

    if (s->core) {
        gv_dev_engine_poll(s->core);
    }
}

/* Called from a compute-engine thread: qemu_bh_schedule is thread-safe. */
static void gv_engine_done(void *opaque)
{
    GravitonGPUState *s = opaque;

    qemu_bh_schedule(s->engine_bh);
}

/*
 * A check of the core refused something.  One trace event for every
 * refusal, and one per family of rules (the part of the rule's name
 * before the dot), so a family can be traced alone.
 */
typedef void (*GravitonErrTrace)(const char *rule, unsigned chid,
                                 uint64_t a, uint64_t b);

static const struct {
    const char *family;
    GravitonErrTrace trace;
} gv_err_families[] = {
    { "mmio", trace_graviton_err_mmio },
    { "aperture", trace_graviton_err_aperture },
    { "regions", trace_graviton_err_regions },
    { "boot", trace_graviton_err_boot },
    { "chreg", trace_graviton_err_chreg },
    { "ring", trace_graviton_err_ring },
    { "group", trace_graviton_err_group },
    { "cmd", trace_graviton_err_cmd },
    { "fence", trace_graviton_err_fence },
    { "mmu", trace_graviton_err_mmu },
    { "ch_create", trace_graviton_err_ch_create },
    { "attest", trace_graviton_err_attest },
    { "ch_pde", trace_graviton_err_ch_pde },
    { "ch_pte", trace_graviton_err_ch_pte },
    { "ch_destroy", trace_graviton_err_ch_destroy },
    { "ch_measure", trace_graviton_err_ch_measure },
    { "copy", trace_graviton_err_copy },
    { "copy_key", trace_graviton_err_copy_key },
    { "launch", trace_graviton_err_launch },
    { "compute", trace_graviton_err_compute },
};

static void gv_refused(void *opaque, unsigned rule, const char *name,
                       unsigned err, unsigned chid, uint64_t a, uint64_t b)
{
    size_t n = strcspn(name, ".");
    size_t i;

    trace_graviton_refused(rule, name, err, chid, a, b);
    for (i = 0; i < ARRAY_SIZE(gv_err_families); i++) {
        if (strlen(gv_err_families[i].family) == n &&
            !strncmp(name, gv_err_families[i].family, n)) {
            gv_err_families[i].trace(name, chid, a, b);
            return;
        }
    }
}

/*
 * A kernel function's regions were compiled, or could not be (they stay
 * interpreted).  Called from a compute-engine thread: a trace event only.
 */
static void gv_jit(void *opaque, bool ok, unsigned regions, unsigned insns,
                   const char *why)
{
    if (ok) {
        trace_graviton_jit_done(regions, insns);
    } else {
        trace_graviton_jit_failed(why);
    }
}

static const struct gv_host_ops gv_qemu_ops = {
    .dma_read = gv_dma_read,
    .dma_write = gv_dma_write,
    .set_irq = gv_set_irq,
    .guest_error = gv_qemu_guest_error,
    .regions_changed = gv_regions_changed,
    .engine_done = gv_engine_done,
    .refused = gv_refused,
    .jit = gv_jit,
};

/* ---- BAR0: registers ---- */

/*
 * An access that arrives while the core is busy came from the device
 * itself (its DMA or MSI, routed back here): the core refuses it (reads
 * all ones, writes dropped, BAD_ACCESS_COUNT, a guest error) and the
 * access fails, so the DMA that made it fails too.
 */
static MemTxResult gv_regs_read(void *opaque, hwaddr addr, uint64_t *val,
                                unsigned size, MemTxAttrs attrs)
{
    GravitonGPUState *s = opaque;
    bool reentry = gv_dev_busy(s->core);

    *val = gv_mmio_read(s->core, addr, size);
    if (reentry) {
        trace_graviton_reentry_refused("BAR0 read", addr, size);
        return MEMTX_ERROR;
    }
    trace_graviton_reg_read(addr, size, *val);
    return MEMTX_OK;
}

static MemTxResult gv_regs_write(void *opaque, hwaddr addr, uint64_t val,
                                 unsigned size, MemTxAttrs attrs)
{
    GravitonGPUState *s = opaque;

    if (gv_dev_busy(s->core)) {
        trace_graviton_reentry_refused("BAR0 write", addr, size);
        gv_mmio_write(s->core, addr, val, size);    /* refused, counted */
        return MEMTX_ERROR;
    }
    trace_graviton_reg_write(addr, size, val);
    gv_mmio_write(s->core, addr, val, size);
    return MEMTX_OK;
}

static const MemoryRegionOps gv_regs_ops = {
    .read_with_attrs = gv_regs_read,
    .write_with_attrs = gv_regs_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

/* ---- BAR2: device-memory aperture ---- */

static MemTxResult gv_aperture_mr_read(void *opaque, hwaddr addr,
                                       uint64_t *val, unsigned size,
                                       MemTxAttrs attrs)
{
    GravitonGPUState *s = opaque;
    bool reentry = gv_dev_busy(s->core);

    *val = gv_aperture_read(s->core, addr, size);
    if (reentry) {
        trace_graviton_reentry_refused("BAR2 read", addr, size);
        return MEMTX_ERROR;
    }
    return MEMTX_OK;
}

static MemTxResult gv_aperture_mr_write(void *opaque, hwaddr addr,
                                        uint64_t val, unsigned size,
                                        MemTxAttrs attrs)
{
    GravitonGPUState *s = opaque;
    bool reentry = gv_dev_busy(s->core);

    gv_aperture_write(s->core, addr, val, size);
    if (reentry) {
        trace_graviton_reentry_refused("BAR2 write", addr, size);
        return MEMTX_ERROR;
    }
    return MEMTX_OK;
}

static const MemoryRegionOps gv_aperture_ops = {
    .read_with_attrs = gv_aperture_mr_read,
    .write_with_attrs = gv_aperture_mr_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

/* ---- PCI configuration space ---- */

/*
 * The device's own config space, reached while the core is busy, means a
 * DMA or MSI of ours aimed at it through MMCONFIG (x-dma-check off, or a
 * path that check does not see): refused, so the device cannot move or
 * disable its own BARs or MSI in the middle of an access.
 */
static bool gv_config_reentry(GravitonGPUState *s, uint32_t addr, int len,
                              bool is_write)
{
    if (!s->core || !gv_dev_busy(s->core)) {
        return false;
    }
    trace_graviton_config_refused(addr, len, is_write);
    qemu_log_mask(LOG_GUEST_ERROR, "graviton-gpu: re-entrant PCI config %s "
                  "at 0x%x size %d refused (DMA or MSI aimed at the device "
                  "itself)\n", is_write ? "write" : "read", addr, len);
    return true;
}

static uint32_t gv_config_read(PCIDevice *pdev, uint32_t addr, int len)
{
    if (gv_config_reentry(GRAVITON_GPU(pdev), addr, len, false)) {
        return len < 4 ? (1u << (8 * len)) - 1 : ~0u;
    }
    return pci_default_read_config(pdev, addr, len);
}

static void gv_config_write(PCIDevice *pdev, uint32_t addr, uint32_t val,
                            int len)
{
    if (!gv_config_reentry(GRAVITON_GPU(pdev), addr, len, true)) {
        pci_default_write_config(pdev, addr, val, len);
    }
}

/* ---- lifetime ---- */

static void gv_realize(PCIDevice *pdev, Error **errp)
{
    GravitonGPUState *s = GRAVITON_GPU(pdev);
    struct gv_config cfg = { .vram_size = s->vram_size,
                             .ek_path = s->ek_path,
                             .compute_sms = s->sms,
                             .launch_timeout_ms = s->launch_timeout_ms,
                             .debug = s->debug,
                             .timing = s->timing,
                             .aes_engine = s->aes_engine,
                             .compute_solo = s->solo_warps,
                             .compute_jit = s->jit,
                             .compute_jit_after = s->jit_after };
    const char *why = NULL;
    uint8_t *conf = pdev->config;

    /*
     * QEMU's own re-entrancy guard covers the bottom half as it covers our
     * MMIO (Debian 12's QEMU 7.2 backports it; see the #error above).
     */
    s->engine_bh = qemu_bh_new_guarded(gv_engine_bh, s,
                                       &DEVICE(s)->mem_reentrancy_guard);
    s->core = gv_dev_new(&cfg, &gv_qemu_ops, s, &why);
    if (!s->core) {
        error_setg(errp, "graviton-gpu: %s", why);
        qemu_bh_delete(s->engine_bh);
        s->engine_bh = NULL;
        return;
    }

    pci_config_set_interrupt_pin(conf, 1);
    if (pci_is_express(pdev) && pcie_endpoint_cap_init(pdev, 0x80) < 0) {
        error_setg(errp, "graviton-gpu: cannot add the PCIe capability");
        goto fail;
    }
    if (s->msi && msi_init(pdev, 0xd0, 1, true, false, errp) < 0) {
        goto fail;
    }

    memory_region_init_io(&s->regs, OBJECT(s), &gv_regs_ops, s,
                          "graviton-regs", GV_REGS_SIZE);
    pci_register_bar(pdev, GV_BAR_REGS, PCI_BASE_ADDRESS_SPACE_MEMORY,
                     &s->regs);

    memory_region_init(&s->aperture, OBJECT(s), "graviton-vram",
                       gv_dev_aperture_size(s->core));
    memory_region_init_io(&s->aperture_io, OBJECT(s), &gv_aperture_ops, s,
                          "graviton-vram-checked",
                          gv_dev_aperture_size(s->core));
    memory_region_add_subregion(&s->aperture, 0, &s->aperture_io);
    memory_region_init_ram_ptr(&s->vram_ram, OBJECT(s), "graviton-vram-ram",
                               s->vram_size, gv_dev_vram(s->core));
    /* The unprotected window, off until the regions are locked. */
    memory_region_init_alias(&s->unprot_alias, OBJECT(s),
                             "graviton-unprotected", &s->vram_ram, 0,
                             s->vram_size);
    memory_region_set_enabled(&s->unprot_alias, false);
    memory_region_add_subregion_overlap(&s->aperture, 0, &s->unprot_alias, 1);
    pci_register_bar(pdev, GV_BAR_VRAM,
                     PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64 |
                     PCI_BASE_ADDRESS_MEM_PREFETCH,
                     &s->aperture);
    trace_graviton_realize(s->vram_size, gv_dev_aperture_size(s->core));
    return;

fail:
    if (pci_is_express(pdev)) {
        pcie_cap_exit(pdev);
    }
    gv_dev_free(s->core);
    s->core = NULL;
    qemu_bh_delete(s->engine_bh);
    s->engine_bh = NULL;
}

static void gv_exit(PCIDevice *pdev)
{
    GravitonGPUState *s = GRAVITON_GPU(pdev);

    msi_uninit(pdev);
    if (pci_is_express(pdev)) {
        pcie_cap_exit(pdev);
    }
    gv_dev_free(s->core);
    s->core = NULL;
    qemu_bh_delete(s->engine_bh);
    s->engine_bh = NULL;
}

static void gv_reset(DeviceState *dev)
{
    GravitonGPUState *s = GRAVITON_GPU(dev);

    trace_graviton_reset();
    gv_dev_reset(s->core);
}

static Property gv_properties[] = {
    DEFINE_PROP_SIZE("vram-size", GravitonGPUState, vram_size, 256 * MiB),
    DEFINE_PROP_BOOL("msi", GravitonGPUState, msi, true),
    DEFINE_PROP_STRING("ek", GravitonGPUState, ek_path),
    DEFINE_PROP_UINT32("sms", GravitonGPUState, sms, 0),
    DEFINE_PROP_UINT32("launch-timeout-ms", GravitonGPUState,
                       launch_timeout_ms, 60000),
    DEFINE_PROP_BOOL("debug", GravitonGPUState, debug, false),
    DEFINE_PROP_STRING("timing", GravitonGPUState, timing),
    DEFINE_PROP_BOOL("aes-engine", GravitonGPUState, aes_engine, false),
    DEFINE_PROP_BOOL("solo-warps", GravitonGPUState, solo_warps, false),
    DEFINE_PROP_BOOL("jit", GravitonGPUState, jit, true),
    DEFINE_PROP_UINT32("jit-after", GravitonGPUState, jit_after, 64),
    DEFINE_PROP_BOOL("x-dma-check", GravitonGPUState, dma_check, true),
    DEFINE_PROP_END_OF_LIST(),
};

/* Device memory and keys must never leave the device: not migratable. */
static const VMStateDescription gv_vmstate = {
    .name = TYPE_GRAVITON_GPU,
    .unmigratable = 1,
};

static void gv_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = gv_realize;
    k->exit = gv_exit;
    k->config_read = gv_config_read;
    k->config_write = gv_config_write;
    k->vendor_id = GV_PCI_VENDOR_ID;
    k->device_id = GV_PCI_DEVICE_ID;
    k->revision = GV_PCI_REVISION;
    k->class_id = GV_PCI_CLASS;
    dc->desc = "Graviton-style trusted GPU";
    dc->reset = gv_reset;
    dc->vmsd = &gv_vmstate;
    device_class_set_props(dc, gv_properties);
    set_bit(DEVICE_CATEGORY_DISPLAY, dc->categories);
}

static const TypeInfo gv_info = {
    .name = TYPE_GRAVITON_GPU,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(GravitonGPUState),
    .class_init = gv_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_PCIE_DEVICE },
        { }
    },
};

static void gv_register_types(void)
{
    type_register_static(&gv_info);
}

type_init(gv_register_types)
