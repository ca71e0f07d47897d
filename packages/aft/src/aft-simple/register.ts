import { registerAttention } from '@attention-zoo/attention-core';
import { AFT_PAPER } from '../paper.js';
import { aftSimple } from './op.js';
import { AftSimple } from './layer.js';

registerAttention({
  name: 'aft-simple',
  family: 'aft',
  summary: 'AFT-simple: σ(Q_t) ⊙ Σ_t\' softmax_t\'(K) ⊙ V_t\' (AFT without position biases), linear in T; causal by a running-max prefix scan.',
  paper: AFT_PAPER,
  layer: AftSimple,
  options: {},
  complexity: { time: 'O(T·d)', memory: 'O(T·d)' },
  cost: ({ tokens: t, dim: d, batch = 1 }) => ({
    // q, k, v, out projections; exp(K), exp(K)⊙V, the sums, the gate and the ratio: a few T·d each.
    flops: batch * (4 * t * d * d + 6 * t * d),
    // q, k, v, [exp(K)⊙V | exp(K)], mixed, output (causal: ~⌈log₂T⌉ scan steps of 2·T·d more).
    activationBytes: 4 * batch * 8 * t * d,
  }),
  fixtures: [
    // Eq. 5; also the K ≈ 100 overflow case.
    {
      variants: ['aft_simple'],
      run: (f) => aftSimple(f.tensor('q'), f.tensor('k'), f.tensor('v')),
    },
  ],
});
