#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The guest fuzzer's attack scripts (tests/guest/fuzz/gvf_attack.c) as
committed seeds (tests/fuzz/corpus/gvfs/attack-*.gvfs): TAP.

    gvfs_attacks.py GVFS_REPLAY CORPUS_DIR

1. `gvfs-replay --attacks` writes the same files as those committed (a
   changed script or generator: regenerate them with
   `build/tests/fuzz/gvfs-replay --attacks tests/fuzz/corpus/gvfs`).
2. Each seed, replayed on the host, holds every oracle and reaches the
   refusals it was written for (EXPECT): a check of the core that no
   longer refuses what it should shows up as a rule not reached.
   Scripts with no rule (06, 10, 21) are there for the oracles: the
   consistency check after a freed page's reuse, the victim's secret.
"""
import os
import subprocess
import sys
import tempfile

EXPECT = {
    '01-alias': ['ch_pde.table_other_context', 'ch_pte.page_other_context'],
    '02-unmap': ['ch_pte.unmap_mac'],
    '03-bar': ['aperture.protected'],
    '04-hidden': ['mmu.unmapped', 'ch_pde.table_outside',
        'ch_pte.page_outside'],
    '05-bootstrap': ['boot.desc_address', 'ch_create.desc_unprotected'],
    '06-stale': [],
    '07-groups': ['group.auth'],
    '08-forge': ['ch_pte.no_result', 'ch_pte.result_write',
        'ch_measure.result_write'],
    '09-unprot': ['ch_create.desc_unprotected', 'ch_create.pgd_unaligned',
        'ch_create.pgd_unprotected', 'ch_pde.table_unprotected'],
    '10-freed': [],
    '11-quote': ['ch_create.no_result', 'ch_create.result_write',
        'attest.uk_pub_invalid'],
    '12-reset': ['aperture.protected', 'regions.no_unprot',
        'boot.not_locked', 'chreg.put_free_slot'],
    '13-kernel': ['compute.va_range', 'compute.unmapped',
        'compute.generic_window'],
    '14-measure': ['ch_measure.not_secure'],
    '15-reincarnate': ['group.auth'],
    '16-wrap': ['mmu.va_range', 'copy.range', 'compute.shared_range',
        'compute.local_range'],
    '17-preplant': ['aperture.protected', 'regions.already_locked',
        'boot.not_locked', 'chreg.put_free_slot'],
    '18-join': ['ch_create.share_target'],
    '19-stale-tlb': ['mmu.unmapped', 'compute.unmapped'],
    '20-reentry': ['ring.entry_fetch', 'ch_measure.result_write',
        'copy.host_write'],
    '21-remap': [],
    'x-crypto': ['copy.data_auth', 'copy.decrypt_dst', 'copy.crypto_overlap'],
    'x-destroy': ['ch_destroy.auth_not_secure', 'ch_destroy.mac'],
    'x-framing': ['cmd.truncated', 'ch_pte.size', 'copy_key.size',
        'launch.size', 'launch.function_mismatch'],
    'x-held': ['chreg.not_idle', 'compute.watchdog'],
    'x-host-window': ['copy.host_read', 'copy.host_write'],
    'x-read-only': ['mmu.read_only', 'compute.read_only'],
    'x-refcnt': ['ch_pde.table_refcnt', 'ch_pte.page_refcnt'],
    'x-regions': ['aperture.protected', 'regions.hidden_too_small',
        'boot.not_locked', 'chreg.put_free_slot'],
    'x-ring': ['chreg.not_idle', 'chreg.put_range', 'ring.entry_fetch'],
    'x-tables': ['ch_pde.not_whole_table', 'ch_pte.invalid_nonzero',
        'ch_pte.page_unaligned', 'ch_pte.page_type', 'ch_pte.double_map',
        'ch_pte.duplicate'],
    'x-unaligned': ['regions.unaligned'],
    'x-warp-sync': ['compute.param', 'compute.warp_sync'],
    'x-diverge': ['compute.unmapped'],
    'x-calls': ['compute.join_stack', 'compute.call_depth',
        'compute.call_return'],
}


def main():
    replay, corpus = sys.argv[1], sys.argv[2]
    n = 0
    bad = 0

    def ok(cond, what):
        nonlocal n, bad
        n += 1
        print(('ok' if cond else 'not ok') + f' {n} - {what}')
        bad += not cond

    print(f'1..{len(EXPECT) + 1}')
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([replay, '--attacks', d], check=True,
                       stdout=subprocess.DEVNULL)
        made = sorted(os.listdir(d))
        same = made == sorted(f'attack-{k}.gvfs' for k in EXPECT)
        diff = []
        for f in made:
            c = os.path.join(corpus, f)
            if not os.path.exists(c) or open(c, 'rb').read() != \
                    open(os.path.join(d, f), 'rb').read():
                diff.append(f)
        ok(same and not diff, 'the committed attack seeds are what '
           'gvfs-replay --attacks writes' +
           (f' (differ: {" ".join(diff)})' if diff else ''))
    files = [os.path.join(corpus, f'attack-{k}.gvfs') for k in EXPECT]
    p = subprocess.run([replay] + files, capture_output=True, text=True)
    got, cur = {}, None
    for line in p.stdout.splitlines():
        if ': clean:' in line:
            cur = os.path.basename(line.split(': ')[1])
            got[cur] = set()
        elif line.startswith('  rules:') and cur:
            got[cur] = set(line.split()[1:])
            cur = None
    for k, rules in EXPECT.items():
        f = f'attack-{k}.gvfs'
        missing = [r for r in rules if r not in got.get(f, ())]
        ok(f in got and not missing,
           f'{f}: clean' + (f', reaches {" ".join(rules)}' if rules else '')
           + (f'; NOT reached: {" ".join(missing)}' if missing else '')
           + ('' if f in got else '; not clean (see gvfs-replay ' + f + ')'))
    if p.returncode != 0:
        sys.stdout.write('# ' + p.stdout.replace('\n', '\n# ') + '\n')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
