import * as tf from '@tensorflow/tfjs-core';
import { mergeHeads, splitHeads } from '../../ops/heads.js';
import { linearAttentionReference } from '../linear-attention/reference.js';

/** The `+1e-6` the official code adds after ReLU: keeps x/‖x‖ defined for an all-zero token. */
export const KERNEL_EPS = 1e-6;

/** ‖x‖₂ over the last axis, kept: √Σx² (tf.norm adds an abs and a generic pow per element). */
function l2(x: tf.Tensor): tf.Tensor {
  return tf.sqrt(tf.sum(tf.square(x), -1, true));
}

/** x^p; a small integer p as repeated products (wasm's Pow is ~20× slower than a Multiply). */
function power(x: tf.Tensor, p: number): tf.Tensor {
  if (!Number.isInteger(p) || p > 8) return tf.pow(x, p);
  let y = x;
  for (let i = 1; i < p; i++) y = tf.mul(y, x);
  return y;
}

/**
 * The focusing function of FLatten (Han et al. 2023, Eq. 6) over the last axis,
 * f_p(x) = ‖x‖ / ‖x^p‖ · x^p (x ≥ 0), computed on x / max(x): f_p is invariant to a positive
 * rescaling inside the power, so this is the same value but x^p cannot overflow.
 */
export function focusingReference<T extends tf.Tensor>(x: T, p: number): T {
  return tf.tidy(() => {
    const m = tf.max(x, -1, true); // [..., 1]
    const unit = tf.div(x, m); // x / max(x) ∈ (0, 1]
    const norm = tf.mul(l2(unit), m); // ‖x‖ = max(x)·‖x / max(x)‖, no x² overflow
    const xp = power(unit, p); // (x / max x)^p
    return tf.mul(xp, tf.div(norm, l2(xp))) as T; // ‖x‖ · x^p / ‖x^p‖, the per-token factor on [..., 1]
  });
}

/**
 * φ_p of the official FLatten code as stock ops: ReLU(x + pos) + 1e-6, divided by sp (softplus of
 * the learnable per-channel scale), then f_p over all C channels. x `[B, N, C]`, sp `[C]`, pos `[N, C]`.
 */
export function focusReference(x: tf.Tensor3D, sp: tf.Tensor1D, pos: tf.Tensor2D | undefined, p: number): tf.Tensor3D {
  return tf.tidy(() => {
    const xp = pos ? tf.add(x, pos) : x;
    return focusingReference(tf.div(tf.add(tf.relu(xp), KERNEL_EPS), sp) as tf.Tensor3D, p);
  });
}

export interface FocusedLinearKernelOptions {
  numHeads: number;
  /** The raw `scale` parameter `[C]` (softplus is applied); omitted: no temperature. */
  scale?: tf.Tensor1D;
  /** Learnable positional encoding `[n, C]` added to the keys before φ. */
  positional?: tf.Tensor2D;
  /** Focusing factor p. */
  focusingFactor: number;
  /** Keys j ≤ i (a prefix-sum scan), normaliser φ(q_i)·Σ_{j≤i}φ(k_j) + 1e-6. */
  causal?: boolean;
  /**
   * `[B, n]` float 0/1 (core's `keyPaddingReal`), 1 = real key: padded keys leave both φ(K)ᵀV and
   * Σφ(K), and the official mean over keys becomes the mean over real keys, so the normaliser's
   * ε is n_b·1e-6 for sample b's n_b real keys (see `realKeyEps`): a sample gets what it gets alone.
   */
  keyPaddingMask?: tf.Tensor2D;
}

/** The softplus temperature, or ones. */
export function temperature(c: number, scale?: tf.Tensor1D): tf.Tensor1D {
  return scale ? (tf.softplus(scale) as tf.Tensor1D) : (tf.ones([c]) as tf.Tensor1D);
}

/** The normaliser's ε as the official code has it: z = 1/(φq·mean φk + 1e-6), i.e. n·1e-6 on the sum; causal 1e-6. */
export function focusedEps(keys: number, causal?: boolean): number {
  return causal ? 1e-6 : keys * 1e-6;
}

/**
 * With a key-padding mask, the official normaliser z = 1/(φ(q)·mean φ(k) + 1e-6) averages over the
 * real keys only: den_b = φ(q)·Σ_real φ(k) + n_b·1e-6 for sample b with n_b real keys. The
 * linear-attention kernels take one ε for the batch, so they run with ε = n·1e-6 and this rescales
 * their output: out·(S + n·1e-6)/(S + n_b·1e-6), S = φ(q)·Σ_real φ(k) per head — exact, since
 * out·(S + ε) is the numerator. Without it a query with a small φ(q) (most channels under ReLU's
 * zero) would feel how much padding its batch has. Non-causal only (causal ε is 1e-6, not n-tied).
 *
 * out, φq `[B, N, h·d]`, φk `[B, n, h·d]`, mask `[B, n]` float 0/1 → `[B, N, h·dv]`.
 */
export function realKeyEps(out: tf.Tensor3D, phiQ: tf.Tensor3D, phiK: tf.Tensor3D, mask: tf.Tensor2D, heads: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, queries, c] = phiQ.shape;
    const n = phiK.shape[1];
    const dv = out.shape[2] / heads;
    const sumK = tf.matMul(tf.reshape(mask, [b, 1, n]), phiK); // Σ_real φ(k): [B, 1, C]
    const s = tf.sum(tf.reshape(tf.mul(phiQ, sumK), [b, queries, heads, c / heads]), -1, true); // φ(q)·Σ_real φ(k) per head: [B, N, h, 1]
    const real = tf.reshape(tf.sum(mask, 1), [b, 1, 1, 1]); // n_b
    // A window or sample with no real key has out = 0: the floor keeps 0·factor at 0, never 0·∞.
    const factor = tf.div(tf.add(s, focusedEps(n)), tf.maximum(tf.add(s, tf.mul(real, 1e-6)), 1e-30)); // [B, N, h, 1]
    return tf.reshape(tf.mul(tf.reshape(out, [b, queries, heads, dv]), factor), [b, queries, heads * dv]) as tf.Tensor3D;
  });
}

/**
 * Focused linear attention (FLatten, Eq. 4 and 6) as stock ops: φ_p(q), φ_p(k + pos) over all
 * channels, then per head φ(Q)(φ(K)ᵀV) / (φ(Q)·Σφ(K) + n·1e-6). Tokens-first q `[B, N, C]`,
 * k, v `[B, n, C]` → `[B, N, C]`.
 */
export function focusedLinearReference(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, o: FocusedLinearKernelOptions): tf.Tensor3D {
  return tf.tidy(() => {
    const sp = temperature(q.shape[2], o.scale);
    const phiQ = focusReference(q, sp, undefined, o.focusingFactor);
    const phiK = focusReference(k, sp, o.positional, o.focusingFactor);
    const h = o.numHeads;
    const out = mergeHeads(linearAttentionReference(splitHeads(phiQ, h), splitHeads(phiK, h), splitHeads(v, h), { eps: focusedEps(k.shape[1], o.causal), causal: o.causal, keyPaddingMask: o.keyPaddingMask }));
    return o.keyPaddingMask && !o.causal ? realKeyEps(out, phiQ, phiK, o.keyPaddingMask, h) : out;
  });
}
