#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A reference of samples/cnn in numpy (float64), written apart from its
kernels: the same network, initial weights, batches and SGD steps on the
first Fashion-MNIST training images, printing each step's loss and hits
as the sample does ("batch K: loss L, correct H/B").  paper-smoke sets
its losses beside the emulated GPU's, which checks the kernels' forward
pass and every gradient.

    cnn_reference.py IMAGES-IDX.gz LABELS-IDX.gz IMAGES BATCH BATCHES [LR]
"""
import gzip
import sys

import numpy as np

ALPHA, BETA, SIZE = 1e-4, 0.75, 5       # the LRN's


def records(img_path, lbl_path, n):
    with gzip.open(img_path) as f:
        f.read(16)
        img = np.frombuffer(f.read(784 * n), np.uint8).reshape(n, 784)
    with gzip.open(lbl_path) as f:
        f.read(8)
        lbl = np.frombuffer(f.read(n), np.uint8).astype(int)
    return img, lbl


class Lcg:
    """The sample's generator: uniform in [-1, 1), in float32."""

    def __init__(self, seed):
        self.s = seed

    def take(self, n):
        out = np.empty(n, np.float32)
        for i in range(n):
            self.s = (self.s * 1664525 + 1013904223) & 0xffffffff
            out[i] = np.float32(self.s >> 8) / np.float32(1 << 23) - 1
        return out


def weights(g, out, fan_in, shape):
    r = np.float32(np.sqrt(np.float32(6.0) / np.float32(fan_in)))
    w = (r * g.take(out * fan_in)).astype(np.float64).reshape(shape)
    return w, np.zeros(out)


def conv(x, w, b):
    """relu(conv(x, w) + b), stride 1, same padding."""
    k, h = w.shape[2], x.shape[2]
    p = k // 2
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    y = np.zeros((x.shape[0], w.shape[0], h, h)) + b[None, :, None, None]
    for ky in range(k):
        for kx in range(k):
            y += np.einsum("nchw,oc->nohw", xp[:, :, ky:ky + h, kx:kx + h],
                           w[:, :, ky, kx])
    return np.maximum(y, 0)


def conv_bwd(dy, x, w):
    """The input's, the weights' and the bias's gradients."""
    k, h = w.shape[2], x.shape[2]
    p = k // 2
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for ky in range(k):
        for kx in range(k):
            dxp[:, :, ky:ky + h, kx:kx + h] += np.einsum(
                "nohw,oc->nchw", dy, w[:, :, ky, kx])
            dw[:, :, ky, kx] = np.einsum(
                "nohw,nchw->oc", dy, xp[:, :, ky:ky + h, kx:kx + h])
    return dxp[:, :, p:p + h, p:p + h], dw, dy.sum(axis=(0, 2, 3))


def pool(x, k, o, is_max):
    """k x k windows, stride 2: max (the first maximum's index kept) or
    average."""
    y = np.zeros(x.shape[:2] + (o, o))
    arg = np.zeros(y.shape, int)
    for oy in range(o):
        for ox in range(o):
            win = x[:, :, oy * 2:oy * 2 + k, ox * 2:ox * 2 + k]
            win = win.reshape(x.shape[0], x.shape[1], -1)
            if is_max:
                arg[:, :, oy, ox] = win.argmax(axis=2)
                y[:, :, oy, ox] = win.max(axis=2)
            else:
                y[:, :, oy, ox] = win.mean(axis=2)
    return y, arg


def pool_bwd(dy, arg, h, k, is_max):
    dx = np.zeros(dy.shape[:2] + (h, h))
    for oy in range(dy.shape[2]):
        for ox in range(dy.shape[3]):
            if not is_max:
                dx[:, :, oy * 2:oy * 2 + k, ox * 2:ox * 2 + k] += \
                    dy[:, :, oy, ox][..., None, None] / (k * k)
                continue
            for j in range(k * k):
                dx[:, :, oy * 2 + j // k, ox * 2 + j % k] += \
                    dy[:, :, oy, ox] * (arg[:, :, oy, ox] == j)
    return dx


def lrn(x):
    s = np.zeros_like(x)
    for c in range(x.shape[1]):
        s[:, c] = (x[:, max(0, c - 2):c + 3] ** 2).sum(axis=1)
    s = 1 + ALPHA / SIZE * s
    return x * s ** -BETA, s


def lrn_bwd(x, y, s, dy):
    t = dy * y / s
    dx = np.zeros_like(x)
    for c in range(x.shape[1]):
        dx[:, c] = (dy[:, c] * s[:, c] ** -BETA - 2 * ALPHA * BETA / SIZE *
                    x[:, c] * t[:, max(0, c - 2):c + 3].sum(axis=1))
    return dx


def step(net, x, lbl, lr):
    """One SGD step; returns the loss and hits of its forward pass."""
    w1, b1, w2, b2, w3, b3, w4, b4 = net
    n = x.shape[0]
    a1 = conv(x, w1, b1)
    p1, arg1 = pool(a1, 2, 14, True)
    n1, s1 = lrn(p1)
    a2 = conv(n1, w2, b2)
    p2, _ = pool(a2, 2, 7, False)
    n2, s2 = lrn(p2)
    a3 = conv(n2, w3, b3)
    p3, _ = pool(a3, 3, 3, False)
    f = p3.reshape(n, -1)
    z = f @ w4.T + b4
    e = np.exp(z - z.max(axis=1, keepdims=True))
    prob = e / e.sum(axis=1, keepdims=True)
    loss = -np.log(prob[np.arange(n), lbl]).mean()
    hits = int((z.argmax(axis=1) == lbl).sum())
    dz = prob.copy()
    dz[np.arange(n), lbl] -= 1
    dz /= n
    df = dz @ w4
    w4 -= lr * dz.T @ f
    b4 -= lr * dz.sum(axis=0)
    da3 = pool_bwd(df.reshape(p3.shape), None, 7, 3, False) * (a3 > 0)
    dn2, g, gb = conv_bwd(da3, n2, w3)
    w3 -= lr * g
    b3 -= lr * gb
    da2 = pool_bwd(lrn_bwd(p2, n2, s2, dn2), None, 14, 2, False) * (a2 > 0)
    dn1, g, gb = conv_bwd(da2, n1, w2)
    w2 -= lr * g
    b2 -= lr * gb
    da1 = pool_bwd(lrn_bwd(p1, n1, s1, dn1), arg1, 28, 2, True) * (a1 > 0)
    _, g, gb = conv_bwd(da1, x, w1)
    w1 -= lr * g
    b1 -= lr * gb
    return loss, hits


def main():
    if len(sys.argv) not in (6, 7):
        print(__doc__, file=sys.stderr)
        return 2
    images, batch, batches = (int(v) for v in sys.argv[3:6])
    lr = np.float32(int(sys.argv[6]) if len(sys.argv) == 7 else 500) / \
        np.float32(10000)
    img, lbl = records(sys.argv[1], sys.argv[2], images)
    g = Lcg(2018)
    w1, b1 = weights(g, 8, 25, (8, 1, 5, 5))
    w2, b2 = weights(g, 16, 8 * 25, (16, 8, 5, 5))
    w3, b3 = weights(g, 32, 16 * 9, (32, 16, 3, 3))
    w4, b4 = weights(g, 10, 288, (10, 288))
    net = (w1, b1, w2, b2, w3, b3, w4, b4)
    for k in range(batches):
        first = (k * batch) % (images - batch + 1)
        if k == batches - 1 and batches > 1:
            first = 0
        x = img[first:first + batch].astype(np.float32) / np.float32(255)
        x = (x - np.float32(0.5)).astype(np.float64)
        loss, hits = step(net, x.reshape(batch, 1, 28, 28),
                          lbl[first:first + batch], np.float64(lr))
        print(f"  batch {k}: loss {loss:.6f}, correct {hits}/{batch}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
