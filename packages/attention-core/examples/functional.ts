import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // or -webgpu, -wasm, @tensorflow/tfjs-node
import { eluFeatureMap, linearAttention, scaledDotProductAttention } from '@attention-zoo/attention-core/ops';

// Heads-first like PyTorch: [batch, heads, tokens, headDim].
const [q, k, v] = [1, 2, 3].map((seed) => tf.randomNormal([2, 4, 128, 16], 0, 1, 'float32', seed) as tf.Tensor4D);

// softmax(q kᵀ/√d) v with a causal mask and a key-padding mask (1 = real key, 0 = padding).
const padding = tf.concat([tf.ones([2, 120]), tf.zeros([2, 8])], 1) as tf.Tensor2D;
const soft = scaledDotProductAttention(q, k, v, { causal: true, keyPaddingMask: padding });

// φ(q)(φ(k)ᵀv) / φ(q)Σφ(k) with φ = elu + 1 (Katharopoulos et al. 2020); causal by a chunked scan.
const lin = linearAttention(eluFeatureMap(q), eluFeatureMap(k), v, { causal: true, chunkSize: 32 });
console.log(soft.shape, lin.shape); // [2, 4, 128, 16] twice
