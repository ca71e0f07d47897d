import { it } from 'vitest';
import '@attention-zoo/sparse-patterns';
import type { LshAttention } from '@attention-zoo/sparse-patterns';
import { conformanceChecks } from '@attention-zoo/attention-core/testing';
import { backendSuite, testBackends } from '@attention-zoo/test-utils';
import { lshDenseReference } from './lsh-reference.js';

for (const backend of await testBackends(['cpu', 'webgpu'])) {
  backendSuite('reformer-lsh conformance', backend, () => {
    for (const check of conformanceChecks({
      name: 'reformer-lsh',
      config: { dim: 16, numHeads: 2, chunkLength: 4, numBuckets: 4, numHashes: 2 },
      tokens: 16,
      denseReference: (layer, x, opts) => lshDenseReference(layer as LshAttention, x, opts),
    })) {
      it(check.name, check.run);
    }
  });
}
