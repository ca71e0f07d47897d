import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';
import { depthwiseConv2dSame, mergeHeads, splitHeads } from '@attention-zoo/attention-core/ops';

export interface DwcOptions {
  /** Heads h: the conv runs on each head's `[H, W, d]` value map, one set of d filters shared by all heads. */
  numHeads: number;
  /** `[H, W]` of the token grid, row-major tokens. */
  grid: [number, number];
  /**
   * Causal (autoregressive) use: the kernel keeps only the taps at or before
   * the centre in raster order, so token i mixes only tokens j ≤ i. An extension
   * beyond the paper; on a `[1, N]` grid it is a causal 1-D conv.
   */
  causal?: boolean;
}

/** `[k, k, 1, 1]` 0/1 mask keeping the taps (dy, dx) with dy < 0, or dy = 0 and dx ≤ 0. */
export function causalTapMask(k: number): tf.Tensor4D {
  const c = Math.floor(k / 2);
  const m = new Float32Array(k * k);
  for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) m[y * k + x] = y < c || (y === c && x <= c) ? 1 : 0;
  return tf.tensor4d(m, [k, k, 1, 1]);
}

/**
 * The rank-restoration branch of FLatten (Han et al. 2023, Eq. 10–12): DWC(V),
 * a depthwise k×k conv (stride 1, zero padding k//2, with bias) over each
 * head's value map `[H, W, d]`. As in the official code the heads are folded
 * into the batch, so ONE conv with d filters is shared by all heads, and the
 * output channel of head i, filter j is i·d + j.
 *
 * v `[B, N=H·W, C]`, kernel `[k, k, d, 1]` (tfjs depthwise layout; PyTorch's
 * `[d, 1, k, k]` converts with core's `torch.depthwiseConv2d`), bias `[d]` → `[B, N, C]`.
 */
export function dwcBranch(v: tf.Tensor3D, kernel: tf.Tensor4D, bias: tf.Tensor1D | undefined, options: DwcOptions): tf.Tensor3D {
  const [b, n, c] = v.shape;
  const { numHeads: h, grid } = options;
  const [gh, gw] = grid;
  if (v.rank !== 3) throw new AttentionInputError(`dwcBranch: v must be [batch, tokens, C], got [${v.shape}]`);
  if (n !== gh * gw) throw new AttentionInputError(`dwcBranch: v has ${n} tokens but grid [${gh}, ${gw}] holds ${gh * gw}`);
  if (c % h !== 0) throw new AttentionInputError(`dwcBranch: C=${c} is not divisible by numHeads=${h}`);
  const d = c / h;
  const [kh, kw, kc, mult] = kernel.shape;
  if (kernel.rank !== 4 || kh !== kw || kh % 2 !== 1 || kc !== d || mult !== 1) {
    throw new AttentionInputError(`dwcBranch: kernel must be [k, k, d=${d}, 1] with odd k, got [${kernel.shape.join(', ')}]`);
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== d)) throw new AttentionInputError(`dwcBranch: bias must be [d=${d}], got [${bias.shape}]`);
  return tf.tidy(() => {
    const maps = tf.reshape(splitHeads(v, h), [b * h, gh, gw, d]) as tf.Tensor4D; // [B·h, H, W, d]
    const filter = (options.causal ? tf.mul(kernel, causalTapMask(kh)) : kernel) as tf.Tensor4D;
    let y: tf.Tensor4D = depthwiseConv2dSame(maps, filter); // zero padding k//2
    if (bias) y = tf.add(y, bias);
    return mergeHeads(tf.reshape(y, [b, h, n, d])); // channel = head·d + j
  });
}

/**
 * The token-mixing matrix of DWC for filter j on a `[H, W]` grid: M[i, i'] is
 * the weight token i' gets in output token i (zero padding), so DWC(V)_{:, j} =
 * M_j V_{:, j} + bias_j. For the rank analysis (paper Fig. 5): host-side, small grids.
 */
export function dwcMixingMatrix(kernel: ArrayLike<number>, k: number, d: number, j: number, grid: [number, number]): Float64Array {
  const [gh, gw] = grid;
  const n = gh * gw;
  const m = new Float64Array(n * n);
  const c = Math.floor(k / 2);
  for (let y = 0; y < gh; y++) {
    for (let x = 0; x < gw; x++) {
      for (let dy = 0; dy < k; dy++) {
        for (let dx = 0; dx < k; dx++) {
          const yy = y + dy - c;
          const xx = x + dx - c;
          if (yy < 0 || yy >= gh || xx < 0 || xx >= gw) continue;
          m[(y * gw + x) * n + yy * gw + xx] = kernel[(dy * k + dx) * d + j]!; // kernel [k, k, d, 1]
        }
      }
    }
  }
  return m;
}

/** One tap of the causal DWC at a position: kernel row `(dy + c)·k + (dx + c)`, and how many tokens back it reads. */
export interface CausalTap {
  kernelRow: number;
  back: number;
}

/**
 * The taps of the causal DWC (see `causalTapMask`) that land inside a `[H, W]` grid at
 * raster position t, for decoding one token at a time: the same sum as `dwcBranch`
 * with `causal: true` at token t, with zero padding as taps left out. A tap (dy, dx)
 * reads token t − back, back = −(dy·W + dx) ∈ [0, min(c, H−1)·W + c], c = k//2: so a decoder
 * keeps the last min(c, H−1)·W + c value tokens.
 */
export function causalTapsAt(t: number, k: number, grid: [number, number]): CausalTap[] {
  const c = Math.floor(k / 2);
  const [, gw] = grid;
  const [y, x] = [Math.floor(t / gw), t % gw];
  const taps: CausalTap[] = [];
  for (let dy = -c; dy <= 0; dy++) {
    for (let dx = -c; dx <= (dy < 0 ? c : 0); dx++) {
      if (y + dy < 0 || x + dx < 0 || x + dx >= gw) continue;
      taps.push({ kernelRow: (dy + c) * k + (dx + c), back: -(dy * gw + dx) });
    }
  }
  return taps;
}
