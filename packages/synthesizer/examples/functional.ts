import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // or -webgpu, -wasm, @tensorflow/tfjs-node
import { denseSynthesizerLogits, randomSynthesizerLogits, syntheticAttention } from '@attention-zoo/synthesizer';

const x = tf.randomNormal([2, 10, 16]) as tf.Tensor3D; // [batch, tokens, dim]
const v = tf.randomNormal([2, 2, 10, 8]) as tf.Tensor4D; // values, heads-first [batch, heads, tokens, headDim]
// Dense: B_i = W2 relu(W1 x_i + b1) + b2, per head; W2 has ℓ = 32 columns, the first 10 are used.
const dense = denseSynthesizerLogits(x, { w1: tf.randomNormal([16, 16]) as tf.Tensor2D, w2: tf.randomNormal([2, 8, 32]) as tf.Tensor3D });
// Random: B = R[:10, :10], the same for every sample.
const random = randomSynthesizerLogits(tf.randomNormal([2, 32, 32]) as tf.Tensor3D, 10);
const y = syntheticAttention(tf.add(dense, random) as tf.Tensor4D, v, { causal: true }); // softmax(B) V
console.log(dense.shape, random.shape, y.shape); // [2, 2, 10, 10] [1, 2, 10, 10] [2, 2, 10, 8]
