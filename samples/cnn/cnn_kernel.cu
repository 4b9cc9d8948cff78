// SPDX-License-Identifier: GPL-2.0-or-later
// The CNN's kernels (the Graviton paper's Figure 11 application, in the
// shape of Caffe's Cifar-10 network): convolutions with ReLU, max and
// average pooling, local response normalisation across channels, a
// linear classifier with softmax and cross-entropy, and their gradients
// for SGD.  Tensors are NCHW (image, channel, row, column), row-major.
// Every sum runs in a fixed order in one thread (no atomics), so a run is
// deterministic: a normal and a secure context train bit-identically.

// Y = relu(conv(X, W) + b): stride 1, "same" padding (k odd, pad k / 2).
// One thread per output element (n, o, y, x); W is cout x cin x k x k.
extern "C" __global__ void cnn_conv_fwd(const float *X, const float *W,
                                        const float *b, float *Y, int batch,
                                        int cin, int cout, int hw, int k)
{
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    int plane = hw * hw, pad = k / 2;
    int x = t % hw, y = t / hw % hw, o = t / plane % cout;
    int n = t / plane / cout, ky0, ky1, kx0, kx1;
    float s;

    if (n >= batch)
        return;
    s = b[o];
    // the taps inside the image: iy = y + ky - pad in [0, hw)
    ky0 = pad - y > 0 ? pad - y : 0;
    ky1 = hw + pad - y < k ? hw + pad - y : k;
    kx0 = pad - x > 0 ? pad - x : 0;
    kx1 = hw + pad - x < k ? hw + pad - x : k;
    for (int c = 0; c < cin; c++) {
        const float *xp = X + ((size_t)n * cin + c) * plane +
                          (y - pad) * hw + x - pad;
        const float *wp = W + ((size_t)o * cin + c) * k * k;

        for (int ky = ky0; ky < ky1; ky++) {
            for (int kx = kx0; kx < kx1; kx++)
                s += wp[ky * k + kx] * xp[ky * hw + kx];
        }
    }
    Y[t] = s > 0.0f ? s : 0.0f;
}

// The gradient through a ReLU, in place: D = Y > 0 ? D : 0.
extern "C" __global__ void cnn_relu_bwd(const float *Y, float *D, int count)
{
    int t = blockIdx.x * blockDim.x + threadIdx.x;

    if (t < count && !(Y[t] > 0.0f))
        D[t] = 0.0f;
}

// The input's gradient of a convolution: dX = conv^T(dY, W).  One thread
// per input element (n, c, y, x); dY already through the ReLU.
extern "C" __global__ void cnn_conv_bwd_data(const float *dY, const float *W,
                                             float *dX, int batch, int cin,
                                             int cout, int hw, int k)
{
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    int plane = hw * hw, pad = k / 2;
    int x = t % hw, y = t / hw % hw, c = t / plane % cin;
    int n = t / plane / cin, ky0, ky1, kx0, kx1;
    float s = 0.0f;

    if (n >= batch)
        return;
    // the taps whose output oy = y - ky + pad is in [0, hw)
    ky0 = y + pad - hw + 1 > 0 ? y + pad - hw + 1 : 0;
    ky1 = y + pad + 1 < k ? y + pad + 1 : k;
    kx0 = x + pad - hw + 1 > 0 ? x + pad - hw + 1 : 0;
    kx1 = x + pad + 1 < k ? x + pad + 1 : k;
    for (int o = 0; o < cout; o++) {
        const float *dp = dY + ((size_t)n * cout + o) * plane +
                          (y + pad) * hw + x + pad;
        const float *wp = W + ((size_t)o * cin + c) * k * k;

        for (int ky = ky0; ky < ky1; ky++) {
            for (int kx = kx0; kx < kx1; kx++)
                s += wp[ky * k + kx] * dp[-ky * hw - kx];
        }
    }
    dX[t] = s;
}

// SGD on a convolution's weights: W -= lr * sum over the batch and the
// positions of dY * X.  One thread per weight (o, c, ky, kx); the last
// cout threads update the biases (b -= lr * sum dY).
extern "C" __global__ void cnn_conv_update(float *W, float *b, const float *dY,
                                           const float *X, int batch, int cin,
                                           int cout, int hw, int k, float lr)
{
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    int nw = cout * cin * k * k, plane = hw * hw, pad = k / 2;
    float s = 0.0f;

    if (t >= nw + cout)
        return;
    if (t >= nw) {
        int o = t - nw;

        for (int n = 0; n < batch; n++) {
            const float *dp = dY + ((size_t)n * cout + o) * plane;

            for (int i = 0; i < plane; i++)
                s += dp[i];
        }
        b[o] -= lr * s;
        return;
    }
    {
        int kx = t % k, ky = t / k % k, c = t / (k * k) % cin;
        int o = t / (k * k) / cin;
        int y0 = ky - pad > 0 ? ky - pad : 0, x0 = kx - pad > 0 ? kx - pad : 0;
        int y1 = hw + ky - pad < hw ? hw + ky - pad : hw;
        int x1 = hw + kx - pad < hw ? hw + kx - pad : hw;

        // input position (iy, ix) = (oy + ky - pad, ox + kx - pad)
        for (int n = 0; n < batch; n++) {
            const float *dp = dY + ((size_t)n * cout + o) * plane;
            const float *xp = X + ((size_t)n * cin + c) * plane;

            for (int iy = y0; iy < y1; iy++) {
                int oy = iy - ky + pad;

                for (int ix = x0; ix < x1; ix++)
                    s += dp[oy * hw + ix - kx + pad] * xp[iy * hw + ix];
            }
        }
        W[t] -= lr * s;
    }
}

// Pooling over k x k windows with stride st (no padding): max (mode 0,
// the argmax's offset in its plane kept in I) or average (mode 1).  One
// thread per output element of planes (batch x channels) of hw x hw.
extern "C" __global__ void cnn_pool_fwd(const float *X, float *Y, int *I,
                                        int planes, int hw, int k, int st,
                                        int ohw, int mode)
{
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    int ox = t % ohw, oy = t / ohw % ohw, p = t / (ohw * ohw);
    const float *xp = X + (size_t)p * hw * hw;
    float best = 0.0f, sum = 0.0f;
    int arg = -1;

    if (p >= planes)
        return;
    for (int ky = 0; ky < k; ky++) {
        for (int kx = 0; kx < k; kx++) {
            int i = (oy * st + ky) * hw + ox * st + kx;

            sum += xp[i];
            if (arg < 0 || xp[i] > best) {
                best = xp[i];
                arg = i;
            }
        }
    }
    if (mode == 0) {
        Y[t] = best;
        I[t] = arg;
    } else {
        Y[t] = sum / (float)(k * k);
    }
}

// The pooling's gradient: one thread per input element, summing over the
// windows that hold it (max: only where it was the argmax).
extern "C" __global__ void cnn_pool_bwd(const float *dY, const int *I,
                                        float *dX, int planes, int hw, int k,
                                        int st, int ohw, int mode)
{
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    int x = t % hw, y = t / hw % hw, p = t / (hw * hw), oy0, oy1, ox0, ox1;
    const float *dp = dY + (size_t)p * ohw * ohw;
    const int *ip = I + (size_t)p * ohw * ohw;
    float s = 0.0f;

    if (p >= planes)
        return;
    // the windows oy with oy * st <= y < oy * st + k, and so for x
    oy0 = y - k + st < 0 ? 0 : (y - k + st) / st;
    oy1 = y / st + 1 < ohw ? y / st + 1 : ohw;
    ox0 = x - k + st < 0 ? 0 : (x - k + st) / st;
    ox1 = x / st + 1 < ohw ? x / st + 1 : ohw;
    for (int oy = oy0; oy < oy1; oy++) {
        for (int ox = ox0; ox < ox1; ox++) {
            int o = oy * ohw + ox;

            if (mode != 0)
                s += dp[o] / (float)(k * k);
            else if (ip[o] == y * hw + x)
                s += dp[o];
        }
    }
    dX[t] = s;
}

// Local response normalisation across channels (AlexNet's, Caffe's LRN
// layer): S = 1 + alpha / size * sum of X^2 over the size channels around
// this one (clipped at the ends); Y = X * S^-beta.  S is kept for the
// gradient.  One thread per element.
extern "C" __global__ void cnn_lrn_fwd(const float *X, float *Y, float *S,
                                       int batch, int ch, int plane, int size,
                                       float alpha, float beta)
{
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    int i = t % plane, c = t / plane % ch, n = t / plane / ch;
    const float *xp = X + (size_t)n * ch * plane + i;
    float s = 0.0f;

    if (n >= batch)
        return;
    for (int d = c - size / 2; d <= c + size / 2; d++) {
        if (d >= 0 && d < ch)
            s += xp[(size_t)d * plane] * xp[(size_t)d * plane];
    }
    s = 1.0f + alpha / (float)size * s;
    S[t] = s;
    Y[t] = X[t] * __powf(s, -beta);
}

// Its gradient: dX_c = dY_c S_c^-beta - 2 alpha beta / size * X_c *
// sum over the channels d around c of dY_d Y_d / S_d.
extern "C" __global__ void cnn_lrn_bwd(const float *X, const float *Y,
                                       const float *S, const float *dY,
                                       float *dX, int batch, int ch,
                                       int plane, int size, float alpha,
                                       float beta)
{
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    int i = t % plane, c = t / plane % ch, n = t / plane / ch;
    size_t base = (size_t)n * ch * plane + i;
    float s = 0.0f;

    if (n >= batch)
        return;
    for (int d = c - size / 2; d <= c + size / 2; d++) {
        size_t j = base + (size_t)d * plane;

        if (d >= 0 && d < ch)
            s += dY[j] * Y[j] / S[j];
    }
    dX[t] = dY[t] * __powf(S[t], -beta) -
            2.0f * alpha * beta / (float)size * X[t] * s;
}

// The linear classifier: Z = X W^T + b, one thread per (n, j).
extern "C" __global__ void cnn_fc_fwd(const float *X, const float *W,
                                      const float *b, float *Z, int batch,
                                      int in, int out)
{
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    int n = t / out, j = t % out;
    const float *w = W + (size_t)j * in, *x = X + (size_t)n * in;
    float s;

    if (n >= batch)
        return;
    s = b[j];
    for (int i = 0; i < in; i++)
        s += w[i] * x[i];
    Z[t] = s;
}

// Its input's gradient: dX = dZ W, one thread per (n, i).
extern "C" __global__ void cnn_fc_bwd_data(const float *dZ, const float *W,
                                           float *dX, int batch, int in,
                                           int out)
{
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    int n = t / in, i = t % in;
    float s = 0.0f;

    if (n >= batch)
        return;
    for (int j = 0; j < out; j++)
        s += dZ[(size_t)n * out + j] * W[(size_t)j * in + i];
    dX[t] = s;
}

// SGD on its weights: W -= lr dZ^T X, one thread per weight; thread
// i == in of a row updates the bias.
extern "C" __global__ void cnn_fc_update(float *W, float *b, const float *dZ,
                                         const float *X, int batch, int in,
                                         int out, float lr)
{
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    int j = t / (in + 1), i = t % (in + 1);
    float s = 0.0f;

    if (j >= out)
        return;
    if (i == in) {
        for (int n = 0; n < batch; n++)
            s += dZ[(size_t)n * out + j];
        b[j] -= lr * s;
        return;
    }
    for (int n = 0; n < batch; n++)
        s += dZ[(size_t)n * out + j] * X[(size_t)n * in + i];
    W[(size_t)j * in + i] -= lr * s;
}

// Softmax and cross-entropy, one thread per image: its loss, whether the
// most probable class is its label, and dZ = (softmax - onehot) / batch.
extern "C" __global__ void cnn_softmax_xent(const float *Z, const int *label,
                                            float *dZ, float *loss,
                                            int *correct, int batch,
                                            int classes)
{
    int n = blockIdx.x * blockDim.x + threadIdx.x;
    const float *z = Z + (size_t)n * classes;
    float m, sum = 0.0f;
    int arg = 0;

    if (n >= batch)
        return;
    m = z[0];
    for (int j = 1; j < classes; j++) {
        if (z[j] > m) {
            m = z[j];
            arg = j;
        }
    }
    for (int j = 0; j < classes; j++)
        sum += __expf(z[j] - m);
    for (int j = 0; j < classes; j++) {
        float p = __expf(z[j] - m) / sum;

        dZ[(size_t)n * classes + j] =
            (p - (j == label[n] ? 1.0f : 0.0f)) / (float)batch;
    }
    loss[n] = __logf(sum) + m - z[label[n]];
    correct[n] = arg == label[n];
}
