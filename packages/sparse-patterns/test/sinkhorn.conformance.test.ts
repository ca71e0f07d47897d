import { it } from 'vitest';
import '@attention-zoo/sparse-patterns';
import type { SinkhornAttention } from '@attention-zoo/sparse-patterns';
import { conformanceChecks } from '@attention-zoo/attention-core/testing';
import { backendSuite, testBackends } from '@attention-zoo/test-utils';
import { sinkhornDenseReference } from './sinkhorn-reference.js';

for (const backend of await testBackends(['cpu', 'webgpu'])) {
  backendSuite('sinkhorn conformance', backend, () => {
    for (const check of conformanceChecks({
      name: 'sinkhorn',
      config: { dim: 16, numHeads: 2, blockSize: 4, sinkhornIterations: 5 },
      tokens: 16,
      denseReference: (layer, x, opts) => sinkhornDenseReference(layer as SinkhornAttention, x, opts),
    })) {
      it(check.name, check.run);
    }
  });
}
