// SPDX-License-Identifier: GPL-2.0-or-later
// The autoencoder's kernels (the Graviton paper's second application): a
// stack of fully connected layers, trained by plain SGD on batches.
// Matrices are row-major: W is out x in, activations batch x width.
// Every sum runs in a fixed order in one thread (no atomics), so a run is
// deterministic: a normal and a secure context train bit-identically.
// act: 0 ReLU, 1 sigmoid.

__device__ static float activate(float x, int act)
{
    if (act)
        return 1.0f / (1.0f + __expf(-x));
    return x > 0.0f ? x : 0.0f;
}

// Y = act(X W^T + b), one thread per output element (n, j).
extern "C" __global__ void ae_forward(const float *W, const float *b,
                                      const float *X, float *Y, int in,
                                      int out, int batch, int act)
{
    int k = blockIdx.x * blockDim.x + threadIdx.x;
    int n = k / out, j = k % out;
    const float *w = W + (size_t)j * in, *x = X + (size_t)n * in;
    float s;

    if (n >= batch)
        return;
    s = b[j];
    for (int i = 0; i < in; i++)
        s += w[i] * x[i];
    Y[k] = activate(s, act);
}

// The output layer's delta for the mean squared error through a sigmoid:
// D = 2 (Y - T) Y (1 - Y) / (batch * width).
extern "C" __global__ void ae_out_delta(const float *Y, const float *T,
                                        float *D, int count, float scale)
{
    int k = blockIdx.x * blockDim.x + threadIdx.x;

    if (k < count) {
        float y = Y[k];

        D[k] = scale * (y - T[k]) * y * (1.0f - y);
    }
}

// The previous layer's delta: Din = (Dout W) * act'(Xin), where Xin is that
// layer's output (ReLU: 1 where positive).
extern "C" __global__ void ae_backward(const float *W, const float *Dout,
                                       const float *Xin, float *Din, int in,
                                       int out, int batch)
{
    int k = blockIdx.x * blockDim.x + threadIdx.x;
    int n = k / in, i = k % in;
    const float *d = Dout + (size_t)n * out;
    float s = 0.0f;

    if (n >= batch)
        return;
    for (int j = 0; j < out; j++)
        s += d[j] * W[(size_t)j * in + i];
    Din[k] = Xin[k] > 0.0f ? s : 0.0f;
}

// W -= lr * Dout^T X, one thread per weight; thread i == in of a row also
// updates its bias (b -= lr * sum_n Dout).
extern "C" __global__ void ae_update(float *W, float *b, const float *Dout,
                                     const float *X, int in, int out,
                                     int batch, float lr)
{
    int k = blockIdx.x * blockDim.x + threadIdx.x;
    int j = k / (in + 1), i = k % (in + 1);
    float s = 0.0f;

    if (j >= out)
        return;
    if (i == in) {
        for (int n = 0; n < batch; n++)
            s += Dout[(size_t)n * out + j];
        b[j] -= lr * s;
        return;
    }
    for (int n = 0; n < batch; n++)
        s += Dout[(size_t)n * out + j] * X[(size_t)n * in + i];
    W[(size_t)j * in + i] -= lr * s;
}
