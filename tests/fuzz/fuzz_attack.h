/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-cp's attacks and specification oracles (fuzz_attack.c,
 * docs/fuzzing.md "The security oracles").
 *
 * The harness is the malicious driver.  Besides its raw and structured
 * actions it has attack actions (FZA_KINDS of them: the attacks of
 * design.md section 11 as short scripts of CH_*, MMIO and engine
 * commands, their addresses drawn from the bench's real objects), and
 * oracles that see what the design forbids from the attacker's position:
 *
 *  - expectations: a command the harness submits that the design forbids
 *    (a CH_* on a work channel, an engine command or a CH_* aimed at a
 *    bootstrap channel, CH_MEASURE of a normal channel, SET_COPY_KEY on a
 *    normal channel, a plaintext group on a secure channel, an authorised
 *    CH_DESTROY with a forged MAC, a secure CH_PTE without a result
 *    address, a CH_PTE or CH_PDE mapping another context's page or
 *    table, a LOCKED mapping changed with a forged MAC) must be refused
 *    by one of the rules that apply, if the group reached the command;
 *  - locked mappings (design 5.2): a secure channel's mapping of a LOCKED
 *    page changes only with its runtime's authorisation;
 *  - scrubbing (design 5.4): a protected page that last held another
 *    context's secure data or any channel's tables is zero when it is
 *    mapped as data into a context;
 *  - the TLB agrees with the tables after every action
 *    (gv_dev_check_tlb()).
 *
 * A finding prints "fuzz: ..." and aborts.
 */
#ifndef FUZZ_ATTACK_H
#define FUZZ_ATTACK_H

#include <stdbool.h>
#include <stdint.h>

#define FZA_LEN 25              /* an attack's bytes: kind, then fields */
#define FZA_KINDS 21
/* Where the harness has the device write reports (fuzz_cp.c's oracle). */
#define FZA_RESULT_ADDR (FZB_GROUP_ADDR + 0x2000)

/* Run attack @a (FZA_LEN bytes). */
void fza_run(const uint8_t *a);
/* Submit @cmds in a plaintext group on @via, with the expectation oracle:
 * @forged says the command's MAC, if it has one, is not its runtime's. */
void fza_submit(unsigned via, const void *cmds, uint32_t len, bool forged);
/* Ring batches: fza_batch_begin() queues the groups that follow (the
 * bench's fzb_batch_begin(), with fza_submit()'s judgements kept),
 * fza_batch_flush() rings their doorbells and judges each group as it
 * runs, and each idle channel's ring afterwards (a no-op without a
 * batch). */
void fza_batch_begin(void);
void fza_batch_flush(void);
/* At the start of an input (after fzb_begin()), before and after every
 * action. */
void fza_input_begin(void);
void fza_before(void);
void fza_after(void);

/* Entry @idx of channel @chid's table at PDE @pgdi (big or small pages),
 * read without the TLB; 0 if there is none (fuzz_expect.c). */
struct gv_dev;
uint64_t fza_entry_at(struct gv_dev *d, unsigned chid, unsigned pgdi,
                      bool big, unsigned idx);

/* Provided by the harness: its per-action oracles between the steps of
 * one attack (after the last step's, before the next one's). */
void fzc_step(void);
/* Provided by the harness: runtime @s just made @mac, an unmap or destroy
 * MAC for channel @chid (the MAC oracle by bytes logs it). */
struct gvrt_secure;
void fzc_mac_made(const struct gvrt_secure *s, unsigned chid,
                  const uint8_t *mac);
/* Provided by the harness: a valid LAUNCH for channel 1 into @out (room
 * for 160 bytes); its length. */
uint32_t fzc_launch_cmd(uint8_t *out);

#endif /* FUZZ_ATTACK_H */
