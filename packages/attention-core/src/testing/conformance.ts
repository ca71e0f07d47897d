import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { AttentionConfigError, AttentionInputError, NumericsError } from '../errors.js';
import type { AttentionCallOptions, AttentionLayer } from '../layers/attention-layer.js';
import type { AttentionConfig } from '../layers/config.js';
import { canReadSync } from '../numerics.js';
import { dense } from '../ops/dense.js';
import { flushMaskChecks } from '../ops/masks.js';
import { mergeHeads, splitHeads } from '../ops/heads.js';
import { SequencePool } from '../blocks/sequence-pool.js';
import { TransformerEncoder } from '../blocks/transformer-encoder.js';
import { createAttention, getAttention, type AttentionSpec } from '../registry.js';
import { disposeState, stateBytes, type AttentionState } from '../layers/incremental.js';

export interface ConformanceSpec {
  /** Registry name of the variant under test. */
  name: string;
  /** Layer config (dim, numHeads, grid/maxTokens where needed, variant keys). */
  config: AttentionConfig & Record<string, unknown>;
  /** Tokens per sample; default height×width of `grid`, else 12. */
  tokens?: number;
  /** Default 2. */
  batch?: number;
  /** Key/value tokens for the cross-attention checks; default tokens + 3. */
  contextTokens?: number;
  /**
   * An independent computation of the layer's output (e.g. dense masked
   * softmax on the layer's own weights). Called for the plain config and, where
   * supported, with `causal: true` and with a key-padding mask.
   */
  denseReference?: (layer: AttentionLayer, x: tf.Tensor3D, options: AttentionCallOptions) => tf.Tensor | Promise<tf.Tensor>;
  /** For the reference and attentionMap comparisons; default atol 1e-4, rtol 1e-3. */
  tolerance?: { atol: number; rtol: number };
  seed?: number;
  /**
   * Tokens decoded one at a time by the incremental checks' memory and leak rule; default
   * the layer's token limit (grid or maxTokens) or 3 × tokens. A `window` variant's window
   * must be at most half of it, so the rule sees the state stop growing.
   */
  decodeSteps?: number;
}

export interface ConformanceCheck {
  name: string;
  run: () => Promise<void>;
}

class ConformanceFailure extends Error {
  override name = 'ConformanceFailure';
}

function fail(msg: string): never {
  throw new ConformanceFailure(msg);
}

async function maxDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  if (a.shape.join() !== b.shape.join()) fail(`shapes differ: [${a.shape}] vs [${b.shape}]`);
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const v = (await d.data())[0]!;
  d.dispose();
  return Number.isNaN(v) ? Infinity : v;
}

async function assertClose(got: tf.Tensor, want: tf.Tensor, tol: { atol: number; rtol: number }, what: string): Promise<void> {
  if (got.shape.join() !== want.shape.join()) fail(`${what}: shape [${got.shape}] vs expected [${want.shape}]`);
  const [g, w] = [await got.data(), await want.data()];
  for (let i = 0; i < g.length; i++) {
    const d = Math.abs(g[i]! - w[i]!);
    if (!(d <= tol.atol + tol.rtol * Math.abs(w[i]!))) {
      fail(`${what}: element ${i} is ${g[i]}, expected ${w[i]} (|diff| ${d.toExponential(3)}; atol ${tol.atol}, rtol ${tol.rtol})`);
    }
  }
}

async function assertAllFinite(t: tf.Tensor, what: string): Promise<void> {
  const v = await t.data();
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) fail(`${what}: element ${i} is ${v[i]}`);
}

function expectThrow(fn: () => unknown, type: new (...a: never[]) => Error, pattern: RegExp, what: string): void {
  let caught: unknown;
  try {
    const r = fn();
    if (r instanceof tf.Tensor) r.dispose();
  } catch (err) {
    caught = err;
  }
  if (caught === undefined) fail(`${what}: expected a ${type.name}, but nothing was thrown`);
  if (!(caught instanceof type)) fail(`${what}: expected a ${type.name}, got ${(caught as Error)?.name}: ${(caught as Error)?.message}`);
  if (!pattern.test(caught.message)) fail(`${what}: the message "${caught.message}" does not match ${pattern}`);
}

/**
 * The contract every registered attention variant meets, as named async
 * checks: shapes, finite outputs, batch independence, causal no-leak, masks
 * respected, gradients to every weight, config and save/load round-trips, no
 * leaked tensors, clear errors on bad input, agreement with a dense reference
 * and with `attentionMap`. Checks that a variant's capabilities make
 * irrelevant (causal for a non-causal variant) are not generated; nothing is
 * skipped silently. Each check runs on the active tfjs backend and disposes
 * what it creates.
 *
 * ```ts
 * for (const c of conformanceChecks({ name: 'softmax', config: { dim: 32, numHeads: 4 } })) it(c.name, c.run);
 * ```
 */
export function conformanceChecks(spec: ConformanceSpec): ConformanceCheck[] {
  const descriptor = getAttention(spec.name);
  const caps = descriptor.capabilities;
  const batch = spec.batch ?? 2;
  const grid = spec.config.grid;
  const tokens = spec.tokens ?? (grid ? grid[0] * grid[1] : 12);
  const ctxTokens = spec.contextTokens ?? tokens + 3;
  const dim = spec.config.dim;
  const tol = spec.tolerance ?? { atol: 1e-4, rtol: 1e-3 };
  const seed = spec.seed ?? 7;
  const baseConfig = { seed, ...spec.config, causal: false };
  const make = (extra: Partial<AttentionConfig> & Record<string, unknown> = {}): AttentionLayer =>
    createAttention(spec.name, { ...baseConfig, ...extra } as AttentionConfig & Record<string, unknown>);
  const input = (n = tokens, s = seed, b = batch): tf.Tensor3D => tf.randomNormal([b, n, dim], 0, 1, 'float32', s);
  const run = (layer: AttentionLayer, x: tf.Tensor3D, opts: AttentionCallOptions = {}): tf.Tensor3D =>
    layer.apply(x, { ...opts }) as tf.Tensor3D;
  /** Runs `body`, then disposes every tensor it created and the layers it lists. */
  const scoped = (body: (own: AttentionLayer[]) => Promise<void>) => async () => {
    const layers: AttentionLayer[] = [];
    tf.engine().startScope();
    try {
      await body(layers);
    } finally {
      tf.engine().endScope();
      for (const l of layers) if (l.built) l.dispose();
    }
  };
  const paddingMask = (keys: number): tf.Tensor2D => {
    // Sample 0 sees every key; the last sample has its last third padded.
    const m = Array.from({ length: batch }, (_, b) =>
      Array.from({ length: keys }, (_, j) => (b === batch - 1 && j >= keys - Math.max(1, Math.floor(keys / 3)) ? 0 : 1)),
    );
    return tf.tensor2d(m, [batch, keys]);
  };

  const checks: ConformanceCheck[] = [];
  const add = (name: string, body: (own: AttentionLayer[]) => Promise<void>) => checks.push({ name, run: scoped(body) });

  add('registry: descriptor, capabilities and cost model are consistent', async (own) => {
    // Strict options: a key the variant does not declare is refused by name; the lenient path drops it.
    let refused: unknown;
    try {
      own.push(make({ someKeyNoVariantUses: 1 }));
    } catch (err) {
      refused = err;
    }
    if (descriptor.options && (!(refused instanceof AttentionConfigError) || !refused.message.includes('someKeyNoVariantUses'))) {
      fail(`an undeclared option must be refused with an AttentionConfigError naming it, got ${refused === undefined ? 'a layer' : String(refused)}`);
    }
    const layer = createAttention(spec.name, { ...baseConfig, someKeyNoVariantUses: 1 } as AttentionConfig & Record<string, unknown>, { lenient: true });
    own.push(layer);
    if (layer.capabilities !== caps) fail('the layer class declares different capabilities from the registered descriptor');
    if (!descriptor.complexity?.time || !descriptor.complexity?.memory) fail('the descriptor has no complexity summary');
    const small = descriptor.cost({ tokens: 256, dim: 64, numHeads: 4, grid: undefined } as never);
    const large = descriptor.cost({ tokens: 1024, dim: 64, numHeads: 4 } as never);
    for (const [k, v] of Object.entries({ ...small })) {
      if (!(Number.isFinite(v) && v > 0)) fail(`cost().${k} must be a positive finite number, got ${v}`);
    }
    if (!(large.flops > small.flops)) fail('cost().flops must grow with tokens');
  });

  add('output has shape [batch, tokens, dim], eagerly and in a functional model', async (own) => {
    const layer = make();
    own.push(layer);
    const y = run(layer, input());
    if (y.shape.join() !== [batch, tokens, dim].join()) fail(`output shape [${y.shape}], expected [${batch}, ${tokens}, ${dim}]`);
    const sym = tfl.input({ shape: [tokens, dim] });
    const out = layer.apply(sym) as tfl.SymbolicTensor;
    if (out.shape.join() !== [null, tokens, dim].join()) fail(`symbolic output shape [${out.shape}]`);
  });

  add('outputs are finite', async (own) => {
    const layer = make();
    own.push(layer);
    await assertAllFinite(run(layer, tf.mul(input(), 4) as tf.Tensor3D), 'output for inputs of scale 4');
  });

  add('batch elements are independent', async (own) => {
    const layer = make();
    own.push(layer);
    const x = input();
    const together = run(layer, x);
    for (let b = 0; b < batch; b++) {
      const alone = run(layer, tf.slice(x, [b, 0, 0], [1, tokens, dim]));
      const part = tf.slice(together, [b, 0, 0], [1, tokens, dim]);
      const d = await maxDiff(alone, part);
      if (d > tol.atol) fail(`sample ${b} computed alone differs from its batched result by ${d}`);
    }
  });

  if (caps.causal) {
    add('causal: no output depends on a later token', async (own) => {
      const layer = make({ causal: true });
      own.push(layer);
      const x = input();
      const t = Math.floor(tokens / 2);
      // Change every token after t.
      const noise = tf.concat([tf.zeros([batch, t + 1, dim]), tf.mul(input(tokens - t - 1, seed + 1), 3)], 1);
      const x2 = tf.add(x, noise) as tf.Tensor3D;
      const [y, y2] = [run(layer, x), run(layer, x2)];
      const early = await maxDiff(tf.slice(y, [0, 0, 0], [batch, t + 1, dim]), tf.slice(y2, [0, 0, 0], [batch, t + 1, dim]));
      if (early > 1e-5) fail(`outputs at positions ≤ ${t} changed by ${early} when only later tokens changed`);
      const late = await maxDiff(tf.slice(y, [0, t + 1, 0], [batch, tokens - t - 1, dim]), tf.slice(y2, [0, t + 1, 0], [batch, tokens - t - 1, dim]));
      if (!(late > 1e-4)) fail('outputs after the changed tokens did not change: the check cannot tell causal from constant');
    });
  }

  if (caps.incremental) {
    const kind = caps.incremental;
    add(`incremental (${kind}): token-by-token decoding equals the parallel causal forward`, async (own) => {
      const layer = make({ causal: true });
      own.push(layer);
      const x = input();
      const want = run(layer, x);
      let state: AttentionState = layer.initialState(batch);
      const outs: tf.Tensor[] = [];
      for (let t = 0; t < tokens; t++) {
        const r = layer.step(tf.slice(x, [0, t, 0], [batch, 1, dim]), state, { disposeState: true });
        if (r.output.shape.join() !== [batch, 1, dim].join()) fail(`step output shape [${r.output.shape}], expected [${batch}, 1, ${dim}]`);
        if (r.state.position !== t + 1) fail(`after ${t + 1} steps the state says position ${r.state.position}`);
        outs.push(r.output);
        state = r.state;
      }
      disposeState(state);
      const got = tf.concat(outs, 1);
      // Relative error: the largest difference over the largest reference value (float32: ≤ 1e-4).
      const scale = (await tf.max(tf.abs(want)).data())[0]!;
      const rel = (await maxDiff(got, want)) / scale;
      if (!(rel <= 1e-4)) fail(`decoding token by token differs from the parallel causal forward by ${rel.toExponential(3)} (relative; allowed 1e-4)`);
    });

    add(`incremental (${kind}): state memory is ${kind === 'recurrent' ? 'constant' : kind === 'window' ? 'bounded by the window' : 'one key and value per token'}, and no tensor leaks over many steps`, async (own) => {
      const layer = make({ causal: true });
      own.push(layer);
      const limit = grid ? grid[0] * grid[1] : spec.config.maxTokens;
      const steps = spec.decodeSteps ?? limit ?? 3 * tokens;
      disposeState(layer.initialState(batch)); // builds the weights
      const before = tf.memory().numTensors;
      let state = layer.initialState(batch);
      const bytes = [stateBytes(state)];
      for (let t = 0; t < steps; t++) {
        const xt = input(1, seed + 100 + t);
        const r = layer.step(xt, state, { disposeState: true });
        xt.dispose();
        r.output.dispose();
        state = r.state;
        bytes.push(stateBytes(state));
      }
      const held = tf.memory().numTensors - before;
      const stateCount = Object.keys(state.tensors).length;
      disposeState(state);
      const after = tf.memory().numTensors;
      if (after !== before) fail(`${steps} steps leak ${after - before} tensors (${held} alive before the last state was disposed, the state holds ${stateCount})`);
      const at = (t: number) => `${bytes[t]} bytes at position ${t}`;
      if (kind === 'recurrent') {
        const grows = bytes.findIndex((b) => b !== bytes[0]);
        if (grows >= 0) fail(`a recurrent state must keep its size: ${at(0)}, ${at(grows)}`);
      } else if (kind === 'window') {
        const half = Math.floor(steps / 2);
        const peak = Math.max(...bytes);
        if (bytes[half] !== peak || bytes[steps] !== peak) fail(`a window state must stop growing once its window is full: ${at(half)}, ${at(steps)}, peak ${peak}`);
      } else {
        const per = bytes[1]! - bytes[0]!;
        if (!(per > 0)) fail(`a cache must grow with every token: ${at(0)}, ${at(1)}`);
        const off = bytes.findIndex((b, t) => b !== bytes[0]! + t * per);
        if (off >= 0) fail(`a cache must grow by the same ${per} bytes every token: ${at(0)}, ${at(off)}`);
      }
    });
  }

  if (caps.keyPaddingMask) {
    add('key padding: padded keys do not affect real positions', async (own) => {
      const layer = make();
      own.push(layer);
      const x = input();
      const mask = paddingMask(tokens);
      const padStart = tokens - Math.max(1, Math.floor(tokens / 3));
      const last = batch - 1;
      // Change the padded tokens of the last sample only.
      const change = tf.concat([tf.zeros([batch - 1, tokens, dim]), tf.concat([tf.zeros([1, padStart, dim]), tf.mul(input(tokens - padStart, seed + 2, 1), 5)], 1)], 0);
      const y = run(layer, x, { keyPaddingMask: mask });
      const y2 = run(layer, tf.add(x, change) as tf.Tensor3D, { keyPaddingMask: mask });
      const d = await maxDiff(tf.slice(y, [0, 0, 0], [batch, padStart, dim]), tf.slice(y2, [0, 0, 0], [batch, padStart, dim]));
      if (d > 1e-5) fail(`real positions changed by ${d} when only padded keys changed`);
      const unmasked = run(layer, tf.add(x, change) as tf.Tensor3D);
      const leak = await maxDiff(tf.slice(y2, [last, 0, 0], [1, padStart, dim]), tf.slice(unmasked, [last, 0, 0], [1, padStart, dim]));
      if (!(leak > 1e-4)) fail('the mask made no difference at all: the check cannot tell masking from ignoring the mask');
      if (caps.variableLength && !caps.needsGrid) {
        const short = run(layer, tf.slice(x, [last, 0, 0], [1, padStart, dim]) as tf.Tensor3D);
        const e = await maxDiff(short, tf.slice(y, [last, 0, 0], [1, padStart, dim]));
        if (e > tol.atol) fail(`a padded sample differs from the same sample without its padding by ${e}`);
      }
    });
  }

  if (caps.keyPaddingMask && caps.variableLength && !caps.needsGrid) {
    add('key padding through a TransformerEncoder: a sample padded inside a batch equals the sample alone', async () => {
      const padStart = tokens - Math.max(1, Math.floor(tokens / 3));
      const encoder = new TransformerEncoder({ dim, numHeads: spec.config.numHeads, depth: 2, seed, attention: { name: spec.name, ...spec.config } as AttentionSpec });
      const x = input();
      const mask = tf.cast(paddingMask(tokens), 'bool') as tf.Tensor2D;
      try {
        const padded = encoder.apply([x, mask]) as tf.Tensor3D;
        const last = batch - 1;
        const alone = encoder.apply(tf.slice(x, [last, 0, 0], [1, padStart, dim])) as tf.Tensor3D;
        const e = await maxDiff(alone, tf.slice(padded, [last, 0, 0], [1, padStart, dim]));
        if (e > 1e-4) fail(`through two blocks, a padded sample differs from the same sample alone by ${e}`);
        const pool = new SequencePool({ pool: 'mean' });
        const d = await maxDiff(pool.apply(alone) as tf.Tensor, tf.slice(pool.apply([padded, mask]) as tf.Tensor, [last, 0], [1, dim]));
        if (d > 1e-4) fail(`the masked mean of a padded sample differs from its mean alone by ${d}`);
      } finally {
        if (encoder.built) encoder.dispose();
      }
    });
  }

  if (caps.crossAttention) {
    add('cross-attention: keys and values come from the context', async (own) => {
      const layer = make();
      own.push(layer);
      const x = input();
      const ctx = input(ctxTokens, seed + 3);
      const y = run(layer, x, { context: ctx });
      if (y.shape.join() !== [batch, tokens, dim].join()) fail(`cross-attention output shape [${y.shape}]`);
      const y2 = run(layer, x, { context: tf.add(ctx, 1) as tf.Tensor3D });
      if (!((await maxDiff(y, y2)) > 1e-4)) fail('changing the context did not change the output');
      const sym = layer.apply([tfl.input({ shape: [tokens, dim] }), tfl.input({ shape: [ctxTokens, dim] })]) as tfl.SymbolicTensor;
      if (sym.shape.join() !== [null, tokens, dim].join()) fail(`symbolic cross-attention output shape [${sym.shape}]`);
    });
  }

  add('gradients reach every trainable weight', async (own) => {
    const layer = make();
    own.push(layer);
    const x = input();
    run(layer, x); // build
    const r = tf.randomNormal([batch, tokens, dim], 0, 1, 'float32', seed + 4);
    const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    if (vars.length === 0) return;
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, r)) as tf.Scalar, vars);
    for (const w of layer.trainableWeights) {
      const g = grads[(w.read() as tf.Variable).name];
      if (!g) fail(`no gradient for weight ${w.originalName}`);
      await assertAllFinite(g, `gradient of ${w.originalName}`);
      const norm = (await tf.sum(tf.abs(g)).data())[0]!;
      if (!(norm > 0)) fail(`the gradient of ${w.originalName} is zero: the weight does not reach the output`);
    }
  });

  add('getConfig → fromConfig rebuilds the same layer', async (own) => {
    const layer = make();
    own.push(layer);
    const x = input();
    const y = run(layer, x);
    const cls = layer.constructor as unknown as tf.serialization.SerializableConstructor<AttentionLayer>;
    const config = JSON.parse(JSON.stringify(layer.getConfig())) as tf.serialization.ConfigDict;
    const copy = (cls as unknown as { fromConfig: (c: unknown, cfg: unknown) => AttentionLayer }).fromConfig(cls, config);
    own.push(copy);
    run(copy, x);
    if (copy.weightPaths().join() !== layer.weightPaths().join()) {
      fail(`weights differ after fromConfig: [${copy.weightPaths()}] vs [${layer.weightPaths()}]`);
    }
    copy.setWeights(layer.getWeights());
    const d = await maxDiff(run(copy, x), y);
    if (d > 1e-5) fail(`a layer rebuilt from getConfig() gives outputs differing by ${d}`);
    const again = JSON.stringify(copy.getConfig());
    if (again !== JSON.stringify(config)) fail(`getConfig() is not stable across fromConfig: ${again} vs ${JSON.stringify(config)}`);
  });

  add('model.save → tf.loadLayersModel round-trips through tf.io handlers', async (own) => {
    const layer = make();
    own.push(layer);
    const inp = tfl.input({ shape: [tokens, dim] });
    const model = tfl.model({ inputs: inp, outputs: layer.apply(inp) as tfl.SymbolicTensor });
    const x = input();
    const y = model.predict(x) as tf.Tensor;
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    if (!artifacts) fail('model.save produced no artifacts');
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
    try {
      const d = await maxDiff(loaded.predict(x) as tf.Tensor, y);
      if (d > 1e-5) fail(`the reloaded model's output differs by ${d}`);
    } finally {
      loaded.dispose();
    }
  });

  add('no tensors leak across calls (inference, training and attentionMap)', async (own) => {
    const layer = make({ dropout: 0.1, projDropout: 0.1 });
    own.push(layer);
    const x = input();
    const mask = caps.keyPaddingMask ? paddingMask(tokens) : undefined;
    const calls: [string, () => tf.Tensor][] = [
      ['inference', () => run(layer, x)],
      ['training', () => run(layer, x, { training: true })],
    ];
    if (mask) calls.push(['masked', () => run(layer, x, { keyPaddingMask: mask })]);
    if (caps.attentionMap !== 'none') calls.push(['attentionMap', () => layer.attentionMap(x)]);
    for (const [, call] of calls) call().dispose(); // warm-up: builds weights
    // On webgpu the mask's value check holds one small tensor until its read-back arrives.
    await flushMaskChecks();
    for (const [what, call] of calls) {
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) call().dispose();
      const after = tf.memory().numTensors;
      if (after !== before) fail(`${what} calls leak ${(after - before) / 3} tensors per call`);
    }
  });

  add('bad configs and inputs raise errors that name the problem', async (own) => {
    const layer = make();
    own.push(layer);
    const x = input();
    run(layer, x);
    expectThrow(() => make({ dim: spec.config.numHeads * 4 + 1 }), AttentionConfigError, /not divisible by numHeads/, 'dim not divisible by numHeads');
    expectThrow(() => run(layer, tf.randomNormal([tokens, dim]) as unknown as tf.Tensor3D), AttentionInputError, /rank 3/, 'rank-2 input');
    expectThrow(() => run(layer, tf.randomNormal([batch, tokens, dim + 1]) as tf.Tensor3D), AttentionInputError, /does not match dim/, 'input of the wrong width');
    if (caps.keyPaddingMask) {
      expectThrow(() => run(layer, x, { keyPaddingMask: tf.ones([batch, tokens + 1]) as tf.Tensor2D }), AttentionInputError, /keyPaddingMask must be/, 'mask of the wrong shape');
      // An additive mask (0 = keep, −∞ = drop) read as 0/1 would keep exactly the padded keys.
      const additive = tf.where(tf.greater(paddingMask(tokens), 0), tf.zerosLike(paddingMask(tokens)), tf.fill([batch, tokens], -Infinity)) as tf.Tensor2D;
      if (canReadSync()) {
        expectThrow(() => run(layer, x, { keyPaddingMask: additive }), AttentionInputError, /boolean or 0\/1/, 'an additive (0/−∞) mask');
      } else {
        // webgpu: checked when the read-back arrives, thrown by flushMaskChecks (logged meanwhile).
        const log = console.error;
        console.error = () => {};
        try {
          run(layer, x, { keyPaddingMask: additive }).dispose();
          const err = await flushMaskChecks().then(() => null, (e: unknown) => e);
          if (!(err instanceof AttentionInputError) || !/boolean or 0\/1/.test(err.message)) {
            fail(`an additive (0/−∞) mask: flushMaskChecks() should reject with an AttentionInputError naming the convention, got ${String(err)}`);
          }
        } finally {
          console.error = log;
        }
      }
    } else {
      expectThrow(() => run(layer, x, { keyPaddingMask: tf.ones([batch, tokens]) as tf.Tensor2D }), AttentionInputError, /does not support a key-padding mask/, 'mask for a variant without masks');
      if (!caps.noKeyPaddingMaskReason) fail('a variant without key-padding masks must say why (capabilities.noKeyPaddingMaskReason)');
    }
    if (!caps.causal) expectThrow(() => make({ causal: true }), AttentionConfigError, /no causal form/, 'causal for a non-causal variant');
    if (!caps.incremental) {
      expectThrow(() => layer.initialState(batch), AttentionConfigError, /no incremental/, 'initialState on a variant without an incremental form');
    } else {
      expectThrow(() => layer.initialState(batch), AttentionConfigError, /causal: true/, 'initialState on a layer built without causal: true');
      const causalLayer = make({ causal: true });
      own.push(causalLayer);
      const state = causalLayer.initialState(batch);
      expectThrow(() => causalLayer.step(input(2), state), AttentionInputError, /one token/, 'step on two tokens');
      disposeState(state);
    }
    if (caps.needsMaxTokens) {
      const max = spec.config.maxTokens!;
      expectThrow(() => run(layer, input(max + 1)), AttentionInputError, /more than maxTokens/, 'tokens over maxTokens');
      expectThrow(() => make({ maxTokens: undefined }), AttentionConfigError, /maxTokens/, 'missing maxTokens');
    }
    if (caps.needsGrid) {
      expectThrow(() => make({ grid: undefined }), AttentionConfigError, /grid/, 'missing grid');
      expectThrow(() => run(layer, input(tokens - 1)), AttentionInputError, /grid/, 'tokens ≠ height × width');
    }
    const checked = make({ checkNumerics: true });
    own.push(checked);
    run(checked, x);
    const at = (flat: number, value: number): tf.Tensor3D =>
      tf.where(tf.equal(tf.reshape(tf.range(0, batch * tokens * dim), [batch, tokens, dim]), flat), tf.scalar(value) as tf.Tensor, x) as tf.Tensor3D;
    // Synchronous backends throw from the call; webgpu reports through flushNumerics().
    const numerics = async (bad: tf.Tensor3D, pattern: RegExp, what: string) => {
      let thrown: unknown;
      try {
        run(checked, bad).dispose();
        await checked.flushNumerics();
      } catch (err) {
        thrown = err;
      }
      if (!(thrown instanceof NumericsError)) fail(`${what}: expected a NumericsError, got ${thrown === undefined ? 'nothing' : String(thrown)}`);
      if (!pattern.test(thrown.message)) fail(`${what}: the message "${thrown.message}" does not match ${pattern}`);
      await checked.flushNumerics().catch(() => undefined);
    };
    const withNaN = at(5, NaN);
    await numerics(withNaN, /input contains 1 NaN value .*first at \[0, 0, 5\]/, 'NaN input with checkNumerics');
    await numerics(at(0, Infinity), /input contains 1 ±Inf/, 'Inf input with checkNumerics');
    const unchecked = run(layer, withNaN); // off by default: no read-back, no error
    unchecked.dispose();
  });

  if (spec.denseReference) {
    const cases: [string, Partial<AttentionConfig>, boolean][] = [['plain', {}, false]];
    if (caps.causal) cases.push(['causal', { causal: true }, false]);
    if (caps.keyPaddingMask) cases.push(['key-padding mask', {}, true]);
    for (const [label, extra, masked] of cases) {
      add(`agrees with the dense reference (${label})`, async (own) => {
        const layer = make(extra);
        own.push(layer);
        const x = input();
        const opts: AttentionCallOptions = masked ? { keyPaddingMask: paddingMask(tokens) } : {};
        const y = run(layer, x, opts);
        const want = await spec.denseReference!(layer, x, opts);
        await assertClose(y, want, tol, `${spec.name} (${label}) vs dense reference`);
      });
    }
  }

  if (caps.attentionMap !== 'none') {
    add(`attentionMap is ${caps.attentionMap === 'exact' ? 'the weights the layer applies to its values' : 'a finite [batch, heads, tokens, keys] view'}`, async (own) => {
      const variants: [string, Partial<AttentionConfig>][] = [['plain', {}]];
      if (caps.causal) variants.push(['causal', { causal: true }]);
      for (const [label, extra] of variants) {
        const layer = make(extra);
        own.push(layer);
        const x = input();
        const y = run(layer, x);
        const map = layer.attentionMap(x);
        const heads = layer.numHeads;
        if (map.shape.join() !== [batch, heads, tokens, tokens].join()) fail(`${label}: attentionMap shape [${map.shape}]`);
        await assertAllFinite(map, `${label} attentionMap`);
        if (caps.attentionMap !== 'exact') continue;
        const w = (p: string) => layer.weight(p).read();
        const v = splitHeads(dense(x, w('v/kernel') as tf.Tensor2D, layer.qkvBias ? (w('v/bias') as tf.Tensor1D) : undefined) as tf.Tensor3D, heads);
        const mixed = mergeHeads(tf.matMul(map, v));
        const want = dense(mixed, w('out/kernel') as tf.Tensor2D, w('out/bias') as tf.Tensor1D);
        await assertClose(y, want, tol, `${label}: output vs out_proj(attentionMap · V)`);
        if (extra.causal) {
          const above = tf.sum(tf.abs(tf.mul(map, tf.sub(1, tf.linalg.bandPart(tf.ones([tokens, tokens]), -1, 0)))));
          const s = (await above.data())[0]!;
          if (s > 1e-6) fail(`causal attentionMap has weight ${s} above the diagonal`);
        }
      }
    });
  }

  return checks;
}
