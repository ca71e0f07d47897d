import { it } from 'vitest';
import type * as tf from '@tensorflow/tfjs-core';
import type { AttentionCallOptions, AttentionLayer } from '@attention-zoo/attention-core';
import { conformanceChecks, type ConformanceSpec } from '@attention-zoo/attention-core/testing';
import { backendSuite, testBackends } from '@attention-zoo/test-utils';
import '../src/index.js';
import type { CosformerAttention, EfficientAttention, LinearEluAttention, PerformerAttention } from '../src/index.js';
import { denseHeadsReference, denseHydraReference, dot, normalised, type HeadWeights } from './dense-reference.js';

const elu1 = (x: number) => (x > 0 ? x + 1 : Math.exp(x));
const relu = (x: number) => Math.max(x, 0);

/** Linear Transformer, Eq. 6 on the left: A_ij ∝ φ(q_i)ᵀφ(k_j), φ = elu + 1. */
const linearElu = (layer: LinearEluAttention): HeadWeights => normalised((i, j, q, k) => dot(q[i]!.map(elu1), k[j]!.map(elu1)), layer.eps);

/**
 * FAVOR+ as the official code defines φ, in float64: x′ = x·d^-¼,
 * φ(x)_r = m^-½(exp(ω_r·x′ − ‖x′‖²/2 − c) + ε), c = max_r ω_r·x′ (queries) or
 * max over real keys and r (keys; causal: an ω-only bound). Then A_ij ∝ φ(q_i)ᵀφ(k_j).
 */
function performer(layer: PerformerAttention, omega: Float32Array): HeadWeights {
  const m = layer.numFeatures;
  const d = layer.headDim;
  const eps = layer.numericalStabilizer;
  const proj = (x: Float64Array) => {
    const xs = x.map((e) => e * d ** -0.25);
    return { a: Array.from({ length: m }, (_, r) => dot(omega.subarray(r * d, (r + 1) * d), xs)), diag: dot(xs, xs) / 2 };
  };
  return (q, k, allowed) => {
    const real = (j: number) => allowed(q.length - 1, j); // the last query sees every real key (causal implies N = M)
    const pq = q.map(proj);
    const pk = k.map(proj);
    // Non-causal: the maximum over real keys (official); causal: the ω-only bound max(0, max_r ‖ω_r‖²/2 − 60).
    const normSq = (r: number) => dot(omega.subarray(r * d, (r + 1) * d), omega.subarray(r * d, (r + 1) * d));
    const keyMax = layer.causal
      ? Math.max(0, Math.max(...Array.from({ length: m }, (_, r) => normSq(r) / 2)) - 60)
      : Math.max(...pk.flatMap((p, j) => (real(j) ? p.a : [])));
    const phiQ = pq.map(({ a, diag }) => a.map((x) => (Math.exp(x - diag - Math.max(...a)) + eps) / Math.sqrt(m)));
    const phiK = pk.map(({ a, diag }) => a.map((x) => (Math.exp(x - diag - keyMax) + eps) / Math.sqrt(m)));
    return normalised((i, j) => dot(phiQ[i]!, phiK[j]!), layer.eps)(q, k, allowed);
  };
}

/** Efficient Attention, Eq. 5 on the left: A_ij = Σ_r softmax_r(q_i) · exp(k_jr) / Σ_{j' seen by i} exp(k_j'r). */
const efficient = (layer: EfficientAttention): HeadWeights => (q, k, allowed) =>
  q.map((qi, i) => {
    const mx = Math.max(...qi);
    const eq = qi.map((x) => Math.exp(x - mx));
    const sq = eq.reduce((s, x) => s + x, 0);
    const rhoQ = eq.map((x) => x / sq);
    const feats = qi.length;
    const z = Array.from({ length: feats }, (_, r) => k.reduce((s, kj, j) => s + (allowed(i, j) ? Math.exp(kj[r]!) : 0), 0));
    return k.map((kj, j) => (allowed(i, j) ? rhoQ.reduce((s, p, r) => s + (p * Math.exp(kj[r]!)) / z[r]!, 0) / (1 + layer.eps) : 0));
  });

/** cosFormer, Eq. 9 on the left: A_ij ∝ ReLU(q_i)ᵀReLU(k_j) · cos(π/2 · (i − j)/M). */
const cosformer = (layer: CosformerAttention): HeadWeights => (q, k, allowed) => {
  const big = layer.maxTokens ?? Math.max(q.length, k.length);
  return normalised((i, j) => dot(q[i]!.map(relu), k[j]!.map(relu)) * Math.cos(((Math.PI / 2) * (i - j)) / big), layer.eps)(q, k, allowed);
};

type Ref = (layer: AttentionLayer, x: tf.Tensor3D, options: AttentionCallOptions) => Promise<tf.Tensor>;

const specs: ConformanceSpec[] = [
  {
    name: 'linear-elu',
    config: { dim: 16, numHeads: 4 },
    denseReference: ((l, x, o) => denseHeadsReference(l, x, o, linearElu(l as LinearEluAttention))) as Ref,
  },
  {
    name: 'performer',
    config: { dim: 16, numHeads: 4, numFeatures: 32 },
    denseReference: (async (l, x, o) => {
      const omega = (await l.weight('features/projection').read().data()) as Float32Array;
      return denseHeadsReference(l, x, o, performer(l as PerformerAttention, omega));
    }) as Ref,
  },
  {
    name: 'efficient-attention',
    config: { dim: 16, numHeads: 4 },
    denseReference: ((l, x, o) => denseHeadsReference(l, x, o, efficient(l as EfficientAttention))) as Ref,
  },
  {
    // M fixed by maxTokens: a padded sample then matches the same sample unpadded (with the
    // official M = current length, padding changes M; see the cosFormer tests).
    name: 'cosformer',
    config: { dim: 16, numHeads: 4, maxTokens: 16 },
    denseReference: ((l, x, o) => denseHeadsReference(l, x, o, cosformer(l as CosformerAttention))) as Ref,
  },
  {
    name: 'hydra',
    config: { dim: 16, numHeads: 4 },
    denseReference: denseHydraReference as Ref,
  },
];

// wasm: linear-elu, whose layer runs core's tokens-first linear-attention kernel there (heads read in place).
const onWasm = new Set(['linear-elu']);

for (const backend of await testBackends(['cpu', 'wasm', 'webgpu'])) {
  for (const spec of specs.filter((s) => backend.name !== 'wasm' || onWasm.has(s.name))) {
    backendSuite(`${spec.name} conformance`, backend, () => {
      for (const check of conformanceChecks({ tokens: 12, ...spec })) it(check.name, check.run);
    });
  }
}
