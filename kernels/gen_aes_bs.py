#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write kernels/gv_aes_bs_sbox.h: the AES S-box as a circuit of XOR and
AND gates for the bitsliced AES of kernels/gv_gcm.h (docs/kernels.md).

The S-box is A * x^-1 + 0x63; this circuit computes A * x^-1 (the
constant is folded into the round keys by the kernel).  x^-1 is computed
in a tower field GF(((2^2)^2)^2) (the classic construction: Satoh et al.,
Canright): a = a1 y + a0 over GF(16) with y^2 = y + L has the inverse
(a1 y + (a0 + a1)) / (a1^2 L + a0 a1 + a0^2); GF(16) over GF(4) the same
way; in GF(4) the inverse is the square.  Only the 36 ANDs of the
multiplications are not linear: every linear part (the change of basis
in, the sums the multiplications take, the change of basis out and A)
is a set of XORs, layer by layer, chosen greedily by the distances of
what is known to what is wanted (below: lower()).  --search tries every
choice of the tower (N, L and the root that maps AES's x); TOWER is the
smallest it found.  The circuit is checked against the S-box for all 256
inputs before it is written.

Usage: gen_aes_bs.py OUT.h      (or --check OUT.h: compare, exit 1 if
                                 the file differs; --search OUT.h: try
                                 every tower, not only TOWER's)
"""
import sys

SBOX_POLY = 0x11b


def aes_mul(a, b):
    r = 0
    while b:
        if b & 1:
            r ^= a
        a <<= 1
        if a & 0x100:
            a ^= SBOX_POLY
        b >>= 1
    return r


def aes_inv(x):
    if x == 0:
        return 0
    r = 1
    for _ in range(254):
        r = aes_mul(r, x)
    return r


def aes_sbox(x):
    s = aes_inv(x)
    r = 0x63
    for i in range(5):
        r ^= ((s << i) | (s >> (8 - i))) & 0xff
    return r


def sbox_linear(x):
    """A * x^-1 (the S-box without its constant)."""
    return aes_sbox(x) ^ 0x63


# ---- numeric tower field: elements as ints (GF4: 2 bits, GF16: 4, GF256: 8)

def g4_mul(u, v):
    u1, u0, v1, v0 = u >> 1, u & 1, v >> 1, v & 1
    hh = u1 & v1
    return ((hh ^ (u1 & v0) ^ (u0 & v1)) << 1) | (hh ^ (u0 & v0))


def g16_mul(b, c, n):
    b1, b0, c1, c0 = b >> 2, b & 3, c >> 2, c & 3
    p = g4_mul(b1, c1)
    hi = p ^ g4_mul(b1, c0) ^ g4_mul(b0, c1)
    lo = g4_mul(p, n) ^ g4_mul(b0, c0)
    return hi << 2 | lo


def g256_mul(a, b, n, lam):
    a1, a0, b1, b0 = a >> 4, a & 15, b >> 4, b & 15
    p = g16_mul(a1, b1, n)
    hi = p ^ g16_mul(a1, b0, n) ^ g16_mul(a0, b1, n)
    lo = g16_mul(p, lam, n) ^ g16_mul(a0, b0, n)
    return hi << 4 | lo


def irreducible2(mul, lam, size):
    """t^2 + t + lam has no root in the field of @size elements."""
    return all(mul(t, t) ^ t ^ lam for t in range(size))


# ---- symbolic circuit

class Circuit:
    def __init__(self):
        self.ands = []          # (combo a, combo b): base signal 8 + i
        self.nbase = 8          # inputs are base signals 0..7

    def AND(self, a, b):
        self.ands.append((a, b))
        self.nbase += 1
        return frozenset([self.nbase - 1])


def x(a, b):
    return a ^ b


# bits of GF elements as lists of combos, most significant first
def s4_mul(c, u, v):
    (u1, u0), (v1, v0) = u, v
    hh = c.AND(u1, v1)
    ll = c.AND(u0, v0)
    mm = c.AND(x(u1, u0), x(v1, v0))
    return [x(mm, ll), x(hh, ll)]


def s4_scale(u, k):
    """u * k for a constant k of GF(4): linear."""
    u1, u0 = u
    if k == 0:
        return [frozenset(), frozenset()]
    if k == 1:
        return [u1, u0]
    if k == 2:          # u w = u1 (w + 1) + u0 w
        return [x(u1, u0), u1]
    return [u0, x(u1, u0)]          # k = w + 1


def s4_sq(u):
    u1, u0 = u
    return [u1, x(u1, u0)]


def s4_add(u, v):
    return [x(p, q) for p, q in zip(u, v)]


def s16_mul(c, b, d, n):
    b1, b0, d1, d0 = b[:2], b[2:], d[:2], d[2:]
    p = s4_mul(c, b1, d1)
    q = s4_mul(c, b0, d0)
    r = s4_mul(c, s4_add(b1, b0), s4_add(d1, d0))
    return s4_add(r, q) + s4_add(s4_scale(p, n), q)


def s16_scale_sq(b, k, n):
    """b^2 * k for a constant k of GF(16): linear, from its matrix."""
    out = []
    for bit in range(3, -1, -1):
        combo = frozenset()
        for i in range(4):
            e = 1 << (3 - i)
            if g16_mul(g16_mul(e, e, n), k, n) >> bit & 1:
                combo = combo ^ b[i]
        out.append(combo)
    return out


def s16_inv(c, b, n):
    b1, b0 = b[:2], b[2:]
    d = s4_add(s4_add(s4_scale(s4_sq(b1), n), s4_sq(b0)), s4_mul(c, b0, b1))
    e = s4_sq(d)                    # d^-1
    return s4_mul(c, b1, e) + s4_mul(c, s4_add(b0, b1), e)


def s16_add(u, v):
    return [x(p, q) for p, q in zip(u, v)]


def build(n, lam, beta):
    """The circuit for A x^-1 with the tower (n, lam), AES's x -> beta."""
    c = Circuit()
    # basis change: tower bit j (msb first) of sum_i x_i beta^i
    pw = [1]
    for _ in range(7):
        pw.append(g256_mul(pw[-1], beta, n, lam))
    t = []
    for j in range(7, -1, -1):
        t.append(frozenset(i for i in range(8) if pw[i] >> j & 1))
    a1, a0 = t[:4], t[4:]
    d = s16_add(s16_add(s16_scale_sq(a1, lam, n), s16_scale_sq(a0, 1, n)),
                s16_mul(c, a0, a1, n))
    e = s16_inv(c, d, n)
    inv = s16_mul(c, a1, e, n) + s16_mul(c, s16_add(a0, a1), e, n)
    # inv is the tower's bits (msb first) of x^-1; back to AES and A:
    # the tower element with bit j set is beta-polynomial m_j
    tower_of = {}
    for v in range(256):
        tv = 0
        for i in range(8):
            if v >> i & 1:
                tv ^= pw[i]
        tower_of[tv] = v
    outs = []
    for bit in range(8):
        combo = frozenset()
        for j in range(8):
            aes_elem = tower_of[1 << (7 - j)]
            if sbox_linear_of_inverse(aes_elem) >> bit & 1:
                combo = combo ^ inv[j]
        outs.append(combo)
    return c, outs


def sbox_linear_of_inverse(v):
    """A * v (v already the inverse): the affine map's linear part."""
    r = 0
    for i in range(5):
        r ^= ((v << i) | (v >> (8 - i))) & 0xff
    return r


# ---- the linear parts: XORs by distances to the targets
#
# Each layer of the circuit (the inputs of the ANDs of one depth, or the
# outputs) is a linear problem: compute target vectors over its variables
# (the layer's base signals) from a set S of signals already known (the
# variables, and every XOR made so far whose terms are among them).  The
# distance of a target t is the fewest XORs that make t from S: t is a
# sum of d + 1 elements of S.  Each step adds the one XOR of two signals
# of S that leaves the smallest sum of distances (ties: the largest sum
# of their squares, the most uneven, then the first), or, if a target is
# one XOR away, that target.  A new signal n lowers a distance by at
# most one, and lowers d(t) exactly when t + n is a sum of d(t) - 1
# elements of S; so one table per sum size serves every candidate.
# Unlike a search for common pairs of terms, this can use cancellation.


def bit_masks(m):
    """For each bit b < m: the set (bits of an int) of the 2^m points whose
    bit b is 0."""
    res = []
    for b in range(m):
        h = 1 << b
        mask, width = (1 << h) - 1, 2 * h
        while width < 1 << m:
            mask |= mask << width
            width *= 2
        res.append(mask)
    return res


def translate(pts, s, masks):
    """The set {p + s : p in pts} (pts as bits of an int)."""
    b = 0
    while s:
        if s & 1:
            h, mask = 1 << b, masks[b]
            pts = ((pts >> h) & mask) | ((pts & mask) << h)
        s >>= 1
        b += 1
    return pts


def distances(base, targets, m, masks):
    """Every target's distance, and sums[k] (bytes, one bit a point): the
    sums of at most k elements of @base, for k below the largest."""
    nbytes = ((1 << m) + 7) // 8
    sums, dist = [1], {}
    while len(dist) < len(targets):
        prev = sums[-1]
        reach = prev
        for v in base:
            reach |= translate(prev, v, masks)
        sums.append(reach)
        for t in targets:
            if t not in dist and reach >> t & 1:
                dist[t] = len(sums) - 2
    return dist, [x.to_bytes(nbytes, 'little') for x in sums]


def step(base, known, targets, dist, sums):
    """The next XOR (new, a, b) by the rule above."""
    for t in targets:
        if dist[t] == 1:
            a = next(v for v in base if v ^ t in known)
            return t, a, a ^ t
    best, pick = None, None
    for i, a in enumerate(base):
        for b in base[i + 1:]:
            n = a ^ b
            if n in known:
                continue
            total = square = 0
            for t in targets:
                d, p = dist[t], t ^ n
                if sums[d - 1][p >> 3] >> (p & 7) & 1:
                    d -= 1
                total += d
                square += d * d
            if best is None or (total, -square) < best:
                best, pick = (total, -square), (n, a, b)
    return pick


def layer_xors(base, targets, m):
    """XORs (new, a, b) of vectors over m variables making every target
    from @base."""
    masks = bit_masks(m)
    base = list(dict.fromkeys(base))
    known = set(base)
    todo = [t for t in dict.fromkeys(targets) if t not in known]
    gates = []
    while todo:
        dist, sums = distances(base, todo, m, masks)
        gate = step(base, known, todo, dist, sums)
        gates.append(gate)
        base.append(gate[0])
        known.add(gate[0])
        if gate[0] in todo:
            todo.remove(gate[0])
    return gates


def lower(c, outs):
    """The circuit as a list of gates: ('^' | '&', dst, a, b), the linear
    parts layer by layer (the ANDs' inputs by depth, then the outputs)."""
    depth = {i: 0 for i in range(8)}
    layers = {}
    for i, (a, b) in enumerate(c.ands):
        depth[8 + i] = 1 + max(depth[s] for s in a | b)
        layers.setdefault(depth[8 + i], []).extend([a, b])
    layers[max(layers) + 1] = list(outs)
    known = {frozenset([i]): i for i in range(c.nbase)}   # terms -> id
    deps, nxt = {}, c.nbase
    for d in sorted(layers):
        var = sorted(set().union(*layers[d]))
        pos = {v: k for k, v in enumerate(var)}
        ids, base = {}, []
        for terms, sid in known.items():
            if terms <= set(var):
                vec = sum(1 << pos[v] for v in terms)
                if vec not in ids:
                    ids[vec] = sid
                    base.append(vec)
        targets = [sum(1 << pos[v] for v in t) for t in layers[d]]
        for n, a, b in layer_xors(base, targets, len(var)):
            deps[nxt] = ('^', ids[a], ids[b])
            ids[n] = nxt
            known[frozenset(v for v in var if n >> pos[v] & 1)] = nxt
            nxt += 1
    for i, (a, b) in enumerate(c.ands):
        deps[8 + i] = ('&', known[a], known[b])
    order, seen = [], set(range(8))

    def visit(s):
        if s in seen:
            return
        op, p, q = deps[s]
        visit(p)
        visit(q)
        seen.add(s)
        order.append((op, s, p, q))

    out_ids = [known[o] for o in outs]
    for s in out_ids:
        visit(s)
    return order, out_ids


def evaluate(order, out_ids):
    val = {}
    for i in range(8):
        val[i] = sum(1 << v for v in range(256) if v >> i & 1)
    for op, s, p, q in order:
        val[s] = val[p] ^ val[q] if op == '^' else val[p] & val[q]
    return [val[s] for s in out_ids]


def check(order, out_ids):
    vals = evaluate(order, out_ids)
    for v in range(256):
        got = sum((vals[b] >> v & 1) << b for b in range(8))
        if got != sbox_linear(v):
            return False
    return True


# The tower the search (--search, about two minutes) found best: 128
# gates, as three others; the header is made from it.
TOWER = (3, 9, 75)


def best_circuit():
    """The smallest circuit over every tower (a few seconds each)."""
    best = None
    g4 = list(range(4))
    for n in g4:
        if not irreducible2(g4_mul, n, 4):
            continue
        for lam in range(16):
            if not irreducible2(lambda p, q: g16_mul(p, q, n), lam, 16):
                continue
            for beta in range(256):
                # beta a root of AES's polynomial x^8 + x^4 + x^3 + x + 1
                pw = [1]
                for _ in range(8):
                    pw.append(g256_mul(pw[-1], beta, n, lam))
                if pw[8] ^ pw[4] ^ pw[3] ^ pw[1] ^ pw[0]:
                    continue
                c, outs = build(n, lam, beta)
                order, out_ids = lower(c, outs)
                if best is None or len(order) < len(best[0]):
                    best = (order, out_ids, n, lam, beta)
    return best


def emit(order, out_ids, n, lam, beta):
    names = {i: 'x[%d]' % i for i in range(8)}
    lines = []
    tmp = 0
    nxor = sum(1 for g in order if g[0] == '^')
    nand = len(order) - nxor
    decls = []
    for op, s, p, q in order:
        names[s] = 't%d' % tmp
        tmp += 1
        decls.append('%s = %s %s %s' % (names[s], names[p], op, names[q]))
    # two declarations a line (the function stays under 150 lines)
    for k in range(0, len(decls), 2):
        lines.append('    uint64_t %s;' % ', '.join(decls[k:k + 2]))
    for b, s in enumerate(out_ids):
        lines.append('    x[%d] = %s;' % (b, names[s]))
    head = """/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Generated by kernels/gen_aes_bs.py: do not edit.
 *
 * The AES S-box without its constant (A x^-1; the kernel folds 0x63 into
 * the round keys) as %d XORs and %d ANDs on 64 bitsliced S-boxes:
 * x[i] holds bit i (i = 0 the least significant) of the byte of 64
 * blocks, one block per bit of the word.  Tower field N = %d, L = %d,
 * AES's x = %d.  No table, no branch: the same operations for every
 * value.
 */
#ifndef GV_AES_BS_SBOX_H
#define GV_AES_BS_SBOX_H

GV_FN void gv_aes_bs_sbox(uint64_t *x)
{
""" % (nxor, nand, n, lam, beta)
    return head + '\n'.join(lines) + '\n}\n\n#endif /* GV_AES_BS_SBOX_H */\n'


def main():
    args = sys.argv[1:]
    check_only = args[:1] == ['--check']
    search = args[:1] == ['--search']
    if check_only or search:
        args = args[1:]
    if len(args) != 1:
        sys.exit(__doc__)
    if search:
        order, out_ids, n, lam, beta = best_circuit()
        print('gen_aes_bs.py: %d gates, tower %d %d %d' %
              (len(order), n, lam, beta))
    else:
        n, lam, beta = TOWER
        order, out_ids = lower(*build(n, lam, beta))
    if not check(order, out_ids):
        sys.exit('gen_aes_bs.py: the circuit is not the S-box')
    text = emit(order, out_ids, n, lam, beta)
    if check_only:
        with open(args[0]) as f:
            if f.read() != text:
                sys.exit('gen_aes_bs.py: %s is not what it writes' % args[0])
        return
    with open(args[0], 'w') as f:
        f.write(text)


if __name__ == '__main__':
    main()
