import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { LshAttention, MixedSparseAttention, SinkhornAttention } from '@attention-zoo/sparse-patterns';

const x = tf.randomNormal([1, 64, 32]) as tf.Tensor3D; // [batch, tokens, dim]
// Reformer: 2 hash rounds into 8 buckets, chunks of 16 sorted tokens; the rotations come from hashSeed.
const lsh = new LshAttention({ dim: 32, numHeads: 2, chunkLength: 16, numBuckets: 8, numHashes: 2, hashSeed: 1, causal: true });
const buckets = lsh.bucketAssignment(x); // int32 [batch, heads, rounds, tokens]
// Sinkhorn: blocks of 8 softly sorted by a learned network; each block attends its sorted and its own block.
const sinkhorn = new SinkhornAttention({ dim: 32, numHeads: 2, blockSize: 8, sinkhornIterations: 8, temperature: 0.75 });
// One pattern per head: two local heads, a strided head, a head on global tokens only.
const mixed = new MixedSparseAttention({
  dim: 32,
  numHeads: 4,
  headPatterns: [
    { pattern: 'local', radius: 4 },
    { pattern: 'local', radius: 4 },
    { pattern: 'strided', stride: 8 },
    { pattern: 'longformer', radius: 0, globalIndices: [0, 32] },
  ],
});
for (const layer of [lsh, sinkhorn, mixed]) console.log(layer.name, (layer.apply(x) as tf.Tensor).shape); // [1, 64, 32]
console.log(buckets.shape, (await mixed.patternMask(64).array()).length); // [1, 2, 2, 64], 4 heads
