import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createBackbone } from '@attention-zoo/vision-backbones';

const swin = createBackbone('flatten-swin-t');            // FLatten-Swin-T: global focused linear attention in stages 1–2, Swin windows in 3–4
console.log(swin.parameterCount(), swin.flops());         // 29,186,… weights (built, no forward pass), ~4.48e9 MACs
const small = createBackbone('pvtv2-b0', { imageSize: 64, numClasses: 10, attention: 'aft-simple' }); // any registered attention
const logits = small.apply(tf.randomUniform([2, 64, 64, 3])) as tf.Tensor; // images are NHWC
console.log(logits.shape); // [2, 10]
