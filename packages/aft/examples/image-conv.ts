import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createAttention } from '@attention-zoo/attention-core';
import '@attention-zoo/aft';

// AFT-conv on a 14×14 grid of patch tokens (224² image, patch 16), row-major, no cls token.
const patches = tf.randomNormal([2, 14 * 14, 64]) as tf.Tensor3D; // [batch, tokens, dim]
const attn = createAttention('aft-conv', {
  dim: 64,
  numHeads: 8, // "AFT-conv-h-s": h heads, one key channel per head
  grid: [14, 14],
  kernelSize: 11, // s×s kernel per head, as in the paper's ImageNet models
});
const y = attn.apply(patches) as tf.Tensor; // [2, 196, 64]
const pooled = tf.mean(y, 1); // global average pooling, as AFT-conv models do
console.log(y.shape, pooled.shape);

// What each token attends to, averaged over each head's channels: [batch, heads, 196, 196].
const map = attn.attentionMap(patches);
console.log(map.shape);
