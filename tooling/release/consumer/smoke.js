// Copied into a fresh project outside the workspace by `pnpm test:consumer`, and run there in
// Node and in a Vite-bundled page. Plain JavaScript: it must run exactly as a user's code would.

/** The tour's contract (tooling/tour): every variant's defaults work at this size. */
export const SHAPE = { batch: 1, tokens: 64, dim: 64, numHeads: 4, grid: [8, 8] };

/**
 * Creates every registered attention through the registry and runs a forward pass on the
 * current backend. Returns one line per variant and the problems found; `expected` is the
 * sorted list of registry names the workspace registers.
 */
export async function smoke(tf, core, expected) {
  const problems = [];
  const lines = [];
  const names = core.listAttentions().map((d) => d.name).sort();
  const missing = expected.filter((n) => !names.includes(n));
  const extra = names.filter((n) => !expected.includes(n));
  if (missing.length) problems.push(`not registered (a side effect was dropped?): ${missing.join(', ')}`);
  if (extra.length) problems.push(`registered but not in the workspace: ${extra.join(', ')}`);
  const { batch, tokens, dim, numHeads, grid } = SHAPE;
  const classes = tf.serialization.SerializationMap.getMap().classNameMap;
  for (const d of core.listAttentions()) {
    const before = tf.memory().numTensors;
    try {
      const layer = core.createAttention(d.name, {
        dim,
        numHeads,
        grid: d.capabilities.needsGrid ? grid : undefined,
        maxTokens: d.capabilities.needsMaxTokens ? tokens : undefined,
        seed: 0,
      });
      const x = tf.randomNormal([batch, tokens, dim], 0, 1, 'float32', 1);
      const t0 = performance.now();
      const y = layer.apply(x);
      const data = await y.data();
      const ms = performance.now() - t0;
      const shape = y.shape;
      x.dispose();
      y.dispose();
      layer.dispose();
      if (shape.join() !== [batch, tokens, dim].join()) throw new Error(`output shape [${shape}], expected [${batch}, ${tokens}, ${dim}]`);
      if (!data.every(Number.isFinite)) throw new Error('non-finite output');
      if (!classes[d.layer.className]) throw new Error(`layer class ${d.layer.className} is not registered with tf.serialization`);
      lines.push(`ok    ${d.name.padEnd(30)} [${shape.join(', ')}] ${ms.toFixed(1)} ms`);
    } catch (err) {
      problems.push(`${d.name}: ${err.message}`);
      lines.push(`FAIL  ${d.name.padEnd(30)} ${err.message}`);
    }
    const leaked = tf.memory().numTensors - before;
    if (leaked > 0) problems.push(`${d.name}: ${leaked} tensors leaked`);
  }
  return { names, lines, problems };
}
