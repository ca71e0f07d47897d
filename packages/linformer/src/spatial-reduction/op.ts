import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';
import { checkKeyPaddingMask, gelu, keyPaddingReal, layerNorm, patchConv2d } from '@attention-zoo/attention-core/ops';

export interface SpatialReductionWeights {
  /** Conv kernel `[R, R, C, C]` (tfjs HWIO; PyTorch `sr.weight` `[C, C, R, R]` via `torch.conv2d`), stride R. */
  kernel: tf.Tensor4D;
  bias?: tf.Tensor1D;
  /** LayerNorm γ, β `[C]`. */
  gamma: tf.Tensor1D;
  beta: tf.Tensor1D;
  /** LayerNorm ε; default 1e-5 (PyTorch's `nn.LayerNorm`). */
  epsilon?: number;
}

export interface SpatialReductionOptions {
  /**
   * `[batch, H·W]` key-padding mask (bool or 0/1, 1 = real token). Padded tokens are zeroed
   * before the reduction and each reduced cell is renormalised by its real count (see
   * `spatialReduction`, `linearSpatialReduction`), so no padded token enters a reduced key;
   * `reducedKeyPaddingMask` gives the reduced keys' own mask.
   */
  keyPaddingMask?: tf.Tensor2D;
}

/** Which reduction a mask goes through: PVT's stride-R conv, or PVTv2's pool to P×P. */
export type Reduction = { srRatio: number } | { poolSize: number };

/**
 * The fraction of real tokens in each reduced cell, `[batch, n', 1]`: the mean of the
 * 0/1 mask over the conv's R×R patch (stride R, remainder dropped as the conv drops it),
 * or over the adaptive-pool bin.
 */
function realFraction(mask: tf.Tensor2D, grid: [number, number], reduction: Reduction): tf.Tensor3D {
  const [h, w] = grid;
  const b = mask.shape[0];
  return tf.tidy(() => {
    const real = keyPaddingReal(mask); // float 0/1 written by tf.where, never a cast bool buffer
    if ('srRatio' in reduction) {
      const r = reduction.srRatio;
      const frac = tf.avgPool(tf.reshape(real, [b, h, w, 1]) as tf.Tensor4D, r, r, 'valid'); // [B, H/R, W/R, 1]
      return tf.reshape(frac, [b, -1, 1]) as tf.Tensor3D;
    }
    const p = adaptivePoolMatrix(grid, reduction.poolSize); // [P², HW]
    return tf.reshape(tf.transpose(tf.matMul(p, real, false, true)), [b, -1, 1]) as tf.Tensor3D; // [B, P², 1]
  });
}

/**
 * The key-padding mask of the reduced keys, `[batch, n']` float 0/1: a reduced key is real
 * when at least one real token fell into its patch (or pool bin). A fully padded cell
 * would carry only the conv's bias, so attention drops it.
 */
export function reducedKeyPaddingMask(mask: tf.Tensor2D, grid: [number, number], reduction: Reduction): tf.Tensor2D {
  return tf.tidy(() => {
    const frac = realFraction(mask, grid, reduction);
    return keyPaddingReal(tf.reshape(tf.greater(frac, 0), [mask.shape[0], -1]) as tf.Tensor2D);
  });
}

/** x with padded tokens zeroed, and the real fraction per reduced cell (clamped away from 0 for dividing). */
function maskedInput(x: tf.Tensor3D, grid: [number, number], reduction: Reduction, mask: tf.Tensor2D | undefined, op: string) {
  if (!mask) return { x, frac: undefined };
  const [b, n] = x.shape;
  checkKeyPaddingMask(mask, b, n, op);
  const real = keyPaddingReal(mask);
  const zeroed = tf.mul(x, tf.reshape(real, [b, n, 1])) as tf.Tensor3D; // padded tokens → 0
  const frac = tf.maximum(realFraction(mask, grid, reduction), 1e-12); // an all-padded cell: 0 / ε = 0
  return { x: zeroed, frac };
}

function checkGrid(x: tf.Tensor3D, grid: [number, number], op: string): void {
  if (x.rank !== 3) throw new AttentionInputError(`${op}: x must be [batch, tokens, channels], got [${x.shape}]`);
  const [h, w] = grid;
  if (x.shape[1] !== h * w) throw new AttentionInputError(`${op}: x has ${x.shape[1]} tokens but grid [${h}, ${w}] holds ${h * w}`);
}

/**
 * PVT's spatial reduction of the key/value tokens (Wang et al. 2021, Eq. 4):
 *   SR(x) = LayerNorm(Reshape(x, R) W_S),
 * a stride-R R×R convolution over the H×W token grid, then LayerNorm over channels.
 * x `[batch, H·W, C]` (row-major) → `[batch, ⌊H/R⌋·⌊W/R⌋, C]`.
 *
 * With a key-padding mask M the conv is a partial convolution (Liu et al. 2018, "Image
 * Inpainting for Irregular Holes Using Partial Convolutions", Eq. 1):
 *   W_Sᵀ(X ⊙ M) · R² / ΣM + b
 * — padded tokens are zeroed, and a patch with some padding is rescaled to the mean of its
 * real tokens, so a reduced key never sees padding and does not shrink with it.
 */
export function spatialReduction(x: tf.Tensor3D, grid: [number, number], weights: SpatialReductionWeights, options: SpatialReductionOptions = {}): tf.Tensor3D {
  checkGrid(x, grid, 'spatialReduction');
  const [h, w] = grid;
  const r = weights.kernel.shape[0];
  if (weights.kernel.shape[1] !== r) throw new AttentionInputError(`spatialReduction: the kernel must be square [R, R, C, C], got [${weights.kernel.shape}]`);
  if (r > h || r > w) throw new AttentionInputError(`spatialReduction: srRatio ${r} is larger than the grid [${h}, ${w}]: no key would remain`);
  return tf.tidy(() => {
    const [b, , c] = x.shape;
    const masked = maskedInput(x, grid, { srRatio: r }, options.keyPaddingMask, 'spatialReduction');
    const img = tf.reshape(masked.x, [b, h, w, c]) as tf.Tensor4D; // NHWC
    const conv = patchConv2d(img, weights.kernel); // [B, H/R, W/R, C]
    const [, hr, wr, co] = conv.shape;
    let y: tf.Tensor = tf.reshape(conv, [b, hr * wr, co]); // [B, n', C]
    if (masked.frac) y = tf.div(y, masked.frac); // · R²/ΣM: the partial conv's renormalisation
    if (weights.bias) y = tf.add(y, weights.bias);
    return layerNorm(y, weights.gamma, weights.beta, weights.epsilon ?? 1e-5) as tf.Tensor3D;
  });
}

/** PyTorch's `AdaptiveAvgPool1d` bins: output i averages inputs [⌊i·n/o⌋, ⌈(i+1)·n/o⌉). */
function adaptiveBins(n: number, o: number): Float32Array {
  const m = new Float32Array(o * n);
  for (let i = 0; i < o; i++) {
    const [s, e] = [Math.floor((i * n) / o), Math.ceil(((i + 1) * n) / o)];
    for (let j = s; j < e; j++) m[i * n + j] = 1 / (e - s);
  }
  return m;
}

/** The `[P·P, H·W]` matrix of a 2-D adaptive average pool to P×P (separable: P_h ⊗ P_w). */
export function adaptivePoolMatrix(grid: [number, number], size: number): tf.Tensor2D {
  const [h, w] = grid;
  const [ph, pw] = [adaptiveBins(h, size), adaptiveBins(w, size)];
  const m = new Float32Array(size * size * h * w);
  for (let i = 0; i < size; i++)
    for (let j = 0; j < size; j++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) m[(i * size + j) * h * w + y * w + x] = ph[i * h + y]! * pw[j * w + x]!;
  return tf.tensor2d(m, [size * size, h * w]);
}

/**
 * PVTv2's linear spatial-reduction (Wang et al. 2022, "linear SRA"): adaptive
 * average pooling of the grid to a fixed P×P, a 1×1 convolution, LayerNorm, GELU —
 * so keys and values are P² tokens whatever the input size (linear in N).
 * x `[batch, H·W, C]` → `[batch, P², C]`. The kernel is `[1, 1, C, C]`.
 * With a key-padding mask the pool is a masked average, Σ_real x / #real per bin.
 */
export function linearSpatialReduction(
  x: tf.Tensor3D,
  grid: [number, number],
  poolSize: number,
  weights: SpatialReductionWeights,
  options: SpatialReductionOptions = {},
): tf.Tensor3D {
  checkGrid(x, grid, 'linearSpatialReduction');
  if (!(Number.isInteger(poolSize) && poolSize >= 1)) throw new AttentionInputError(`linearSpatialReduction: poolSize must be an integer ≥ 1, got ${poolSize}`);
  return tf.tidy(() => {
    const [b, n, c] = x.shape;
    const masked = maskedInput(x, grid, { poolSize }, options.keyPaddingMask, 'linearSpatialReduction');
    const p = adaptivePoolMatrix(grid, poolSize); // [P², HW]
    // Pool all samples in one matMul: [P², HW] × [HW, B·C].
    const flat = tf.reshape(tf.transpose(masked.x, [1, 0, 2]), [n, b * c]);
    let pooled: tf.Tensor = tf.transpose(tf.reshape(tf.matMul(p, flat), [poolSize * poolSize, b, c]), [1, 0, 2]); // [B, P², C]
    if (masked.frac) pooled = tf.div(pooled, masked.frac); // mean(x ⊙ m) / mean(m): the mean of the bin's real tokens
    const kernel = tf.reshape(weights.kernel, [c, weights.kernel.shape[3]]) as tf.Tensor2D; // 1×1 conv = dense
    let y: tf.Tensor = tf.matMul(tf.reshape(pooled, [-1, c]), kernel);
    if (weights.bias) y = tf.add(y, weights.bias);
    y = tf.reshape(y, [b, poolSize * poolSize, -1]);
    return gelu(layerNorm(y, weights.gamma, weights.beta, weights.epsilon ?? 1e-5)) as tf.Tensor3D;
  });
}
