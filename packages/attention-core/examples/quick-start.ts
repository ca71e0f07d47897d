import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // or -webgpu, -wasm, @tensorflow/tfjs-node
import { createAttention, TransformerEncoder } from '@attention-zoo/attention-core';

const x = tf.randomNormal([2, 16, 64]) as tf.Tensor3D; // [batch, tokens, dim]
const attn = createAttention('softmax', { dim: 64, numHeads: 4, causal: true });
const y = attn.apply(x) as tf.Tensor; // [2, 16, 64]
const encoder = new TransformerEncoder({ dim: 64, numHeads: 4, depth: 2, attention: 'softmax' });
const z = encoder.apply(x) as tf.Tensor; // [2, 16, 64]
console.log(y.shape, z.shape);
