import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // or -webgpu, -wasm, @tensorflow/tfjs-node
import { cosformerAttention, efficientAttention, orthogonalRandomFeatures, performerAttention } from '@attention-zoo/linear-attention';

// Heads-first like PyTorch: [batch, heads, tokens, headDim].
const [q, k, v] = [1, 2, 3].map((seed) => tf.randomNormal([1, 4, 256, 32], 0, 1, 'float32', seed) as tf.Tensor4D);

// FAVOR+ with 256 positive orthogonal random features; the same seed gives the same ω on every backend.
const omega = orthogonalRandomFeatures(256, 32, { seed: 0 }); // [m, headDim]
const favor = performerAttention(q, k, v, { projection: omega, causal: true });
const cos = cosformerAttention(q, k, v, { causal: true }); // ReLU features re-weighted by cos(π/2·(i−j)/M)
const eff = efficientAttention(q, k, v); // softmax over features for q, over positions for k
console.log(favor.shape, cos.shape, eff.shape); // [1, 4, 256, 32] each
