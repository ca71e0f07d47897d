import { it } from 'vitest';
import '@attention-zoo/sparse-patterns';
import type { AttentionLayer } from '@attention-zoo/attention-core';
import { conformanceChecks, denseSoftmaxReference, type ConformanceSpec } from '@attention-zoo/attention-core/testing';
import { BigBirdAttention } from '@attention-zoo/sparse-patterns';
import { backendSuite, testBackends } from '@attention-zoo/test-utils';

type Pattern = (i: number, j: number, head: number, layer: AttentionLayer, n: number) => boolean;

/** The patterns as the papers define them, written independently of the package's code. */
const specs: [ConformanceSpec, Pattern][] = [
  [{ name: 'local', config: { dim: 16, numHeads: 2, radius: 2 }, tokens: 14 }, (i, j) => Math.abs(i - j) <= 2],
  // Two key tiles (64) of the fused banded kernel (wasm, webgpu), the band crossing the tile edge, a
  // length that ends inside the second. Wider bands over more tiles: core's kernel-softmax-attention test.
  [{ name: 'local', config: { dim: 16, numHeads: 2, radius: 20 }, tokens: 70 }, (i, j) => Math.abs(i - j) <= 20],
  [{ name: 'strided', config: { dim: 16, numHeads: 2, stride: 4 }, tokens: 15 }, (i, j) => Math.abs(i - j) <= 4 || Math.abs(i - j) % 4 === 0],
  [
    { name: 'sparse-fixed', config: { dim: 16, numHeads: 2, blockSize: 4, summarySize: 1 }, tokens: 14 },
    (i, j) => Math.floor(i / 4) === Math.floor(j / 4) || j % 4 === 3,
  ],
  [
    { name: 'longformer', config: { dim: 16, numHeads: 2, radius: 2, globalIndices: [0, 9] }, tokens: 14 },
    (i, j) => Math.abs(i - j) <= 2 || [0, 9].includes(i) || [0, 9].includes(j),
  ],
  [
    { name: 'bigbird', config: { dim: 16, numHeads: 2, blockSize: 4, numRandomBlocks: 1 }, tokens: 32 },
    (i, j, h, layer, n) => {
      const [I, J] = [Math.floor(i / 4), Math.floor(j / 4)];
      const R = (layer as BigBirdAttention).randomBlocks(n);
      return Math.abs(I - J) <= 1 || I === 0 || I === 7 || J === 0 || J === 7 || R[h]![I]!.includes(J);
    },
  ],
  [
    {
      name: 'mixed-sparse',
      config: {
        dim: 16,
        numHeads: 4,
        headPatterns: [
          { pattern: 'local', radius: 2 },
          { pattern: 'strided', stride: 4 },
          { pattern: 'local', radius: 2 },
          { pattern: 'longformer', radius: 0, globalIndices: [0, 5] },
        ],
      },
      tokens: 14,
    },
    (i, j, h) =>
      h === 1 ? Math.abs(i - j) <= 4 || Math.abs(i - j) % 4 === 0 : h === 3 ? i === j || [0, 5].includes(i) || [0, 5].includes(j) : Math.abs(i - j) <= 2,
  ],
];

// wasm: the patterns that run a fused kernel there (local's band: core's tiled softmax attention).
const onWasm = new Set(['local']);

for (const backend of await testBackends(['cpu', 'wasm', 'webgpu'])) {
  for (const [spec, pattern] of specs.filter(([spec]) => backend.name !== 'wasm' || onWasm.has(spec.name))) {
    backendSuite(`${spec.name} conformance`, backend, () => {
      for (const check of conformanceChecks({
        ...spec,
        denseReference: (layer, x, opts) => denseSoftmaxReference(layer, x, { ...opts, pattern: (i, j, h) => pattern(i, j, h, layer, x.shape[1]) }),
      })) {
        it(check.name, check.run);
      }
    });
  }
}
