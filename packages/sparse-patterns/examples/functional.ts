import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { bigBirdAttention, bigBirdRandomBlocks, longformerAttention, slidingWindowAttention } from '@attention-zoo/sparse-patterns';

// Heads-first like PyTorch: [batch, heads, tokens, headDim].
const [q, k, v] = [1, 2, 3].map((seed) => tf.randomNormal([1, 2, 64, 16], 0, 1, 'float32', seed) as tf.Tensor4D);

const band = slidingWindowAttention(q, k, v, { radius: 4, dilation: 2 }); // keys i ± 2m, m ≤ 4
const lf = longformerAttention(q, k, v, { radius: 4, globalIndices: [0, 63], dilation: [1, 2] }); // per-head dilation
const randomBlocks = bigBirdRandomBlocks({ numBlocks: 8, numHeads: 2, numRandomBlocks: 2, windowBlocks: 3, globalBlocks: [0, 7], seed: 1 });
const bb = bigBirdAttention(q, k, v, { blockSize: 8, globalBlocks: [0, -1], randomBlocks });
console.log(band.shape, lf.shape, bb.shape, randomBlocks[0]![3]); // [1, 2, 64, 16] ×3, two random key blocks of query block 3
