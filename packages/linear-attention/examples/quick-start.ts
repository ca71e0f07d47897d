import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // or -webgpu, -wasm, @tensorflow/tfjs-node
import { createAttention, TransformerEncoder } from '@attention-zoo/attention-core';
import '@attention-zoo/linear-attention'; // registers linear-elu, performer, efficient-attention, cosformer, hydra

const x = tf.randomNormal([2, 256, 64]) as tf.Tensor3D; // [batch, tokens, dim]
const performer = createAttention('performer', { dim: 64, numHeads: 4, numFeatures: 128, causal: true, seed: 1 });
const y = performer.apply(x) as tf.Tensor; // [2, 256, 64], O(N) memory: no 256×256 matrix
const encoder = new TransformerEncoder({ dim: 64, numHeads: 4, depth: 2, attention: ['cosformer', 'hydra'] });
console.log(y.shape, (encoder.apply(x) as tf.Tensor).shape);
