import * as tf from '@tensorflow/tfjs-core';

/**
 * Swin's `PatchMerging` gather: `[B, H·W, C]` on grid `[H, W]` → `[B, H/2·W/2, 4C]`,
 * channels ordered x0 = (2i, 2j), x1 = (2i+1, 2j), x2 = (2i, 2j+1), x3 = (2i+1, 2j+1)
 * as `torch.cat([x0, x1, x2, x3], -1)` in the official code (LayerNorm and reduction follow).
 */
export function patchMergeGather(x: tf.Tensor3D, grid: [number, number]): tf.Tensor3D {
  const [b, , c] = x.shape;
  const [h, w] = grid;
  return tf.tidy(() => {
    const t = tf.reshape(x, [b, h / 2, 2, w / 2, 2, c]); // [B, i, dy, j, dx, C]
    // order (dx, dy): x0 (0,0), x1 (dy=1,dx=0), x2 (dy=0,dx=1), x3 (1,1) → dx outer, dy inner
    const p = tf.transpose(t, [0, 1, 3, 4, 2, 5]); // [B, i, j, dx, dy, C]
    return tf.reshape(p, [b, (h / 2) * (w / 2), 4 * c]) as tf.Tensor3D;
  });
}
