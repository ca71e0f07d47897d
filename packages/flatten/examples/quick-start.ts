import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // or -webgpu, -wasm, @tensorflow/tfjs-node
import { createAttention } from '@attention-zoo/attention-core';
import '@attention-zoo/flatten'; // registers flatten, flatten-swin, flatten-cswin, flatten-cls

const x = tf.randomNormal([2, 64, 64]) as tf.Tensor3D; // [batch, H·W tokens (row-major 8×8 grid), dim]
const attn = createAttention('flatten', { dim: 64, numHeads: 2, grid: [8, 8] }); // focusingFactor 3, kernelSize 5
const y = attn.apply(x) as tf.Tensor; // [2, 64, 64]
const swin = createAttention('flatten-swin', { dim: 64, numHeads: 2, grid: [8, 8], windowSize: 4, shiftSize: 2 });
console.log(y.shape, (swin.apply(x) as tf.Tensor).shape); // [2, 64, 64] twice
