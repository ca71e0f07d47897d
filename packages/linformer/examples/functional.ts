import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // or -webgpu, -wasm, @tensorflow/tfjs-node
import { linformerAttention } from '@attention-zoo/linformer';

// Heads-first like PyTorch: [batch, heads, tokens, headDim].
const [q, k, v] = [1, 2, 3].map((seed) => tf.randomNormal([2, 4, 500, 16], 0, 1, 'float32', seed) as tf.Tensor4D);
const E = tf.randomNormal([64, 512], 0, 0.05) as tf.Tensor2D; // [k, maxTokens]: only the first 500 columns are used
const F = tf.randomNormal([64, 512], 0, 0.05) as tf.Tensor2D;
const y = linformerAttention(q, k, v, { e: E, f: F }); // softmax(Q(EK)ᵀ/√d)(FV), never 500×500
console.log(y.shape); // [2, 4, 500, 16]
