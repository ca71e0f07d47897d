import * as tf from '@tensorflow/tfjs-core';
import { isFactorised, type PositionBias } from '../shared/position-bias.js';

/**
 * The band |t − t'| < s of AFT-local in blocks, so that only the band is ever
 * built: tokens are cut into `blocks` query blocks of C ≥ s − 1 tokens; query
 * block i sees key blocks i−1, i, i+1 (i−1, i when causal), `span` = 3C (2C)
 * keys in all. Band weights are `[blocks, C, span]` and keys `[..., blocks,
 * span, F]`: O(T·s) and O(T·F) memory, never T×T.
 */
export interface BandLayout {
  tokens: number;
  window: number;
  causal: boolean;
  /** Block length C. */
  block: number;
  blocks: number;
  /** Key blocks per query block: 3, or 2 when causal. */
  keyBlocks: number;
  /** Keys per query block, keyBlocks · C. */
  span: number;
}

export function bandLayout(tokens: number, window: number, causal: boolean): BandLayout {
  const block = Math.min(Math.max(window - 1, 1), tokens);
  const keyBlocks = causal ? 2 : 3;
  return { tokens, window, causal, block, blocks: Math.ceil(tokens / block), keyBlocks, span: keyBlocks * block };
}

/** Query t and key t' of band entry (i, r, j): t = iC + r, t' = (i − 1)C + j. */
function forEachEntry(l: BandLayout, f: (flat: number, t: number, tk: number) => void): void {
  const { block: c, blocks, span } = l;
  for (let i = 0; i < blocks; i++) {
    for (let r = 0; r < c; r++) {
      for (let j = 0; j < span; j++) f((i * c + r) * span + j, i * c + r, (i - 1) * c + j);
    }
  }
}

/** `[blocks, C, span]` boolean: the pair (t, t') is in the band (|t − t'| < s, t' ≤ t when causal) and both exist. */
export function bandKeep(l: BandLayout): tf.Tensor3D {
  const keep = new Uint8Array(l.blocks * l.block * l.span);
  forEachEntry(l, (flat, t, tk) => {
    const inside = t < l.tokens && tk >= 0 && tk < l.tokens && Math.abs(t - tk) < l.window && (!l.causal || tk <= t);
    keep[flat] = inside ? 1 : 0;
  });
  return tf.tensor3d(keep, [l.blocks, l.block, l.span], 'bool');
}

/**
 * The biases w_{t,t'} of the band, `[blocks, C, span]`, gathered from the full
 * matrix or computed as u_t · v_t' from the factors (only band entries; values
 * outside the band are arbitrary and must be masked with `bandKeep`).
 */
export function bandBias(w: PositionBias, l: BandLayout): tf.Tensor3D {
  const clamp = (t: number) => Math.min(Math.max(t, 0), l.tokens - 1);
  const { block: c, blocks, span } = l;
  return tf.tidy(() => {
    if (isFactorised(w)) {
      const rows = new Int32Array(blocks * c);
      const cols = new Int32Array(blocks * span);
      for (let i = 0; i < blocks; i++) {
        for (let r = 0; r < c; r++) rows[i * c + r] = clamp(i * c + r);
        for (let j = 0; j < span; j++) cols[i * span + j] = clamp((i - 1) * c + j);
      }
      const d = w.u.shape[1];
      const u = tf.reshape(tf.gather(w.u, tf.tensor1d(rows, 'int32')), [blocks, c, d]); // [nb, C, d']
      const v = tf.reshape(tf.gather(w.v, tf.tensor1d(cols, 'int32')), [blocks, span, d]); // [nb, span, d']
      return tf.matMul(u, v, false, true) as tf.Tensor3D; // [nb, C, span]
    }
    const width = w.shape[1];
    const idx = new Int32Array(blocks * c * span);
    forEachEntry(l, (flat, t, tk) => {
      idx[flat] = clamp(t) * width + clamp(tk);
    });
    return tf.reshape(tf.gather(tf.reshape(w, [-1]), tf.tensor1d(idx, 'int32')), [blocks, c, span]) as tf.Tensor3D;
  });
}

/**
 * `[L, T, F]` → the keys of each query block, `[L, blocks, span, F]`, by one gather along
 * time. Positions before 0 or past T are clamped; `bandKeep` gives them weight 0.
 */
export function keyBlocks(x: tf.Tensor3D, l: BandLayout): tf.Tensor4D {
  const [n, , f] = x.shape;
  const { block: c, blocks, span } = l;
  const idx = new Int32Array(blocks * span);
  for (let i = 0; i < blocks; i++) {
    for (let j = 0; j < span; j++) idx[i * span + j] = Math.min(Math.max((i - 1) * c + j, 0), l.tokens - 1);
  }
  return tf.tidy(() => tf.reshape(tf.gather(x, tf.tensor1d(idx, 'int32'), 1), [n, blocks, span, f]) as tf.Tensor4D);
}

/** Σ_j band[i, r, j] · keys[·, i, j, :] for every query block: `[L, T, F]`. */
export function bandProduct(band: tf.Tensor3D, keys: tf.Tensor4D, tokens: number): tf.Tensor3D {
  const [n, blocks, span, f] = keys.shape;
  const c = band.shape[1];
  return tf.tidy(() => {
    const k = tf.reshape(tf.transpose(keys, [1, 2, 0, 3]), [blocks, span, n * f]); // [nb, span, L·F]
    const y = tf.reshape(tf.matMul(band, k), [blocks * c, n, f]); // [nb·C, L, F]
    return tf.slice(tf.transpose(y, [1, 0, 2]), [0, 0, 0], [n, tokens, f]) as tf.Tensor3D; // [L, T, F]
  });
}
