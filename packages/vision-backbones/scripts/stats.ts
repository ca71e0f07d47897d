// Parameter counts and FLOPs (224×224) of every named configuration next to the official code's
// count and the published figures. Weights are created by build() (no forward pass); FLOPs are the
// analytic MAC count (see README).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { listBackbones, modelStats } from '../src/index.js';

await tf.setBackend('cpu');
const pct = (d: number | null, digits = 1) => (d === null ? '—' : `${(100 * d).toFixed(digits)}%`);
const rows: string[] = [];
rows.push('| model | params (M) | official code | Δ code | paper / README | Δ paper | GFLOPs | reported | Δ FLOPs | sources |');
rows.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const name of listBackbones()) {
  const s = modelStats(name);
  const code = s.official === null ? '—' : s.official.exact ? (s.official.params * 1e6).toLocaleString('en-US') : s.official.params.toFixed(2);
  const sources = [s.official?.source, s.reported.source].filter(Boolean).join('; ');
  rows.push(
    `| ${name} | ${(s.params / 1e6).toFixed(2)} | ${code} | ${pct(s.deltaOfficial, 2)} | ${s.reported.params ?? '—'} | ${pct(s.deltaReported)} | ` +
      `${(s.flops / 1e9).toFixed(2)} | ${s.reported.flops ?? '—'} | ${pct(s.deltaFlops)} | ${sources} |`,
  );
}
console.log(rows.join('\n'));
console.log(`\ntf.memory().numTensors after disposing every model: ${tf.memory().numTensors}`);
