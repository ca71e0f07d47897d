import type * as tf from '@tensorflow/tfjs-core';
import { option, registerAttention, z } from '@attention-zoo/attention-core';
import { LINFORMER_PAPER } from '../paper.js';
import { LINFORMER_SHARING, LinformerAttention } from './layer.js';
import { SharedProjection } from './shared-projection.js';
import { linformerAttention } from './op.js';

registerAttention({
  name: 'linformer',
  family: 'low-rank',
  summary: 'Linformer: keys and values projected along the sequence to k rows (E·K, F·V), then softmax attention — O(N·k).',
  paper: LINFORMER_PAPER,
  layer: LinformerAttention,
  options: {
    // Projected length k ≤ maxTokens (checked by the layer).
    k: option.int(),
    sharing: z.enum(LINFORMER_SHARING),
    // The E shared across layers, or its id in a saved config.
    projection: z.union([z.string(), z.instanceof(SharedProjection)]),
  },
  complexity: { time: 'O(N·k·d)', memory: 'O(N·k)' },
  cost: ({ tokens: n, keyTokens, dim: d, numHeads: h, batch = 1, k: kGiven }) => {
    const m = keyTokens ?? n;
    const k = kGiven ?? Math.max(1, Math.floor(m / 4));
    return {
      // q/out projections on N tokens, k/v on M; E·K and F·V (k·M·d each); QK̄ᵀ and AV̄ (N·k·d each).
      flops: batch * (2 * n * d * d + 2 * m * d * d + 2 * k * m * d + 2 * n * k * d),
      // q, k, v, mixed and output tokens, K̄ and V̄, logits and weights per head.
      activationBytes: 4 * batch * ((3 * n + 2 * m) * d + 2 * k * d + 2 * h * n * k),
    };
  },
  fixtures: [
    // Eq. 7: softmax(Q (E K)ᵀ·scale)(F V) with E, F [k, N] shared by heads.
    {
      variants: ['linformer'],
      run: (f) =>
        linformerAttention(f.tensor('q') as tf.Tensor4D, f.tensor('k') as tf.Tensor4D, f.tensor('v') as tf.Tensor4D, {
          e: f.tensor('E') as tf.Tensor2D,
          f: f.tensor('F') as tf.Tensor2D,
          scale: f.config['scale'] as number,
        }),
    },
  ],
});
