import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // or -webgpu, -wasm, @tensorflow/tfjs-node
import { createAttention, TransformerEncoder } from '@attention-zoo/attention-core';
import '@attention-zoo/aft'; // registers aft-full, aft-simple, aft-local, aft-conv

// A causal (autoregressive) sequence model: token t mixes only tokens t' ≤ t.
const x = tf.randomNormal([2, 128, 64]) as tf.Tensor3D; // [batch, tokens, dim], e.g. token embeddings
const lm = new TransformerEncoder({
  dim: 64,
  numHeads: 4,
  depth: 2,
  causal: true,
  maxTokens: 256, // w is learned for up to 256 positions; shorter inputs use its top-left block
  attention: { name: 'aft-local', windowSize: 32, factorDim: 16 }, // w = u vᵀ inside |t − t'| < 32
});
console.log((lm.apply(x) as tf.Tensor).shape); // [2, 128, 64]

// AFT-simple has no position biases: any length, O(T·d).
const simple = createAttention('aft-simple', { dim: 64, numHeads: 4, causal: true });
console.log((simple.apply(x) as tf.Tensor).shape); // [2, 128, 64]
