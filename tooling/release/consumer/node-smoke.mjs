// Node ESM: imports each package by name (from node_modules, installed from its tarball),
// checks which registry names each one adds, then runs every variant once on the cpu backend.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { smoke } from './smoke.js';

const expected = JSON.parse(readFileSync(new URL('./expected.json', import.meta.url), 'utf8'));
await tf.setBackend('cpu');
const problems = [];
const core = await import('@attention-zoo/attention-core');
let seen = new Set();
for (const [pkg, names] of Object.entries(expected)) {
  await import(pkg);
  const now = core.listAttentions().map((d) => d.name);
  const added = now.filter((n) => !seen.has(n)).sort();
  seen = new Set(now);
  const ok = added.join() === [...names].sort().join();
  console.log(`${ok ? 'ok  ' : 'FAIL'}  import '${pkg}' registers ${added.length ? added.join(', ') : 'nothing'}`);
  if (!ok) problems.push(`${pkg} registered [${added}], the workspace registers [${names}]`);
}
const result = await smoke(tf, core, Object.values(expected).flat().sort());
for (const l of result.lines) console.log(l);
problems.push(...result.problems);
for (const p of problems) console.error(`problem: ${p}`);
console.log(`node: ${result.names.length} variants, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
