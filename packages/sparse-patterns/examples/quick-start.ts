import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createAttention } from '@attention-zoo/attention-core';
import '@attention-zoo/sparse-patterns'; // registers local, strided, sparse-fixed, longformer, bigbird

const x = tf.randomNormal([1, 256, 64]) as tf.Tensor3D; // [batch, tokens, dim]
const local = createAttention('local', { dim: 64, numHeads: 4, radius: 16, causal: true });
const longformer = createAttention('longformer', { dim: 64, numHeads: 4, radius: 16, globalIndices: [0] });
const bigbird = createAttention('bigbird', { dim: 64, numHeads: 4, blockSize: 16, numRandomBlocks: 3, randomSeed: 7 });
for (const layer of [local, longformer, bigbird]) console.log(layer.name, (layer.apply(x) as tf.Tensor).shape); // [1, 256, 64]
