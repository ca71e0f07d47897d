import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // or -webgpu, -wasm, @tensorflow/tfjs-node
import { createAttention } from '@attention-zoo/attention-core';
import { orthogonalRandomFeatures, type PerformerAttention } from '@attention-zoo/linear-attention';

const attn = createAttention('performer', { dim: 32, numHeads: 2, numFeatures: 64, seed: 7 }) as PerformerAttention;
const x = tf.randomNormal([1, 16, 32]) as tf.Tensor3D;
attn.apply(x); // builds the layer and draws ω from seed 7
for (let step = 1; step <= 3000; step++) {
  // ... a training step ...
  if (step % 1000 === 0) attn.redrawFeatures(); // the next draw of the seeded sequence
}
attn.setProjection(orthogonalRandomFeatures(64, 16, { seed: 123 })); // or a given ω [numFeatures, headDim]
console.log(attn.projection().shape); // [64, 16]; saved with the model as features/projection
