import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // or -webgpu, -wasm, @tensorflow/tfjs-node
import { readSafetensors, writeSafetensors } from '@attention-zoo/attention-core/weights';
import { FLattenAttention } from '@attention-zoo/flatten';

// Stands in for a converted official checkpoint (see "Official checkpoints"): block1.0.attn of
// FLatten-PVT-T is a FocusedLinearAttention(dim 64, 1 head) on the 56×56 grid; here dim 32 on 8×8.
const w = (...shape: number[]) => tf.randomNormal(shape, 0, 0.1);
const bytes = await writeSafetensors({
  'block1.0.attn.q.weight': w(32, 32), 'block1.0.attn.q.bias': w(32),
  'block1.0.attn.kv.weight': w(64, 32), 'block1.0.attn.kv.bias': w(64),
  'block1.0.attn.proj.weight': w(32, 32), 'block1.0.attn.proj.bias': w(32),
  'block1.0.attn.scale': w(1, 1, 32), 'block1.0.attn.positional_encoding': w(1, 64, 32),
  'block1.0.attn.dwc.weight': w(32, 1, 5, 5), 'block1.0.attn.dwc.bias': w(32),
});

const attn = new FLattenAttention({ dim: 32, numHeads: 1, grid: [8, 8] }); // official defaults: p = 3, k = 5, sr 1
const { tensors } = readSafetensors(bytes);
const report = attn.loadTorchStateDict(tensors, { prefix: 'block1.0.attn.' }); // kv split, Linear/conv layouts converted
console.log(report.loaded.length, (attn.apply(tf.randomNormal([1, 64, 32])) as tf.Tensor).shape); // 10 [1, 64, 32]
