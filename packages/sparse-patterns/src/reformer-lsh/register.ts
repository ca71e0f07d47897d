import { option, registerAttention, z } from '@attention-zoo/attention-core';
import { REFORMER_PAPER } from '../paper.js';
import { projectionCost } from '../shared/projection-cost.js';
import { LshAttention } from './layer.js';

registerAttention({
  name: 'reformer-lsh',
  family: 'sparse',
  summary: 'Reformer LSH attention: shared-QK, tokens hashed by random rotations, sorted by bucket and attended in chunks (own and previous), over several hash rounds combined by logsumexp.',
  paper: REFORMER_PAPER,
  layer: LshAttention,
  options: {
    // Logit scale; default headDim^-½.
    scale: option.positive(),
    chunkLength: option.int(),
    // Even: angular LSH hashes by argmax over [xR; −xR].
    numBuckets: option.int(2).refine((b) => b % 2 === 0, 'expected an even number of buckets'),
    numHashes: option.int(1, 64),
    hashSeed: z.int(),
  },
  complexity: { time: 'O(R·N·(c·d + log N))', memory: 'O(R·N·c)' },
  // R rounds of chunks: every query scores 2c keys per round; the projections are three (q, v, out) but cost counts four.
  cost: (s) => projectionCost(s, 2 * (s['chunkLength'] ?? 16) * (s['numHashes'] ?? 2)),
});
