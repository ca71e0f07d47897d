import type * as tf from '@tensorflow/tfjs-core';
import { option, registerAttention, z } from '@attention-zoo/attention-core';
import { PERFORMER_PAPER } from '../paper.js';
import { kernelizedCost } from '../shared/kernelized-cost.js';
import { PerformerAttention } from './layer.js';
import { performerAttention } from './op.js';

registerAttention({
  name: 'performer',
  family: 'linear',
  summary: 'Performer FAVOR+: softmax attention approximated by positive orthogonal random features, D⁻¹φ(Q)(φ(K)ᵀV).',
  paper: PERFORMER_PAPER,
  layer: PerformerAttention,
  options: {
    // Added to the normaliser.
    eps: option.positive(),
    // Tokens per step of the causal scan.
    chunkSize: option.int(),
    // Random features m (FAVOR+); bounded so the [m, headDim] projection stays small.
    numFeatures: option.int(1, 2 ** 14),
    orthogonal: z.boolean(),
    orthoScaling: z.union([z.literal(0), z.literal(1)]),
    numericalStabilizer: z.number().min(0).refine(Number.isFinite, 'expected a finite number'),
  },
  complexity: { time: 'O(N·m·d)', memory: 'O(N·m + m·d)' },
  // m features per head; the feature map itself is ωx (m·headDim MACs) plus the exponentials.
  cost: (shape) => {
    const m = shape['numFeatures'] ?? 256;
    return kernelizedCost(shape, m, m * (shape.dim / shape.numHeads) + m);
  },
  fixtures: [
    // Lemma 1 and Eq. 4 with the case's given ω `[m, d]`. The fixture's φ has no feature ε
    // ("no kernel epsilon"), so numericalStabilizer is 0 here; the max-stabilisers stay on
    // (they cancel exactly).
    {
      variants: ['performer_favor', 'performer_favor_causal'],
      run: (f) => {
        const projection = f.tensor('omega') as tf.Tensor2D;
        const m = f.config['num_features'];
        if (projection.shape[0] !== m) {
          throw new Error(`${f.name}: omega has ${projection.shape[0]} rows but config.num_features is ${JSON.stringify(m)}`);
        }
        const [q, k, v] = ['q', 'k', 'v'].map((x) => f.tensor(x) as tf.Tensor4D);
        return performerAttention(q!, k!, v!, { projection, causal: f.config['causal'] === true, numericalStabilizer: 0 });
      },
    },
  ],
});
