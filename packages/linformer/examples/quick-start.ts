import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // or -webgpu, -wasm, @tensorflow/tfjs-node
import { createAttention } from '@attention-zoo/attention-core';
import '@attention-zoo/linformer'; // registers linformer, compressed, spatial-reduction

const x = tf.randomNormal([2, 64, 64]) as tf.Tensor3D; // [batch, tokens, dim]
const lin = createAttention('linformer', { dim: 64, numHeads: 4, maxTokens: 256, k: 32 });
const mca = createAttention('compressed', { dim: 64, numHeads: 4, compressionFactor: 3, causal: true });
const sra = createAttention('spatial-reduction', { dim: 64, numHeads: 4, grid: [8, 8], srRatio: 2 });
for (const attn of [lin, mca, sra]) console.log(attn.name, (attn.apply(x) as tf.Tensor).shape); // [2, 64, 64]
