// Dense references of the AFT equations (Zhai et al. 2021), for tests only: plain float64
// loops over every (t, t', channel), independent of the ops and of tfjs math.
import * as tf from '@tensorflow/tfjs-core';
import type { AttentionCallOptions, AttentionLayer } from '@attention-zoo/attention-core';
import { denseLinear, readProjections, readWeight } from '@attention-zoo/attention-core/testing';

/** w_{t,t'} for channel c, or null where the pair is excluded (causal). */
export type Bias = (t: number, tk: number, c: number) => number | null;

/**
 * Y_t,c = σ(Q_t,c) Σ_t' exp(K_t',kc + w) V_t',c / Σ_t' exp(K_t',kc + w), kc = keyChannel(c) —
 * Eq. 2, with the maximum of K + w over the row subtracted in float64.
 * q, v [L][T·C] row-major, k [L][T·Ck].
 */
export function denseAft(
  q: Float64Array[], k: Float64Array[], v: Float64Array[],
  tokens: number, channels: number, keyChannels: number,
  bias: Bias, keyChannel: (c: number) => number = (c) => c,
): Float64Array[] {
  return q.map((qs, l) => {
    const out = new Float64Array(tokens * channels);
    for (let t = 0; t < tokens; t++) {
      for (let c = 0; c < channels; c++) {
        const kc = keyChannel(c);
        const logits: [number, number][] = [];
        for (let u = 0; u < tokens; u++) {
          const w = bias(t, u, c);
          if (w !== null) logits.push([u, k[l]![u * keyChannels + kc]! + w]);
        }
        const mx = Math.max(...logits.map(([, z]) => z));
        let num = 0;
        let den = 0;
        for (const [u, z] of logits) {
          const e = Math.exp(z - mx);
          num += e * v[l]![u * channels + c]!;
          den += e;
        }
        out[t * channels + c] = (1 / (1 + Math.exp(-qs[t * channels + c]!))) * (num / den);
      }
    }
    return out;
  });
}

/** A tensor `[..., T, C]` as L float64 rows of T·C. */
export async function rows(x: tf.Tensor): Promise<Float64Array[]> {
  const [t, c] = x.shape.slice(-2) as [number, number];
  const data = Float64Array.from(await x.data());
  return Array.from({ length: data.length / (t * c) }, (_, l) => data.subarray(l * t * c, (l + 1) * t * c));
}

export const toTensor = (r: Float64Array[], shape: number[]) => {
  const flat = new Float32Array(r.length * r[0]!.length);
  r.forEach((x, i) => flat.set(Float32Array.from(x), i * x.length));
  return tf.tensor(flat, shape);
};

/**
 * The output of an AFT layer (`aft-full`, `aft-simple`, `aft-local`, `aft-conv`)
 * computed from its own weights: out_proj(denseAft(xW_q, xW_k, xW_v, w_eff)). The
 * effective biases come from the weights by the paper's definitions: w or u vᵀ,
 * the band |t − t'| < s with 0 outside, or the s×s kernel at offset t' − t on the
 * grid (after γ (w − mean)/std + β when re-parameterised); causal drops t' > t, and a
 * key-padding mask drops the padded keys.
 */
export async function denseAftReference(layer: AttentionLayer, x: tf.Tensor3D, options: AttentionCallOptions = {}): Promise<tf.Tensor3D> {
  const [batch, t, d] = x.shape;
  const cls = layer.getClassName();
  const h = layer.numHeads;
  const cfg = layer.getConfig() as Record<string, unknown>;
  const [wq, bq, wk, bk, wv, bv, wo, bo] = await readProjections(layer);
  const kd = wk!.length / d; // d, or numHeads for AFT-conv
  let pair: (t: number, u: number, head: number) => number;
  if (cls.endsWith('AftSimple')) {
    pair = () => 0;
  } else if (cls.endsWith('AftFull') || cls.endsWith('AftLocal')) {
    const n = cfg['maxTokens'] as number;
    const [w, u, v] = await Promise.all(['pos/w', 'pos/u', 'pos/v'].map((p) => readWeight(layer, p)));
    const f = cfg['factorDim'] as number | undefined;
    const full = (a: number, b: number) => {
      if (w) return w[a * n + b]!;
      let s = 0;
      for (let i = 0; i < f!; i++) s += u![a * f! + i]! * v![b * f! + i]!;
      return s;
    };
    const s = cfg['windowSize'] as number | undefined;
    pair = cls.endsWith('AftLocal') ? (a, b) => (Math.abs(a - b) < s! ? full(a, b) : 0) : full;
  } else if (cls.endsWith('AftConv')) {
    const s = cfg['kernelSize'] as number;
    const [gh, gw] = cfg['grid'] as [number, number];
    if (gh * gw !== t) throw new Error('grid mismatch');
    const raw = (await readWeight(layer, 'pos/w'))!;
    const ker = Float64Array.from(raw);
    if (cfg['reparameterize']) {
      const [g, b] = [(await readWeight(layer, 'pos/gamma'))!, (await readWeight(layer, 'pos/beta'))!];
      for (let i = 0; i < h; i++) {
        const part = raw.subarray(i * s * s, (i + 1) * s * s);
        const mean = part.reduce((a, c) => a + c, 0) / part.length;
        const variance = part.reduce((a, c) => a + (c - mean) ** 2, 0) / part.length;
        for (let j = 0; j < s * s; j++) ker[i * s * s + j] = (g[i]! * (part[j]! - mean)) / Math.sqrt(variance + 1e-5) + b[i]!;
      }
    }
    const r = (s - 1) / 2;
    pair = (a, b, head) => {
      const dy = Math.floor(b / gw) - Math.floor(a / gw);
      const dx = (b % gw) - (a % gw);
      return Math.abs(dy) <= r && Math.abs(dx) <= r ? ker[head * s * s + (dy + r) * s + (dx + r)]! : 0;
    };
  } else {
    throw new Error(`denseAftReference: not an AFT layer: ${cls}`);
  }
  const headOf = (c: number) => Math.floor(c / (d / h));
  const bias: Bias = (a, b, c) => (layer.causal && b > a ? null : pair(a, b, headOf(c)));
  const xs = await rows(x);
  // A padded key (mask 0) is in neither sum of Eq. 2.
  const real = options.keyPaddingMask ? await options.keyPaddingMask.array() : undefined;
  const out = xs.map((xr, i) => {
    const keyBias: Bias = real ? (a, b, c) => (real[i]![b] ? bias(a, b, c) : null) : bias;
    const q = denseLinear(xr, t, d, d, wq!, bq);
    const k = denseLinear(xr, t, d, kd, wk!, bk);
    const v = denseLinear(xr, t, d, d, wv!, bv);
    const y = denseAft([q], [k], [v], t, d, kd, keyBias, kd === d ? (c) => c : headOf)[0]!;
    return denseLinear(y, t, d, d, wo!, bo);
  });
  return toTensor(out, [batch, t, d]) as tf.Tensor3D;
}
