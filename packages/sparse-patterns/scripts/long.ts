// N = 65,536 tokens through local, Longformer and BigBird layers (dim 64, 4 heads, batch 1),
// forward only, printing wall time and peak tensor memory. Dense attention would need
// 4 heads × 65,536² × 4 bytes = 64 GiB for one score matrix.
//
//   pnpm exec tsx --conditions=@attention-zoo/source packages/sparse-patterns/scripts/long.ts [--backend wasm|cpu] [--tokens N] [--only name]
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendName } from '@attention-zoo/backends';
import { createAttention } from '@attention-zoo/attention-core';
import '@attention-zoo/sparse-patterns';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const backend = arg('backend', 'wasm') as BackendName;
const tokens = Number(arg('tokens', '65536'));
const only = arg('only', '');
const dim = 64;
const numHeads = 4;

const variants: [string, Record<string, unknown>][] = [
  ['local', { radius: 32 }],
  ['longformer', { radius: 32, globalIndices: [0, 1, 2, 3] }],
  ['bigbird', { blockSize: 32, numRandomBlocks: 3 }],
];

await selectBackend({ backend });
console.log(`backend ${tf.getBackend()}, N = ${tokens}, dim ${dim}, ${numHeads} heads, batch 1`);
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
for (const [name, extra] of variants.filter(([n]) => !only || n === only)) {
  const layer = createAttention(name, { dim, numHeads, seed: 1, ...extra });
  const x = tf.randomNormal([1, tokens, dim], 0, 1, 'float32', 1) as tf.Tensor3D;
  const live = tf.memory().numBytes;
  const t0 = performance.now();
  let checksum = 0;
  const info = await tf.profile(async () => {
    const y = layer.apply(x) as tf.Tensor;
    checksum = (await tf.sum(y).data())[0]!;
    y.dispose();
  });
  const ms = performance.now() - t0;
  const weights = layer.countParams() * 4;
  console.log(
    `${name.padEnd(11)} ${JSON.stringify(extra).padEnd(46)} ${(ms / 1000).toFixed(1).padStart(6)} s   peak ${mib(info.peakBytes - live)} above live (excl. ${mib(weights)} weights)   sum(y) ${checksum.toExponential(3)}`,
  );
  x.dispose();
  layer.dispose();
}
