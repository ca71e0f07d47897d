import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // or -webgpu, -wasm, @tensorflow/tfjs-node
import { createAttention } from '@attention-zoo/attention-core';
import '@attention-zoo/synthesizer'; // registers the five synthesizer variants

const x = tf.randomNormal([2, 48, 64]) as tf.Tensor3D; // [batch, tokens ≤ maxTokens, dim]
const dense = createAttention('synthesizer-dense', { dim: 64, numHeads: 4, maxTokens: 64, causal: true });
const random = createAttention('synthesizer-random', { dim: 64, numHeads: 4, maxTokens: 64, fixed: true });
const rv = createAttention('synthesizer-mix', { dim: 64, numHeads: 4, maxTokens: 64, components: ['random', 'dot'] });
for (const attn of [dense, random, rv]) console.log(attn.name, (attn.apply(x) as tf.Tensor).shape); // [2, 48, 64]
console.log(rv.attentionMap(x).shape); // [2, 4, 48, 48]: softmax(α₁R + α₂QKᵀ/√d)
