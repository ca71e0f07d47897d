import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';
import { gelu, layerNorm, patchConv2d } from '@attention-zoo/attention-core/ops';

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
 */
export function spatialReduction(x: tf.Tensor3D, grid: [number, number], weights: SpatialReductionWeights): tf.Tensor3D {
  checkGrid(x, grid, 'spatialReduction');
  const [h, w] = grid;
  const r = weights.kernel.shape[0];
  if (weights.kernel.shape[1] !== r) throw new AttentionInputError(`spatialReduction: the kernel must be square [R, R, C, C], got [${weights.kernel.shape}]`);
  if (r > h || r > w) throw new AttentionInputError(`spatialReduction: srRatio ${r} is larger than the grid [${h}, ${w}]: no key would remain`);
  return tf.tidy(() => {
    const [b, , c] = x.shape;
    const img = tf.reshape(x, [b, h, w, c]) as tf.Tensor4D; // NHWC
    let y: tf.Tensor = patchConv2d(img, weights.kernel); // [B, H/R, W/R, C]
    if (weights.bias) y = tf.add(y, weights.bias);
    const [, hr, wr, co] = y.shape;
    return layerNorm(tf.reshape(y, [b, hr! * wr!, co!]), weights.gamma, weights.beta, weights.epsilon ?? 1e-5) as tf.Tensor3D;
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
 */
export function linearSpatialReduction(x: tf.Tensor3D, grid: [number, number], poolSize: number, weights: SpatialReductionWeights): tf.Tensor3D {
  checkGrid(x, grid, 'linearSpatialReduction');
  if (!(Number.isInteger(poolSize) && poolSize >= 1)) throw new AttentionInputError(`linearSpatialReduction: poolSize must be an integer ≥ 1, got ${poolSize}`);
  return tf.tidy(() => {
    const [b, n, c] = x.shape;
    const p = adaptivePoolMatrix(grid, poolSize); // [P², HW]
    // Pool all samples in one matMul: [P², HW] × [HW, B·C].
    const flat = tf.reshape(tf.transpose(x, [1, 0, 2]), [n, b * c]);
    const pooled = tf.transpose(tf.reshape(tf.matMul(p, flat), [poolSize * poolSize, b, c]), [1, 0, 2]); // [B, P², C]
    const kernel = tf.reshape(weights.kernel, [c, weights.kernel.shape[3]]) as tf.Tensor2D; // 1×1 conv = dense
    let y: tf.Tensor = tf.matMul(tf.reshape(pooled, [-1, c]), kernel);
    if (weights.bias) y = tf.add(y, weights.bias);
    y = tf.reshape(y, [b, poolSize * poolSize, -1]);
    return gelu(layerNorm(y, weights.gamma, weights.beta, weights.epsilon ?? 1e-5)) as tf.Tensor3D;
  });
}
