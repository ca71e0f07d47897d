import { it } from 'vitest';
import '@attention-zoo/aft';
import { conformanceChecks, type ConformanceSpec } from '@attention-zoo/attention-core/testing';
import { backendSuite, testBackends } from '@attention-zoo/test-utils';
import { denseAftReference } from './dense-aft.js';

// Every AFT form through the kit; causal forms get the no-leak and causal dense-reference checks
// (the kit adds them from the `causal` capability). Small sizes: webgpu runs on SwiftShader here.
const specs: [string, ConformanceSpec][] = [
  ['aft-full', { name: 'aft-full', config: { dim: 16, numHeads: 4, maxTokens: 12 }, tokens: 10 }],
  ['aft-full (factorised w = u vᵀ)', { name: 'aft-full', config: { dim: 16, numHeads: 4, maxTokens: 12, factorDim: 3 }, tokens: 10 }],
  ['aft-simple', { name: 'aft-simple', config: { dim: 16, numHeads: 4 }, tokens: 10 }],
  ['aft-local', { name: 'aft-local', config: { dim: 16, numHeads: 4, maxTokens: 12, windowSize: 3 }, tokens: 10 }],
  ['aft-local (factorised)', { name: 'aft-local', config: { dim: 16, numHeads: 2, maxTokens: 12, windowSize: 4, factorDim: 2 }, tokens: 11 }],
  // γ starts at 0.5 here: with the paper's γ = 0 the raw kernel's gradient is exactly zero at step 0.
  ['aft-conv (re-parameterised kernel)', { name: 'aft-conv', config: { dim: 16, numHeads: 4, grid: [3, 4], kernelSize: 3, gammaInit: 0.5 } }],
  ['aft-conv (raw kernel)', { name: 'aft-conv', config: { dim: 16, numHeads: 2, grid: [4, 3], kernelSize: 5, reparameterize: false } }],
];

// wasm: the forms that run a fused kernel there (core's AFT-simple kernel), against the same reference.
const onWasm = new Set(['aft-simple']);

for (const backend of await testBackends(['cpu', 'wasm', 'webgpu'])) {
  for (const [label, spec] of specs.filter(([label]) => backend.name !== 'wasm' || onWasm.has(label))) {
    backendSuite(`${label} conformance`, backend, () => {
      for (const check of conformanceChecks({ ...spec, denseReference: denseAftReference })) it(check.name, check.run);
    });
  }
}
