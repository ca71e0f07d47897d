import { it } from 'vitest';
import '@attention-zoo/attention-core';
import { conformanceChecks, denseSoftmaxReference } from '@attention-zoo/attention-core/testing';
import { backendSuite, testBackends } from '@attention-zoo/test-utils';

for (const backend of await testBackends(['cpu', 'webgpu'])) {
  backendSuite('softmax conformance', backend, () => {
    for (const check of conformanceChecks({
      name: 'softmax',
      config: { dim: 32, numHeads: 4 },
      tokens: 10,
      denseReference: denseSoftmaxReference,
    })) {
      it(check.name, check.run);
    }
  });
}
