"""PyTorch CPU reference timings for `pnpm bench --vs-torch`.

Reads a JSON list of cases on stdin ({variant, tokens, dim, numHeads, batch, mode, runs})
and prints a JSON list of {variant, tokens, mode, ms_median} (or {..., skipped}).
Each algorithm is the same computation as the tfjs layer of the same registry
name: q/k/v and output projections around the mixing step, float32, eval mode.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F

torch.set_grad_enabled(True)


def heads(x, h):  # [B, N, C] -> [B, h, N, C/h]
    b, n, c = x.shape
    return x.reshape(b, n, h, c // h).transpose(1, 2)


def merge(x):  # [B, h, N, d] -> [B, N, h*d]
    b, h, n, d = x.shape
    return x.transpose(1, 2).reshape(b, n, h * d)


class Projected(torch.nn.Module):
    def __init__(self, dim, num_heads, mix):
        super().__init__()
        self.q, self.k, self.v, self.o = (torch.nn.Linear(dim, dim) for _ in range(4))
        self.h, self.mix = num_heads, mix

    def forward(self, x):
        q, k, v = heads(self.q(x), self.h), heads(self.k(x), self.h), heads(self.v(x), self.h)
        return self.o(merge(self.mix(q, k, v)))


def softmax_mix(q, k, v):  # Vaswani et al. 2017, Eq. 1
    a = torch.softmax(q @ k.transpose(-2, -1) * q.shape[-1] ** -0.5, dim=-1)
    return a @ v


def linear_elu_mix(q, k, v, eps=1e-6):  # Katharopoulos et al. 2020, Eq. 6
    q, k = F.elu(q) + 1, F.elu(k) + 1
    kv = k.transpose(-2, -1) @ v
    z = 1 / (q @ k.sum(dim=2, keepdim=True).transpose(-2, -1) + eps)
    return (q @ kv) * z


class AftSimple(torch.nn.Module):  # Zhai et al. 2021, Eq. 5 (no position biases)
    def __init__(self, dim, num_heads):
        super().__init__()
        self.q, self.k, self.v, self.o = (torch.nn.Linear(dim, dim) for _ in range(4))

    def forward(self, x):
        q, k, v = self.q(x), self.k(x), self.v(x)
        w = torch.softmax(k, dim=1)
        return self.o(torch.sigmoid(q) * (w * v).sum(dim=1, keepdim=True))


def nearly_square(n):  # the bench's grid: most nearly square [H, W] with H*W = n
    h = int(n ** 0.5)
    while n % h:
        h -= 1
    return h, n // h


class FocusedLinear(torch.nn.Module):
    """FLatten, PVT form, sr_ratio 1 (Han et al. 2023, Eq. 4, 6, 12), as the official
    `models/flatten_pvt.py::FocusedLinearAttention.forward` at HEAD: ReLU + 1e-6,
    / softplus(scale), f_p over all C channels, K^T V first, DWC(5x5) on V shared by heads."""

    def __init__(self, dim, num_heads, tokens, p=3, k=5):
        super().__init__()
        self.q, self.kv, self.proj = torch.nn.Linear(dim, dim), torch.nn.Linear(dim, 2 * dim), torch.nn.Linear(dim, dim)
        self.h, self.p, self.grid = num_heads, p, nearly_square(tokens)
        d = dim // num_heads
        self.dwc = torch.nn.Conv2d(d, d, k, groups=d, padding=k // 2)
        self.scale = torch.nn.Parameter(torch.zeros(1, 1, dim))
        self.positional_encoding = torch.nn.Parameter(torch.zeros(1, tokens, dim))

    def forward(self, x):
        B, N, C = x.shape
        H, W = self.grid
        q = self.q(x)
        k, v = self.kv(x).reshape(B, -1, 2, C).permute(2, 0, 1, 3)
        k = k + self.positional_encoding
        q, k = F.relu(q) + 1e-6, F.relu(k) + 1e-6
        s = F.softplus(self.scale)
        q, k = q / s, k / s
        qn, kn = q.norm(dim=-1, keepdim=True), k.norm(dim=-1, keepdim=True)
        q, k = q ** self.p, k ** self.p
        q = (q / q.norm(dim=-1, keepdim=True)) * qn
        k = (k / k.norm(dim=-1, keepdim=True)) * kn
        q, k, v = heads(q, self.h), heads(k, self.h), heads(v, self.h)
        n = k.shape[-2]
        z = 1 / (q @ k.mean(dim=-2, keepdim=True).transpose(-2, -1) + 1e-6)
        kv = (k.transpose(-2, -1) * n ** -0.5) @ (v * n ** -0.5)
        out = merge((q @ kv) * z)
        d = C // self.h
        fm = v.reshape(B * self.h, H, W, d).permute(0, 3, 1, 2)
        out = out + self.dwc(fm).reshape(B, C, N).permute(0, 2, 1)
        return self.proj(out)


def build(variant, dim, num_heads, tokens):
    if variant == 'softmax':
        return Projected(dim, num_heads, softmax_mix)
    if variant in ('linear-elu', 'linear-transformer', 'linear'):
        return Projected(dim, num_heads, linear_elu_mix)
    if variant == 'aft-simple':
        return AftSimple(dim, num_heads)
    if variant == 'flatten':
        return FocusedLinear(dim, num_heads, tokens)
    return None


def run(case):
    model = build(case['variant'], case['dim'], case['numHeads'], case['tokens'])
    out = {k: case[k] for k in ('variant', 'tokens', 'mode')}
    if model is None:
        return {**out, 'skipped': 'no PyTorch reference for this variant'}
    x = torch.randn(case['batch'], case['tokens'], case['dim'])
    params = list(model.parameters())

    def once():
        if case['mode'] == 'forward':
            with torch.no_grad():
                model(x)
        else:
            y = model(x).sum()
            torch.autograd.grad(y, params)

    once()
    times = []
    for _ in range(case['runs']):
        t0 = time.perf_counter()
        once()
        times.append((time.perf_counter() - t0) * 1000)
    return {**out, 'ms_median': statistics.median(times)}


if __name__ == '__main__':
    cases = json.load(sys.stdin)
    results = []
    for c in cases:
        try:
            results.append(run(c))
        except RuntimeError as e:  # out of memory and the like
            results.append({k: c[k] for k in ('variant', 'tokens', 'mode')} | {'skipped': str(e).splitlines()[0]})
    json.dump({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'results': results}, sys.stdout)
