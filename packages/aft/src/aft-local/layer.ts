import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError, defineCapabilities } from '@attention-zoo/attention-core';
import { biasRow, denseBias } from '../shared/position-bias.js';
import { addToken, emptySums, type RunningSums } from '../shared/running-sums.js';
import { PositionBiasLayer, type PositionBiasConfig } from '../shared/position-bias-layer.js';
import { aftLocal } from './op.js';

export interface AftLocalConfig extends PositionBiasConfig {
  /** Window s: w_{t,t'} is learned where |t − t'| < s and 0 outside. Default 32 (the paper's best on Enwik8, Table 5). */
  windowSize?: number;
}

/**
 * AFT-local (Zhai et al. 2021, Eq. 4): AFT-full with w_{t,t'} kept where |t − t'| < s and 0
 * (not −∞) outside, so far tokens still contribute exp(K_t'). Only the band of w is read.
 * Weights: `q/*`, `k/*`, `v/*`, `out/*`, then `pos/w` (or `pos/u`, `pos/v`).
 * Causal decoding (`incremental: 'window'`) keeps the running sums of exp(K)V and exp(K)
 * (the bias-0 part) and the last s − 1 tokens' K, V for the band correction: (2s + 1)·dim
 * floats, O(s·dim) time per token, up to maxTokens (w's size).
 */
export class AftLocal extends PositionBiasLayer {
  static className = 'AttentionZoo>AftLocal';
  static override capabilities = defineCapabilities({ causal: true, keyPaddingMask: true, needsMaxTokens: true, attentionMap: 'approximate', incremental: 'window' });

  readonly windowSize: number;

  constructor(config: AftLocalConfig) {
    super(config);
    const s = config.windowSize ?? 32;
    if (!Number.isInteger(s) || s < 1) {
      throw new AttentionConfigError(`${this.who}: windowSize s must be an integer ≥ 1 (|t − t'| < s; s = 1 keeps only w_{t,t}), got ${JSON.stringify(config.windowSize)}`);
    }
    this.windowSize = s;
  }

  protected override aft(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
    return aftLocal(q, k, v, this.positionBias(), { windowSize: this.windowSize, causal: this.causal }) as tf.Tensor3D;
  }

  protected override initialMixState(batch: number): Record<string, tf.Tensor> {
    const past = (): tf.Tensor3D => tf.zeros([batch, this.decodeWindow() - 1, this.dim]);
    return { ...emptySums(batch, this.dim), kPast: past(), vPast: past() };
  }

  /**
   * Eq. 4 at token t as the op computes it: the global sums (bias 0 for every t' ≤ t) plus
   * the band correction Σ_{t−s<t'≤t} (exp(w_{t,t'}) − 1) exp(K_t') V_t', each term over the
   * same running maximum, both scaled by exp(−a_t), a_t = max(0, max_band w).
   */
  /**
   * The window decoding keeps: positions stop at maxTokens (w's size), so a window wider than
   * that reaches back to the start at every step — it is clamped to maxTokens (same outputs)
   * and the state holds at most maxTokens − 1 past tokens, never windowSize − 1.
   */
  private decodeWindow(): number {
    return Math.min(this.windowSize, this.maxTokens ?? this.windowSize);
  }

  protected override aftStep(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, state: Readonly<Record<string, tf.Tensor>>, t: number) {
    const s = this.decodeWindow();
    const sums = addToken(state as unknown as RunningSums, k, v);
    const kWin = tf.concat([state['kPast'] as tf.Tensor3D, k], 1); // [B, s, C]: tokens t − s + 1 … t
    const vWin = tf.concat([state['vPast'] as tf.Tensor3D, v], 1);
    const from = Math.max(0, t - s + 1);
    const count = t - from + 1; // the band's keys that exist
    const w = biasRow(this.positionBias(), t, from, count); // [count]
    const a = tf.maximum(tf.max(w), 0); // a_t
    const coef = tf.reshape(tf.sub(tf.exp(tf.sub(w, a)), tf.exp(tf.neg(a))), [1, count, 1]); // exp(w − a) − exp(−a)
    const last = (x: tf.Tensor3D) => tf.slice(x, [0, s - count, 0], [-1, count, -1]);
    const e = tf.mul(tf.exp(tf.sub(last(kWin), sums.m)), coef); // [B, count, C]
    const outside = tf.exp(tf.neg(a));
    const num = tf.add(tf.mul(sums.num, outside), tf.sum(tf.mul(e, last(vWin)), 1, true));
    const den = tf.add(tf.mul(sums.den, outside), tf.sum(e, 1, true));
    const keep = (x: tf.Tensor3D) => tf.slice(x, [0, 1, 0], [-1, s - 1, -1]);
    return {
      mixed: tf.mul(tf.sigmoid(q), tf.div(num, den)) as tf.Tensor3D,
      tensors: { ...sums, kPast: keep(kWin), vPast: keep(vWin) },
    };
  }

  protected override impliedBias(tokens: number): tf.Tensor3D {
    return tf.tidy(() => {
      const s = this.windowSize;
      const w = Math.min(s, tokens) - 1; // a window wider than the sequence covers it all
      const band = tf.linalg.bandPart(tf.ones([tokens, tokens]), w, w); // 1 where |t − t'| < s
      return tf.expandDims(tf.mul(denseBias(this.positionBias(), tokens), band), 0) as tf.Tensor3D;
    });
  }

  protected override variantConfig(): Record<string, unknown> {
    return { ...super.variantConfig(), windowSize: this.windowSize };
  }
}

