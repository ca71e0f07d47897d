import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // or -webgpu, -wasm, @tensorflow/tfjs-node
import { createAttention, DecoderLM, disposeState, stateBytes } from '@attention-zoo/attention-core';

// One layer, one token at a time: x [batch, 1, dim] → { output, state }.
const attn = createAttention('softmax', { dim: 32, numHeads: 4, causal: true }); // incremental: 'cache'
const x = tf.randomNormal([1, 6, 32]) as tf.Tensor3D;
let state = attn.initialState(1);
const steps: tf.Tensor[] = [];
for (let t = 0; t < 6; t++) {
  const r = attn.step(tf.slice(x, [0, t, 0], [1, 1, 32]), state, { disposeState: true });
  steps.push(r.output);
  state = r.state;
}
const parallel = attn.apply(x) as tf.Tensor; // the same values, all positions at once
console.log(tf.max(tf.abs(tf.sub(tf.concat(steps, 1), parallel))).dataSync()[0]! < 1e-4, stateBytes(state)); // true 1536
disposeState(state);

// A decoder LM on core's blocks; generate() steps every layer and yields token ids as they come.
const lm = new DecoderLM({ vocab: 20, dim: 32, numHeads: 4, depth: 2, attention: 'softmax', seed: 1 });
const ids: number[] = [];
for await (const id of lm.generate([1, 2, 3], { maxNewTokens: 8, temperature: 0.8, topK: 5, seed: 7 })) ids.push(id);
console.log(ids); // 8 token ids, the same for the same seed
