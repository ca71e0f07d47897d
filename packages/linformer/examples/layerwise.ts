import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // or -webgpu, -wasm, @tensorflow/tfjs-node
import { TransformerEncoder } from '@attention-zoo/attention-core';
import { SharedProjection } from '@attention-zoo/linformer';

// Layerwise sharing: one E [k, n] for every layer, all heads, keys and values.
const E = new SharedProjection({ k: 16, maxTokens: 128 });
const encoder = new TransformerEncoder({
  dim: 64, numHeads: 4, depth: 4, maxTokens: 128,
  attention: { name: 'linformer', k: 16, sharing: 'layerwise', projection: E },
});
const y = encoder.apply(tf.randomNormal([1, 100, 64])) as tf.Tensor; // 100 ≤ maxTokens: E's first 100 columns
const owners = encoder.weights.filter((w) => w.originalName.endsWith('/E'));
console.log(y.shape, owners.length); // [1, 100, 64] 1 — the first layer owns E, the others read it
