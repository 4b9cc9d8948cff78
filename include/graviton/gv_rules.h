/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU: the device's named refusals ("rules").
 *
 * Every check of the device core that refuses something has one rule: a
 * number that never changes once published (read from GV_REG_ERROR_RULE
 * and the debug block's counters, docs/registers.md), a stable dotted
 * name, the GV_ERR_* code the guest sees for it (GV_ERR_NONE: a refused
 * register or aperture access, counted but not reported as an error), and
 * a one-line description.  Shared by the device, the runtime, tools and
 * guest programs.  docs/rules.md is the same table in words
 * (tests/style/check_rules.py keeps the two equal).
 *
 * Rules are only ever appended: a number is never reused or renumbered.
 */
#ifndef GRAVITON_GV_RULES_H
#define GRAVITON_GV_RULES_H

/* X(number, IDENTIFIER, "family.name", GV_ERR_ suffix, "description") */
#define GV_RULE_LIST(X) \
    X(0, NONE, "none", NONE,                                                                       \
      "no error reported since the last ERROR_ACK or reset")                                       \
    X(1, MMIO_REENTRANT, "mmio.reentrant", NONE,                                                   \
      "a BAR0 or BAR2 access made while the device is busy (its own DMA or MSI)")                  \
    X(2, MMIO_BAD_SIZE, "mmio.bad_size", NONE,                                                     \
      "a BAR0 access not 32-bit (or split 64-bit), unaligned or beyond the BAR")                   \
    X(3, MMIO_UNKNOWN_READ, "mmio.unknown_read", NONE,                                             \
      "a read of an unknown BAR0 register")                                                        \
    X(4, MMIO_UNKNOWN_WRITE, "mmio.unknown_write", NONE,                                           \
      "a write to an unknown or read-only BAR0 register")                                          \
    X(5, MMIO_RESET_MAGIC, "mmio.reset_magic", NONE,                                               \
      "RESET written with a value other than the magic")                                           \
    X(6, MMIO_LOCK_MAGIC, "mmio.lock_magic", NONE,                                                 \
      "REGION_LOCK written with a value other than the magic")                                     \
    X(7, MMIO_SIZE_AFTER_LOCK, "mmio.size_after_lock", NONE,                                       \
      "a region size written after the lock")                                                      \
    X(8, MMIO_CHAN_UNKNOWN_READ, "mmio.chan_unknown_read", NONE,                                   \
      "a read of an unknown channel register")                                                     \
    X(9, MMIO_CHAN_UNKNOWN_WRITE, "mmio.chan_unknown_write", NONE,                                 \
      "a write to a read-only or unknown channel register")                                        \
    X(10, APERTURE_BAD_ACCESS, "aperture.bad_access", NONE,                                        \
      "a BAR2 access of a bad size or beyond the aperture")                                        \
    X(11, APERTURE_PROTECTED, "aperture.protected", NONE,                                          \
      "a BAR2 access to protected memory once the regions are locked")                             \
    X(12, REGIONS_ALREADY_LOCKED, "regions.already_locked", REGION_CONFIG,                         \
      "LOCK while the regions are locked already")                                                 \
    X(13, REGIONS_UNALIGNED, "regions.unaligned", REGION_CONFIG,                                   \
      "U or P not a multiple of 128 KiB")                                                          \
    X(14, REGIONS_NO_UNPROT, "regions.no_unprot", REGION_CONFIG,                                   \
      "U is zero")                                                                                 \
    X(15, REGIONS_TOO_BIG, "regions.too_big", REGION_CONFIG,                                       \
      "U + P larger than device memory")                                                           \
    X(16, REGIONS_HIDDEN_SMALL, "regions.hidden_too_small", REGION_CONFIG,                         \
      "the hidden remainder cannot hold the PMM and tables")                                       \
    X(17, BOOT_NOT_LOCKED, "boot.not_locked", NOT_LOCKED,                                          \
      "a bootstrap channel created before the lock")                                               \
    X(18, BOOT_DESC_ADDRESS, "boot.desc_address", BAD_ADDRESS,                                     \
      "bootstrap descriptor unaligned or not in unprotected memory")                               \
    X(19, BOOT_SLOT_BUSY, "boot.slot_busy", CHANNEL_BUSY,                                          \
      "DESC_HI written on a slot in use")                                                          \
    X(20, CHREG_FREE_SLOT, "chreg.free_slot", BAD_CHANNEL,                                         \
      "ring or host window written on a free slot")                                                \
    X(21, CHREG_NOT_IDLE, "chreg.not_idle", BAD_CHANNEL,                                           \
      "ring or host window written with entries still to run")                                     \
    X(22, CHREG_HOLDS_WORK, "chreg.holds_work", CHANNEL_BUSY,                                      \
      "ring or host window written while a launch is held")                                        \
    X(23, CHREG_RING_ENTRIES, "chreg.ring_entries", BAD_CHANNEL,                                   \
      "RING_ENTRIES zero, too large or not a power of two")                                        \
    X(24, CHREG_PUT_FREE_SLOT, "chreg.put_free_slot", BAD_CHANNEL,                                 \
      "PUT written on a free slot")                                                                \
    X(25, CHREG_PUT_RANGE, "chreg.put_range", BAD_CHANNEL,                                         \
      "PUT beyond the ring")                                                                       \
    X(26, CHREG_CTRL, "chreg.ctrl", BAD_CHANNEL,                                                   \
      "CTRL written with an unknown action (or RELEASE of a non-bootstrap channel)")               \
    X(27, RING_NOT_LOCKED, "ring.not_locked", NOT_LOCKED,                                          \
      "a doorbell before the regions are locked")                                                  \
    X(28, RING_NO_RING, "ring.no_ring", BAD_CHANNEL,                                               \
      "a doorbell on a channel without a ring")                                                    \
    X(29, RING_NO_MEMORY, "ring.no_memory", NO_RESOURCES,                                          \
      "no memory for the fetch buffer")                                                            \
    X(30, RING_ENTRY_FETCH, "ring.entry_fetch", FETCH,                                             \
      "a ring entry could not be read by DMA")                                                     \
    X(31, GROUP_ENTRY, "group.entry", BAD_GROUP,                                                   \
      "ring entry with unknown flags or a bad length")                                             \
    X(32, GROUP_VRAM_ADDRESS, "group.vram_address", BAD_ADDRESS,                                   \
      "a group in VRAM outside the unprotected region")                                            \
    X(33, GROUP_FETCH, "group.fetch", FETCH,                                                       \
      "a group could not be read by DMA")                                                          \
    X(34, GROUP_HEADER, "group.header", BAD_GROUP,                                                 \
      "bad group magic, reserved field, flags or payload length")                                  \
    X(35, GROUP_PLAINTEXT_SECURE, "group.plaintext_on_secure", AUTH,                               \
      "an unencrypted group on a secure channel")                                                  \
    X(36, GROUP_SECURE_LENGTH, "group.secure_length", BAD_GROUP,                                   \
      "secure group length is not header + payload + tag")                                         \
    X(37, GROUP_AUTH, "group.auth", AUTH,                                                          \
      "a secure group's tag does not verify (forged, replayed, reordered)")                        \
    X(38, GROUP_ENCRYPTED_NORMAL, "group.encrypted_on_normal", BAD_GROUP,                          \
      "an encrypted group on a normal or bootstrap channel")                                       \
    X(39, GROUP_PLAIN_LENGTH, "group.plain_length", BAD_GROUP,                                     \
      "plaintext group length is not header + payload")                                            \
    X(40, GROUP_STASH_NO_MEMORY, "group.stash_no_memory", NO_RESOURCES,                            \
      "no memory to keep a launching group")                                                       \
    X(41, CMD_TRUNCATED, "cmd.truncated", BAD_COMMAND,                                             \
      "group ends inside a command header")                                                        \
    X(42, CMD_SIZE, "cmd.size", BAD_COMMAND,                                                       \
      "command size too small, not a multiple of 8 or past the group")                             \
    X(43, CMD_LAUNCH_NOT_LAST, "cmd.launch_not_last", BAD_COMMAND,                                 \
      "a LAUNCH that is not its group's last command")                                             \
    X(44, CMD_MGMT_NOT_BOOTSTRAP, "cmd.mgmt_not_bootstrap", NOT_BOOTSTRAP,                         \
      "a CH_* command on a normal or secure channel")                                              \
    X(45, CMD_UNKNOWN_OP, "cmd.unknown_op", BAD_COMMAND,                                           \
      "unknown opcode")                                                                            \
    X(46, CMD_ENGINE_ON_BOOTSTRAP, "cmd.engine_on_bootstrap", BOOTSTRAP,                           \
      "an engine command on a bootstrap channel")                                                  \
    X(47, CMD_NOP_SIZE, "cmd.nop_size", BAD_COMMAND,                                               \
      "NOP with a payload")                                                                        \
    X(48, FENCE_SIZE, "fence.size", BAD_COMMAND,                                                   \
      "FENCE of the wrong size")                                                                   \
    X(49, FENCE_UNALIGNED, "fence.unaligned", BAD_ADDRESS,                                         \
      "FENCE address not 8-byte aligned")                                                          \
    X(50, MMU_VA_RANGE, "mmu.va_range", FAULT,                                                     \
      "an engine access outside the 40-bit VA space")                                              \
    X(51, MMU_UNMAPPED, "mmu.unmapped", FAULT,                                                     \
      "an engine access to an unmapped virtual page")                                              \
    X(52, MMU_NOT_OWNED, "mmu.not_owned", FAULT,                                                   \
      "an engine access to a page not the context's data (hidden, table, other context)")          \
    X(53, MMU_READ_ONLY, "mmu.read_only", FAULT,                                                   \
      "an engine write to a read-only page")                                                       \
    X(54, CH_CREATE_SIZE, "ch_create.size", BAD_COMMAND,                                           \
      "CH_CREATE of the wrong size")                                                               \
    X(55, CH_CREATE_FLAGS, "ch_create.flags", BAD_COMMAND,                                         \
      "unknown flags, pad, or SECURE with SHARE")                                                  \
    X(56, CH_CREATE_CHID, "ch_create.chid_range", BAD_CHANNEL,                                     \
      "chid out of range")                                                                         \
    X(57, CH_CREATE_SLOT_BUSY, "ch_create.slot_busy", CHANNEL_BUSY,                                \
      "the target slot is in use")                                                                 \
    X(58, CH_CREATE_DESC_UNALIGNED, "ch_create.desc_unaligned", BAD_ADDRESS,                       \
      "descriptor address not page-aligned")                                                       \
    X(59, CH_CREATE_DESC_UNPROT, "ch_create.desc_unprotected", NOT_PROTECTED,                      \
      "descriptor in unprotected memory")                                                          \
    X(60, CH_CREATE_DESC_OUTSIDE, "ch_create.desc_outside", BAD_ADDRESS,                           \
      "descriptor outside device memory or hidden")                                                \
    X(61, CH_CREATE_PGD_UNALIGNED, "ch_create.pgd_unaligned", BAD_ADDRESS,                         \
      "PGD address not page-aligned")                                                              \
    X(62, CH_CREATE_PGD_UNPROT, "ch_create.pgd_unprotected", NOT_PROTECTED,                        \
      "PGD in unprotected memory")                                                                 \
    X(63, CH_CREATE_PGD_OUTSIDE, "ch_create.pgd_outside", BAD_ADDRESS,                             \
      "PGD outside device memory, hidden or straddling")                                           \
    X(64, CH_CREATE_OVERLAP, "ch_create.desc_pgd_overlap", BAD_ADDRESS,                            \
      "descriptor and PGD overlap")                                                                \
    X(65, CH_CREATE_DESC_IN_USE, "ch_create.desc_in_use", PAGE_IN_USE,                             \
      "descriptor page not FREE")                                                                  \
    X(66, CH_CREATE_PGD_IN_USE, "ch_create.pgd_in_use", PAGE_IN_USE,                               \
      "a PGD page not FREE")                                                                       \
    X(67, CH_CREATE_NO_AK, "ch_create.no_attestation", NO_ATTESTATION,                             \
      "secure channel requested, no attestation key")                                              \
    X(68, CH_CREATE_UK_HASH, "ch_create.uk_hash", CRYPTO,                                          \
      "hashing UK_pub failed")                                                                     \
    X(69, CH_CREATE_SHARE, "ch_create.share_target", BAD_CHANNEL,                                  \
      "SHARE with a channel not active or secure")                                                 \
    X(70, CH_CREATE_NO_CONTEXT, "ch_create.no_context", NO_RESOURCES,                              \
      "the context table is full")                                                                 \
    X(71, CH_CREATE_CEK, "ch_create.cek_random", CRYPTO,                                           \
      "no random CEK")                                                                             \
    X(72, CH_CREATE_KEYS, "ch_create.key_derivation", CRYPTO,                                      \
      "deriving the channel keys failed")                                                          \
    X(73, CH_CREATE_NO_RESULT, "ch_create.no_result", RESULT,                                      \
      "secure CH_CREATE without a result address")                                                 \
    X(74, CH_CREATE_RESULT_WRITE, "ch_create.result_write", RESULT,                                \
      "the quote could not be written by DMA")                                                     \
    X(75, ATTEST_NO_AK, "attest.no_ak", NO_ATTESTATION,                                            \
      "a quote asked of a device without an AK")                                                   \
    X(76, ATTEST_UK_INVALID, "attest.uk_pub_invalid", BAD_COMMAND,                                 \
      "UK_pub is not a valid P-256 point")                                                         \
    X(77, ATTEST_QUOTE_CRYPTO, "attest.quote_crypto", CRYPTO,                                      \
      "hashing, wrapping or signing the quote failed")                                             \
    X(78, CH_PDE_SIZE, "ch_pde.size", BAD_COMMAND,                                                 \
      "CH_PDE of the wrong size")                                                                  \
    X(79, CH_PDE_FLAGS, "ch_pde.flags", BAD_COMMAND,                                               \
      "unknown flags or nonzero pad")                                                              \
    X(80, CH_PDE_TARGET_BOOTSTRAP, "ch_pde.target_bootstrap", BOOTSTRAP,                           \
      "aimed at a bootstrap channel")                                                              \
    X(81, CH_PDE_TARGET, "ch_pde.target", BAD_CHANNEL,                                             \
      "aimed at a free slot or a chid out of range")                                               \
    X(82, CH_PDE_RANGE, "ch_pde.pgd_index_range", RANGE,                                           \
      "pgd_index out of range")                                                                    \
    X(83, CH_PDE_OLD_LOCKED, "ch_pde.old_table_locked", PAGE_LOCKED,                               \
      "replacing a populated secure (locked) table")                                               \
    X(84, CH_PDE_TABLE_UNALIGNED, "ch_pde.table_unaligned", BAD_ADDRESS,                           \
      "table address not page-aligned")                                                            \
    X(85, CH_PDE_TABLE_UNPROT, "ch_pde.table_unprotected", NOT_PROTECTED,                          \
      "table in unprotected memory")                                                               \
    X(86, CH_PDE_TABLE_OUTSIDE, "ch_pde.table_outside", BAD_ADDRESS,                               \
      "table outside device memory, hidden or straddling")                                         \
    X(87, CH_PDE_TABLE_OTHER_CONTEXT, "ch_pde.table_other_context", OTHER_CONTEXT,                 \
      "a table page owned by another context")                                                     \
    X(88, CH_PDE_TABLE_TYPE, "ch_pde.table_type", PAGE_IN_USE,                                     \
      "a table page in use as something else")                                                     \
    X(89, CH_PDE_TABLE_REFCNT, "ch_pde.table_refcnt", NO_RESOURCES,                                \
      "a table page's reference count is full")                                                    \
    X(90, CH_PDE_NOT_WHOLE_TABLE, "ch_pde.not_whole_table", PAGE_IN_USE,                           \
      "not one whole (fresh or shared) table")                                                     \
    X(91, CH_PTE_SIZE, "ch_pte.size", BAD_COMMAND,                                                 \
      "CH_PTE shorter than its header")                                                            \
    X(92, CH_PTE_FORMAT, "ch_pte.format", BAD_COMMAND,                                             \
      "unknown flags, pad, count 0 or too big, size not matching count")                           \
    X(93, CH_PTE_TARGET_BOOTSTRAP, "ch_pte.target_bootstrap", BOOTSTRAP,                           \
      "aimed at a bootstrap channel")                                                              \
    X(94, CH_PTE_TARGET, "ch_pte.target", BAD_CHANNEL,                                             \
      "aimed at a free slot or a chid out of range")                                               \
    X(95, CH_PTE_RANGE, "ch_pte.index_range", RANGE,                                               \
      "pgd_index, pgt_index or count out of range")                                                \
    X(96, CH_PTE_NO_TABLE, "ch_pte.no_table", NO_TABLE,                                            \
      "no page table at pgd_index")                                                                \
    X(97, CH_PTE_NO_RESULT, "ch_pte.no_result", RESULT,                                            \
      "secure CH_PTE without a summary address")                                                   \
    X(98, CH_PTE_INVALID_NONZERO, "ch_pte.invalid_nonzero", BAD_COMMAND,                           \
      "an invalid entry that is not 0")                                                            \
    X(99, CH_PTE_RESERVED_BITS, "ch_pte.reserved_bits", BAD_COMMAND,                               \
      "a PTE with reserved bits set")                                                              \
    X(100, CH_PTE_UNALIGNED, "ch_pte.page_unaligned", BAD_ADDRESS,                                 \
      "page address not aligned to the page size")                                                 \
    X(101, CH_PTE_OUTSIDE, "ch_pte.page_outside", BAD_ADDRESS,                                     \
      "page outside device memory, hidden or straddling")                                          \
    X(102, CH_PTE_OTHER_CONTEXT, "ch_pte.page_other_context", OTHER_CONTEXT,                       \
      "a data page owned by another context")                                                      \
    X(103, CH_PTE_PAGE_TYPE, "ch_pte.page_type", PAGE_IN_USE,                                      \
      "a page in use as a table, descriptor or other page size")                                   \
    X(104, CH_PTE_REFCNT, "ch_pte.page_refcnt", NO_RESOURCES,                                      \
      "a page's reference count is full")                                                          \
    X(105, CH_PTE_DOUBLE_MAP, "ch_pte.double_map", DOUBLE_MAP,                                     \
      "the virtual page is mapped by the other page size")                                         \
    X(106, CH_PTE_DUPLICATE, "ch_pte.duplicate", PAGE_IN_USE,                                      \
      "one protected page twice in one command")                                                   \
    X(107, CH_PTE_LOCKED_NORMAL, "ch_pte.locked_on_normal", PAGE_LOCKED,                           \
      "a locked page unmapped through a normal channel")                                           \
    X(108, CH_PTE_BAD_MAC, "ch_pte.unmap_mac", PAGE_LOCKED,                                        \
      "a locked page unmapped without the runtime's MAC")                                          \
    X(109, CH_PTE_SUMMARY_CRYPTO, "ch_pte.summary_crypto", CRYPTO,                                 \
      "computing the summary failed")                                                              \
    X(110, CH_PTE_RESULT_WRITE, "ch_pte.result_write", RESULT,                                     \
      "the summary could not be written by DMA")                                                   \
    X(111, CH_DESTROY_SIZE, "ch_destroy.size", BAD_COMMAND,                                        \
      "CH_DESTROY of the wrong size")                                                              \
    X(112, CH_DESTROY_FLAGS, "ch_destroy.flags", BAD_COMMAND,                                      \
      "unknown flags")                                                                             \
    X(113, CH_DESTROY_TARGET_BOOTSTRAP, "ch_destroy.target_bootstrap", BOOTSTRAP,                  \
      "aimed at a bootstrap channel")                                                              \
    X(114, CH_DESTROY_TARGET, "ch_destroy.target", BAD_CHANNEL,                                    \
      "aimed at a free slot or a chid out of range")                                               \
    X(115, CH_DESTROY_NOT_SECURE, "ch_destroy.auth_not_secure", NOT_SECURE,                        \
      "an authorised destroy of a normal channel")                                                 \
    X(116, CH_DESTROY_BAD_MAC, "ch_destroy.mac", MAC,                                              \
      "the destroy MAC does not verify (forged or replayed)")                                      \
    X(117, CH_MEASURE_SIZE, "ch_measure.size", BAD_COMMAND,                                        \
      "CH_MEASURE of the wrong size")                                                              \
    X(118, CH_MEASURE_PAD, "ch_measure.pad", BAD_COMMAND,                                          \
      "nonzero pad")                                                                               \
    X(119, CH_MEASURE_TARGET_BOOTSTRAP, "ch_measure.target_bootstrap", BOOTSTRAP,                  \
      "aimed at a bootstrap channel")                                                              \
    X(120, CH_MEASURE_TARGET, "ch_measure.target", BAD_CHANNEL,                                    \
      "aimed at a free slot or a chid out of range")                                               \
    X(121, CH_MEASURE_NOT_SECURE, "ch_measure.not_secure", NOT_SECURE,                             \
      "a normal channel measured")                                                                 \
    X(122, CH_MEASURE_RANGE, "ch_measure.range", RANGE,                                            \
      "size 0, too large, or the range wraps")                                                     \
    X(123, CH_MEASURE_CRYPTO, "ch_measure.crypto", CRYPTO,                                         \
      "computing the digest or its MAC failed")                                                    \
    X(124, CH_MEASURE_RESULT_WRITE, "ch_measure.result_write", RESULT,                             \
      "the measurement could not be written by DMA")                                               \
    X(125, COPY_SIZE, "copy.size", BAD_COMMAND,                                                    \
      "COPY of the wrong size")                                                                    \
    X(126, COPY_FLAGS, "copy.flags", BAD_COMMAND,                                                  \
      "unknown flags, nonzero pad, or DECRYPT with ENCRYPT")                                       \
    X(127, COPY_RANGE, "copy.range", RANGE,                                                        \
      "size 0 or above the copy limit")                                                            \
    X(128, COPY_CRYPTO_NOT_SECURE, "copy.crypto_not_secure", NOT_SECURE,                           \
      "a crypto-mode copy on a normal channel")                                                    \
    X(129, COPY_NO_KEY, "copy.no_key", NOT_SECURE,                                                 \
      "a crypto-mode copy before SET_COPY_KEY")                                                    \
    X(130, COPY_NO_MEMORY, "copy.no_memory", NO_RESOURCES,                                         \
      "no memory for the staging buffer")                                                          \
    X(131, COPY_HOSTWIN, "copy.host_window", BAD_ADDRESS,                                          \
      "no host window, range outside it, or a window that wraps")                                  \
    X(132, COPY_HOST_READ, "copy.host_read", FETCH,                                                \
      "the host source could not be read by DMA")                                                  \
    X(133, COPY_HOST_WRITE, "copy.host_write", RESULT,                                             \
      "the host destination could not be written by DMA")                                          \
    X(134, COPY_DATA_AUTH, "copy.data_auth", DATA_AUTH,                                            \
      "the ciphertext's tag does not verify")                                                      \
    X(135, COPY_SEAL, "copy.seal", CRYPTO,                                                         \
      "encrypting the data failed")                                                                \
    X(136, COPY_KEY_SIZE, "copy_key.size", BAD_COMMAND,                                            \
      "SET_COPY_KEY of the wrong size")                                                            \
    X(137, COPY_KEY_NOT_SECURE, "copy_key.not_secure", NOT_SECURE,                                 \
      "SET_COPY_KEY on a normal channel")                                                          \
    X(138, COPY_KEY_DERIVE, "copy_key.derive", CRYPTO,                                             \
      "deriving the copy key failed")                                                              \
    X(139, LAUNCH_SIZE, "launch.size", BAD_COMMAND,                                                \
      "LAUNCH shorter than its header")                                                            \
    X(140, LAUNCH_FORMAT, "launch.format", BAD_COMMAND,                                            \
      "nonzero pad, unknown flags, or parameters not matching the size")                           \
    X(141, LAUNCH_FENCE_UNALIGNED, "launch.fence_unaligned", BAD_ADDRESS,                          \
      "fence address not 8-byte aligned")                                                          \
    X(142, LAUNCH_NO_ENGINE, "launch.no_engine", NO_RESOURCES,                                     \
      "the device has no compute engine")                                                          \
    X(143, LAUNCH_SHAPE, "launch.shape", BAD_MODULE,                                               \
      "module address or size, grid or block shape out of range")                                  \
    X(144, LAUNCH_MODULE_NO_MEMORY, "launch.module_no_memory", NO_RESOURCES,                       \
      "no memory to read the module")                                                              \
    X(145, LAUNCH_MODULE_INVALID, "launch.module_invalid", BAD_MODULE,                             \
      "the module fails validation (header, sections, code)")                                      \
    X(146, LAUNCH_NO_FUNCTION, "launch.no_function", BAD_MODULE,                                   \
      "function index beyond the module's functions")                                              \
    X(147, LAUNCH_FUNC_MISMATCH, "launch.function_mismatch", BAD_MODULE,                           \
      "parameters, shared memory, block shape, registers or local memory do not fit")              \
    X(148, LAUNCH_NO_MEMORY, "launch.no_memory", NO_RESOURCES,                                     \
      "no memory for the launch")                                                                  \
    X(149, COMPUTE_SM_NO_MEMORY, "compute.sm_no_memory", NO_RESOURCES,                             \
      "an SM could not allocate registers or memory")                                              \
    X(150, COMPUTE_WATCHDOG, "compute.watchdog", TIMEOUT,                                          \
      "the launch ran past the watchdog")                                                          \
    X(151, COMPUTE_MISALIGNED, "compute.misaligned", FAULT,                                        \
      "a kernel global (or generic global) access not aligned to its size")                        \
    X(152, COMPUTE_VA_RANGE, "compute.va_range", FAULT,                                            \
      "a kernel global access outside the VA space or across a page")                              \
    X(153, COMPUTE_UNMAPPED, "compute.unmapped", FAULT,                                            \
      "a kernel access to an unmapped virtual page")                                               \
    X(154, COMPUTE_NOT_OWNED, "compute.not_owned", FAULT,                                          \
      "a kernel access to a page not the context's data")                                          \
    X(155, COMPUTE_READ_ONLY, "compute.read_only", FAULT,                                          \
      "a kernel store or atomic on a read-only page")                                              \
    X(156, COMPUTE_SHARED_RANGE, "compute.shared_range", FAULT,                                    \
      "a kernel access outside the block's shared memory, or misaligned")                          \
    X(157, COMPUTE_LOCAL_RANGE, "compute.local_range", FAULT,                                      \
      "a kernel access outside the thread's local memory, or misaligned")                          \
    X(158, COMPUTE_PARAM, "compute.param", FAULT,                                                  \
      "a parameter read out of range or misaligned, or a parameter write")                         \
    X(159, COMPUTE_GENERIC_WINDOW, "compute.generic_window", FAULT,                                \
      "a generic address in no window (shared, local or global)")                                  \
    X(160, COMPUTE_TRAP, "compute.trap", FAULT,                                                    \
      "a kernel executed trap")                                                                    \
    X(161, COPY_DECRYPT_DST, "copy.decrypt_dst", NOT_PROTECTED,                                    \
      "a decrypting copy's destination is not the context's protected memory, each page once")     \
    X(162, COPY_CRYPTO_OVERLAP, "copy.crypto_overlap", BAD_ADDRESS,                                \
      "a crypto-mode copy whose destination overlaps its source from above")                       \
    X(163, COMPUTE_WARP_SYNC, "compute.warp_sync", FAULT,                                          \
      "lanes wait at shfl/vote/bar.warp.sync for lanes of the mask that can never arrive")         \
    X(164, COMPUTE_JOIN_STACK, "compute.join_stack", FAULT,                                        \
      "divergent branches nested deeper than a warp's reconvergence stack (64 entries)")           \
    X(165, COMPUTE_CALL_DEPTH, "compute.call_depth", FAULT,                                        \
      "a call whose frame does not fit the thread's local memory (the call stack's depth limit)")  \
    X(166, COMPUTE_CALL_RETURN, "compute.call_return", FAULT,                                      \
      "a return to an address that is not an instruction of the function (a corrupted stack)")

#define GV_RULE_ENUM_(n, id, name, code, desc) GV_RULE_##id = n,
enum gv_rule {
    GV_RULE_LIST(GV_RULE_ENUM_)
    GV_RULE__COUNT
};
#undef GV_RULE_ENUM_

#endif /* GRAVITON_GV_RULES_H */
