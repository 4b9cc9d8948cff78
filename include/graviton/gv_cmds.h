/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU: command encodings, page-table format, error codes and the
 * formats of what the command processor returns (quotes, summaries,
 * measurements).  Shared by device, driver and runtime; little-endian,
 * fixed-width, every struct's size asserted.  docs/commands.md explains
 * each field and each check.
 */
#ifndef GRAVITON_GV_CMDS_H
#define GRAVITON_GV_CMDS_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

#define GV_ABI_ASSERT(t, n) _Static_assert(sizeof(t) == (n), #t " ABI size")

/* ---- pages and virtual address space (Kepler-like) ---- */
#define GV_PAGE_SHIFT           12
#define GV_PAGE_SIZE            (1u << GV_PAGE_SHIFT)           /* 4 KiB */
#define GV_BIG_PAGE_SHIFT       17
#define GV_BIG_PAGE_SIZE        (1u << GV_BIG_PAGE_SHIFT)       /* 128 KiB */
#define GV_PDE_SHIFT            27                              /* 128 MiB per PDE */
#define GV_VA_BITS              40
#define GV_PGD_ENTRIES          (1u << (GV_VA_BITS - GV_PDE_SHIFT))       /* 8192 */
#define GV_PGT_SMALL_ENTRIES    (1u << (GV_PDE_SHIFT - GV_PAGE_SHIFT))    /* 32768 */
#define GV_PGT_BIG_ENTRIES      (1u << (GV_PDE_SHIFT - GV_BIG_PAGE_SHIFT)) /* 1024 */
/* Table sizes in device memory (each physically contiguous). */
#define GV_PGD_BYTES            (GV_PGD_ENTRIES * 16u)          /* 128 KiB */
#define GV_PGT_SMALL_BYTES      (GV_PGT_SMALL_ENTRIES * 8u)     /* 256 KiB */
#define GV_PGT_BIG_BYTES        (GV_PGT_BIG_ENTRIES * 8u)       /* 8 KiB */
#define GV_DESC_BYTES           GV_PAGE_SIZE

/* A PDE is 16 bytes: the small-page table address, then the big-page
 * table address; each is a device-physical address | GV_PDE_VALID. */
#define GV_PDE_VALID            1ull
/* A PTE is 8 bytes: device-physical page address | flags.  Bits 1..11
 * other than those defined must be zero. */
#define GV_PTE_VALID            (1ull << 0)
#define GV_PTE_READONLY         (1ull << 1)
#define GV_PTE_FLAGS            (GV_PTE_VALID | GV_PTE_READONLY)
#define GV_PTE_ADDR_MASK        (~0xfffull)

/* ---- GPFIFO (ring) entries ---- */
struct gv_gpfifo_entry {
    uint64_t addr;              /* command group: guest-physical (DMA) ... */
    uint32_t len;               /* bytes, header and tag included */
    uint32_t flags;             /* GV_GPFIFO_* */
};
GV_ABI_ASSERT(struct gv_gpfifo_entry, 16);
#define GV_GPFIFO_VRAM          (1u << 0)  /* ... or an unprotected VRAM address */
#define GV_GPFIFO_IRQ           (1u << 1)  /* raise GV_INTR_CHANNEL when done */
#define GV_GPFIFO_FLAGS         (GV_GPFIFO_VRAM | GV_GPFIFO_IRQ)
#define GV_RING_MAX_ENTRIES     65536u

/* ---- command groups ---- */
#define GV_GROUP_MAGIC          0x47435647u     /* "GVCG" */
#define GV_GROUP_MAX            (1u << 20)      /* payload bytes */
struct gv_group_hdr {
    uint32_t magic;
    uint32_t flags;             /* GV_GROUP_ENCRYPTED */
    uint32_t payload_len;       /* bytes of commands (or ciphertext) */
    uint32_t reserved;          /* 0 */
};
GV_ABI_ASSERT(struct gv_group_hdr, 16);
#define GV_GROUP_ENCRYPTED      (1u << 0)
/* An encrypted group is hdr || AES-256-GCM(CEK, iv, aad, commands) || tag
 * with iv = "CMDG" || counter (u64 LE) and aad = hdr || chid (u32 LE). */
#define GV_IV_DOMAIN_CMDG       0x47444d43u     /* "CMDG" as a LE u32 */
#define GV_IV_DOMAIN_AUTH       0x48545541u     /* "AUTH" */
#define GV_IV_DOMAIN_SUMM       0x4d4d5553u     /* "SUMM" */
#define GV_IV_DOMAIN_MEAS       0x5341454du     /* "MEAS" */
#define GV_TAG_LEN              16u

/* ---- commands: a header, then the payload; size is a multiple of 8 ---- */
struct gv_cmd_hdr {
    uint32_t op;                /* GV_OP_* */
    uint32_t size;              /* bytes, header included */
};
GV_ABI_ASSERT(struct gv_cmd_hdr, 8);

enum gv_op {
    /* management: only on bootstrap channels, only for other channels */
    GV_OP_CH_CREATE = 0x0001,
    GV_OP_CH_PDE = 0x0002,
    GV_OP_CH_PTE = 0x0003,
    GV_OP_CH_DESTROY = 0x0004,
    GV_OP_CH_MEASURE = 0x0005,
    /* engine commands: only on normal and secure channels */
    GV_OP_NOP = 0x0100,
    GV_OP_FENCE = 0x0101,
    GV_OP_COPY = 0x0102,
    GV_OP_SET_COPY_KEY = 0x0103,
    GV_OP_LAUNCH = 0x0104,
};

#define GV_EC_PUB_LEN           65
#define GV_EC_SIG_LEN           64
#define GV_HASH_LEN             32
#define GV_NONCE_LEN            32
#define GV_CEK_LEN              32
#define GV_WRAPPED_CEK_LEN      (GV_CEK_LEN + 65 + 16)          /* 113 */

/* CH_CREATE */
struct gv_cmd_ch_create {
    struct gv_cmd_hdr hdr;
    uint32_t chid;
    uint32_t flags;             /* GV_CREATE_* */
    uint64_t desc_addr;         /* one protected page */
    uint64_t pgd_addr;          /* GV_PGD_BYTES of protected pages */
    uint32_t share_chid;        /* GV_CREATE_SHARE: join this normal channel's context */
    uint32_t pad;
    uint8_t uk_pub[GV_EC_PUB_LEN];      /* secure: the runtime's public key */
    uint8_t pad2[7];
    uint8_t nonce[GV_NONCE_LEN];        /* secure: goes into the quote */
    uint64_t result_addr;       /* secure: guest-physical address of the quote */
};
GV_ABI_ASSERT(struct gv_cmd_ch_create, 152);
#define GV_CREATE_SECURE        (1u << 0)
#define GV_CREATE_SHARE         (1u << 1)

/* CH_PDE */
struct gv_cmd_ch_pde {
    struct gv_cmd_hdr hdr;
    uint32_t chid;
    uint32_t pgd_index;
    uint32_t flags;             /* GV_PDE_BIG selects the big-page table */
    uint32_t pad;
    uint64_t pgt_addr;          /* 0: remove the table */
};
GV_ABI_ASSERT(struct gv_cmd_ch_pde, 32);
#define GV_PDE_BIG              (1u << 0)

/* CH_PTE: followed by count u64 PTEs */
struct gv_cmd_ch_pte {
    struct gv_cmd_hdr hdr;
    uint32_t chid;
    uint32_t pgd_index;
    uint32_t pgt_index;
    uint32_t count;
    uint32_t flags;             /* GV_PTE_BIG: entries of the big-page table */
    uint32_t pad;
    uint64_t result_addr;       /* secure: guest-physical address of the summary */
    uint8_t mac[GV_TAG_LEN];    /* authorises removing LOCKED pages */
    uint64_t pte[];
};
GV_ABI_ASSERT(struct gv_cmd_ch_pte, 56);
#define GV_PTE_BIG              (1u << 0)
#define GV_PTE_MAX_COUNT        1024u

/* CH_DESTROY */
struct gv_cmd_ch_destroy {
    struct gv_cmd_hdr hdr;
    uint32_t chid;
    uint32_t flags;             /* GV_DESTROY_AUTH: mac is checked */
    uint8_t mac[GV_TAG_LEN];
};
GV_ABI_ASSERT(struct gv_cmd_ch_destroy, 32);
#define GV_DESTROY_AUTH         (1u << 0)

/* CH_MEASURE */
struct gv_cmd_ch_measure {
    struct gv_cmd_hdr hdr;
    uint32_t chid;
    uint32_t pad;
    uint64_t va;
    uint64_t size;
    uint64_t result_addr;
};
GV_ABI_ASSERT(struct gv_cmd_ch_measure, 40);
#define GV_MEASURE_MAX          (256u << 20)

/* FENCE: write value (8 bytes) at va through the channel's page tables */
struct gv_cmd_fence {
    struct gv_cmd_hdr hdr;
    uint64_t va;
    uint64_t value;
};
GV_ABI_ASSERT(struct gv_cmd_fence, 24);

/* COPY: the copy engine.  Device addresses are virtual (the channel's page
 * tables); host addresses are offsets into the channel's host window
 * (HOSTWIN registers, set by the driver).  With GV_COPY_DECRYPT the source
 * holds AES-256-GCM ciphertext || tag under the context's copy key, with
 * iv from the command and aad = the destination address (u64 LE); the
 * destination must be the context's own protected memory (the engine
 * checks the ciphertext there before decrypting it in place) and is
 * zeroed if the tag does not verify.  GV_COPY_ENCRYPT writes ciphertext
 * || tag (size + 16 bytes).  docs/commands.md has the details. */
struct gv_cmd_copy {
    struct gv_cmd_hdr hdr;
    uint32_t flags;             /* GV_COPY_* */
    uint32_t pad;
    uint64_t src;
    uint64_t dst;
    uint64_t size;              /* plaintext bytes */
    uint8_t iv[12];
    uint32_t pad2;
};
GV_ABI_ASSERT(struct gv_cmd_copy, 56);
#define GV_COPY_SRC_HOST        (1u << 0)
#define GV_COPY_DST_HOST        (1u << 1)
#define GV_COPY_DECRYPT         (1u << 2)
#define GV_COPY_ENCRYPT         (1u << 3)
#define GV_COPY_MAX             (64u << 20)

/* SET_COPY_KEY: the channel's key for the copy engine's crypto mode (the
 * engine uses K_copy, derived from it, the channel id and its incarnation).
 * Accepted only inside an authenticated group of a secure channel. */
struct gv_cmd_set_copy_key {
    struct gv_cmd_hdr hdr;
    uint8_t key[32];
};
GV_ABI_ASSERT(struct gv_cmd_set_copy_key, 40);

/* LAUNCH: run function @func of the GVX module (include/graviton/gv_isa.h)
 * at @module_va (256-byte aligned, @module_size bytes, read through the
 * channel's page tables) on the compute engine.  The parameter buffer
 * (param_size bytes, padded to 8) follows the command.  A LAUNCH must be
 * the last command of its group: the channel runs nothing more until the
 * launch ends (other channels go on, except bootstrap channels, and a
 * group that launches waits for the engine); then, if @fence_va is not 0, @fence_value (8 bytes) is
 * written there through the page tables, GV_INTR_LAUNCH is raised if
 * GV_LAUNCH_IRQ is set, and the ring moves on.  A fault, a trap or the
 * watchdog ends the launch with an error (GV_ERR_FAULT, GV_ERR_TIMEOUT)
 * and no fence write. */
struct gv_cmd_launch {
    struct gv_cmd_hdr hdr;
    uint32_t func;              /* index into the module's functions */
    uint32_t flags;             /* GV_LAUNCH_* */
    uint64_t module_va;
    uint32_t module_size;
    uint32_t shared_dyn;        /* dynamic shared memory per block, bytes */
    uint32_t grid[3];
    uint32_t block[3];
    uint64_t fence_va;
    uint64_t fence_value;
    uint32_t param_size;
    uint32_t pad;
    uint8_t params[];
};
GV_ABI_ASSERT(struct gv_cmd_launch, 80);
#define GV_LAUNCH_IRQ           (1u << 0)
#define GV_LAUNCH_FLAGS         GV_LAUNCH_IRQ

/* ---- what the command processor returns ---- */

#define GV_QUOTE_MAGIC          0x54515647u     /* "GVQT" */
#define GV_QUOTE_VERSION        2u
#define GV_QUOTE_PREEMPTION     (1u << 0)
#define GV_QUOTE_DEBUG          (1u << 1)
struct gv_quote {
    uint32_t magic;
    uint32_t version;
    uint32_t chid;
    uint32_t fw_version;
    uint32_t flags;             /* GV_QUOTE_* */
    uint32_t pad;
    /* This creation of the channel: a device-wide number no other
     * CH_CREATE takes (until the device resets, which destroys every
     * key); the channel's keys are derived from CEK and it (gv_keys.h). */
    uint64_t incarnation;
    uint8_t uk_hash[GV_HASH_LEN];       /* SHA-256(uk_pub) */
    uint8_t nonce[GV_NONCE_LEN];
    uint8_t wrapped_cek[GV_WRAPPED_CEK_LEN];
    uint8_t pad2[7];
    uint8_t sig[GV_EC_SIG_LEN];         /* AK over everything above */
};
GV_ABI_ASSERT(struct gv_quote, 280);

#define GV_SUMMARY_MAGIC        0x4d535647u     /* "GVSM" */
struct gv_pte_summary {
    uint32_t magic;
    uint32_t chid;
    uint64_t va;
    uint32_t n;                 /* protected pages mapped */
    uint32_t k;                 /* pages mapped */
    uint64_t counter;           /* the channel's report counter */
    uint8_t hash[GV_HASH_LEN];  /* SHA-256 of the n protected addresses (u64 LE) */
    uint8_t mac[GV_TAG_LEN];    /* GMAC(K_chan, "SUMM"||counter, everything above) */
};
GV_ABI_ASSERT(struct gv_pte_summary, 80);

#define GV_MEASURE_MAGIC        0x534d5647u     /* "GVMS" */
struct gv_measurement {
    uint32_t magic;
    uint32_t chid;
    uint64_t va;
    uint64_t size;
    uint64_t counter;           /* the channel's report counter */
    /* HMAC-SHA256(K_meas, the bytes at va..va+size): keyed, so the driver
     * cannot test guesses of secret memory against it (attack 14) */
    uint8_t digest[GV_HASH_LEN];
    uint8_t mac[GV_TAG_LEN];    /* GMAC(K_chan, "MEAS"||counter, everything above) */
};
GV_ABI_ASSERT(struct gv_measurement, 80);

/* ---- error codes (GV_REG_ERROR_CODE) ---- */
enum gv_error {
    GV_ERR_NONE = 0,
    GV_ERR_NOT_LOCKED = 1,      /* regions not configured and locked */
    GV_ERR_REGION_CONFIG = 2,   /* bad region sizes at lock */
    GV_ERR_BAD_CHANNEL = 3,     /* chid out of range or in the wrong state */
    GV_ERR_CHANNEL_BUSY = 4,    /* CH_CREATE on a channel in use */
    GV_ERR_NOT_BOOTSTRAP = 5,   /* CH_* command on a non-bootstrap channel */
    GV_ERR_BOOTSTRAP = 6,       /* engine command on, or CH_* aimed at, a bootstrap channel */
    GV_ERR_FETCH = 7,           /* ring entry or group could not be read */
    GV_ERR_BAD_GROUP = 8,       /* malformed group header or length */
    GV_ERR_BAD_COMMAND = 9,     /* unknown opcode, bad size, nonzero pad */
    GV_ERR_AUTH = 10,           /* group failed authentication */
    GV_ERR_NOT_PROTECTED = 11,  /* address must be in the protected region */
    GV_ERR_PAGE_IN_USE = 12,    /* page not FREE and not shareable */
    GV_ERR_PAGE_LOCKED = 13,    /* LOCKED page or table, no authorisation */
    GV_ERR_OTHER_CONTEXT = 14,  /* page or table belongs to another context */
    GV_ERR_BAD_ADDRESS = 15,    /* outside device memory, misaligned, hidden */
    GV_ERR_DOUBLE_MAP = 16,     /* virtual page already mapped by the other page size */
    GV_ERR_NO_TABLE = 17,       /* no page table at pgd_index */
    GV_ERR_RANGE = 18,          /* index/count out of range */
    GV_ERR_MAC = 19,            /* authorisation MAC wrong or replayed */
    GV_ERR_NO_RESOURCES = 20,   /* hidden memory or context table full */
    GV_ERR_RESULT = 21,         /* result could not be written */
    GV_ERR_FAULT = 22,          /* engine access faulted (unmapped, foreign, read-only) */
    GV_ERR_NO_ATTESTATION = 23, /* secure channel requested, no EK/AK */
    GV_ERR_CRYPTO = 24,         /* internal crypto failure */
    GV_ERR_NOT_SECURE = 25,     /* operation needs a secure channel */
    GV_ERR_DATA_AUTH = 26,      /* copy engine: data failed its tag */
    GV_ERR_BAD_MODULE = 27,     /* LAUNCH: module or launch shape invalid */
    GV_ERR_TIMEOUT = 28,        /* LAUNCH: stopped by the watchdog or a reset */
    GV_ERR__COUNT
};

#endif /* GRAVITON_GV_CMDS_H */
