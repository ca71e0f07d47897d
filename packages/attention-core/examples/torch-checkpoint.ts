import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // or -webgpu, -wasm, @tensorflow/tfjs-node
import { createAttention } from '@attention-zoo/attention-core';
import { loadStateDict, readTorchCheckpoint, softmaxKeyMaps } from '@attention-zoo/attention-core/weights';

// A file written by torch.save({'model': vit.state_dict(), 'epoch': 300}, 'attention.pth'):
// block 0's attention of a timm ViT (dim 16, 2 heads); this one is the package's test fixture
// (test/fixtures/torch/attention.pth in the repository). Any .pth works the same way.
const bytes = readFileSync('attention.pth');
const ckpt = readTorchCheckpoint(bytes, { source: 'attention.pth' }); // no Python, nothing executed
console.log(ckpt.stateDictKey, ckpt.ignored); // 'model' [ { key: 'epoch', what: 'int', value: 300 } ]

const attn = createAttention('softmax', { dim: 16, numHeads: 2 });
attn.apply(tf.zeros([1, 5, 16])); // builds the weights
const report = loadStateDict(attn, ckpt.tensors, softmaxKeyMaps.timm(), { prefix: 'blocks.0.attn.' });
console.log(report.loaded); // qkv split into q/k/v kernels, Linear weights transposed
