import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // or -webgpu, -wasm, @tensorflow/tfjs-node
import { createAttention } from '@attention-zoo/attention-core';
import {
  loadStateDict,
  readSafetensors,
  softmaxKeyMaps,
  writeSafetensors,
} from '@attention-zoo/attention-core/weights';

// Stands in for `safetensors.torch.save_file(vit.state_dict(), path)` of a timm ViT/DeiT
// (dim 64): block 0's attention has a fused qkv Linear and a proj Linear.
const torchLinear = (out: number, inp: number) => tf.randomNormal([out, inp], 0, 0.02);
const bytes = await writeSafetensors({
  'blocks.0.attn.qkv.weight': torchLinear(192, 64), 'blocks.0.attn.qkv.bias': tf.zeros([192]),
  'blocks.0.attn.proj.weight': torchLinear(64, 64), 'blocks.0.attn.proj.bias': tf.zeros([64]),
});

const attn = createAttention('softmax', { dim: 64, numHeads: 4 });
attn.apply(tf.zeros([1, 4, 64])); // builds the weights
const { tensors } = readSafetensors(bytes); // bounds-checked: a corrupt file is a clear error
const report = loadStateDict(attn, tensors, softmaxKeyMaps.timm(), { prefix: 'blocks.0.attn.' });
console.log(report.loaded); // qkv split into q/k/v kernels, Linear weights transposed
