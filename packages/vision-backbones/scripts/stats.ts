// Parameter counts and FLOPs (224×224) of every named configuration next to the published figures.
// Weights are created by build() (no forward pass); FLOPs are the analytic MAC count (see README).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { createBackbone, listBackbones, NAMED_CONFIGS } from '../src/index.js';

await tf.setBackend('cpu');
const pad = (s: string, n: number) => s.padEnd(n);
const rows: string[] = [];
rows.push(`| model | params (M) | reported | Δ params | GFLOPs | reported | Δ FLOPs | source |`);
rows.push(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |`);
for (const name of listBackbones()) {
  const m = createBackbone(name);
  const params = m.parameterCount() / 1e6;
  const gflops = m.flops() / 1e9;
  m.dispose();
  const r = NAMED_CONFIGS[name]!.reported;
  const dp = ((params - r.params) / r.params) * 100;
  const df = r.flops === null ? '—' : `${(((gflops - r.flops) / r.flops) * 100).toFixed(1)}%`;
  rows.push(`| ${pad(name, 18)} | ${params.toFixed(2)} | ${r.params} | ${dp.toFixed(1)}% | ${gflops.toFixed(2)} | ${r.flops ?? '—'} | ${df} | ${r.source} |`);
}
console.log(rows.join('\n'));
console.log(`\ntf.memory().numTensors after disposing every model: ${tf.memory().numTensors}`);
