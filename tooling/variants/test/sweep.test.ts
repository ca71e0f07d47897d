// A deliberate sweep over every registered variant with invalid options, shapes, masks and
// weights: each case must give a correct result (the right output shape, finite) or a clear
// error — one of the project's error types, naming the layer (or op) — within 10 s, and leave
// no tensor behind.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AttentionConfigError,
  AttentionInputError,
  createAttention,
  layoutConfig,
  listAttentions,
  SafetensorsError,
  WeightLoadError,
  type AttentionLayer,
  type RegisteredAttention,
} from '@attention-zoo/attention-core';
import { loadStateDict, type HostTensor } from '@attention-zoo/attention-core/weights';
import { useBackend } from '@attention-zoo/test-utils';

const CLEAR = [AttentionConfigError, AttentionInputError, WeightLoadError, SafetensorsError];
const DIM = 8;
const HEADS = 2;
const TOKENS = 16;
const GRID: [number, number] = [4, 4];
const LIMIT_MS = 10_000;

type Outcome = { case: string; problem: string };

function baseConfig(d: RegisteredAttention): Record<string, unknown> {
  return { dim: DIM, numHeads: HEADS, seed: 1, ...layoutConfig(d, { tokens: TOKENS, grid: GRID }), name: `sweep_${d.name.replace(/-/g, '_')}` };
}

/**
 * Runs `body` in an engine scope: it must return (a result is checked by `check`) or throw a
 * clear error; time and tensors are measured. Layers it lists are disposed.
 */
function probe(
  problems: Outcome[],
  what: string,
  body: (own: AttentionLayer[]) => tf.Tensor | void,
  check?: (y: tf.Tensor) => string | undefined,
  mustName?: string,
): void {
  const own: AttentionLayer[] = [];
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  tf.engine().startScope();
  try {
    const y = body(own);
    if (y && check) {
      const bad = check(y);
      if (bad) problems.push({ case: what, problem: bad });
    }
  } catch (err) {
    const e = err as Error;
    if (!CLEAR.some((c) => e instanceof c)) problems.push({ case: what, problem: `raw ${e?.name}: ${e?.message?.slice(0, 160)}` });
    else if (mustName && !e.message.includes(mustName)) problems.push({ case: what, problem: `error does not name the layer: ${e.message.slice(0, 160)}` });
  } finally {
    tf.engine().endScope();
    for (const l of own) if (l.built) l.dispose();
  }
  const ms = performance.now() - t0;
  if (ms > LIMIT_MS) problems.push({ case: what, problem: `took ${Math.round(ms)} ms` });
  const after = tf.memory().numTensors;
  if (after !== before) problems.push({ case: what, problem: `leaked ${after - before} tensor(s)` });
}

const shapeIs = (shape: number[]) => (y: tf.Tensor) => {
  if (y.shape.join() !== shape.join()) return `output shape [${y.shape}], expected [${shape}]`;
  const finite = y.size === 0 || Array.from(y.dataSync()).every(Number.isFinite);
  return finite ? undefined : 'output holds NaN/Inf';
};

/** Invalid values tried on each declared option. */
const BAD_VALUES: unknown[] = ['x', -1, 0, 0.5, 1e9, Number.NaN, Infinity, null, true, [1]];

function sweep(d: RegisteredAttention): Outcome[] {
  const problems: Outcome[] = [];
  const base = baseConfig(d);
  const who = String(base['name']);
  const make = (extra: Record<string, unknown> = {}) => createAttention(d.name, { ...base, ...extra } as never);
  const x = (b: number, n: number, w = DIM) => tf.randomNormal([b, n, w], 0, 1, 'float32', 3) as tf.Tensor3D;
  const n = TOKENS; // grid variants get the 4×4 grid

  // ---- options ----
  probe(problems, 'misspelt causal', (own) => void own.push(make({ casual: true })));
  probe(problems, "qkvBias: 'no'", (own) => void own.push(make({ qkvBias: 'no' })));
  probe(problems, 'dim not divisible', (own) => void own.push(make({ dim: 9 })));
  probe(problems, 'maxTokens 1e9', (own) => void own.push(make({ maxTokens: 1e9 })));
  for (const key of Object.keys(d.options ?? {})) {
    for (const value of BAD_VALUES) {
      probe(problems, `${key}=${JSON.stringify(value)}`, (own) => {
        const l = make({ [key]: value });
        own.push(l);
        return l.apply(x(2, n)) as tf.Tensor;
      }, shapeIs([2, n, DIM]));
    }
  }
  // Every declared key is refused unknown when misspelt: strictness holds for every variant.
  {
    let err: unknown;
    try {
      make({ someKeyNobodyDeclares: 1 });
    } catch (e) {
      err = e;
    }
    if (!(err instanceof AttentionConfigError)) problems.push({ case: 'unknown key', problem: 'accepted' });
  }

  // ---- shapes ----
  const shapes: [string, () => tf.Tensor3D, number[]][] = [
    ['batch 0', () => x(0, n), [0, n, DIM]],
    ['0 tokens', () => x(2, 0), [2, 0, DIM]],
    ['1 token', () => x(2, 1), [2, 1, DIM]],
    ['2 tokens', () => x(1, 2), [1, 2, DIM]],
    ['wrong width', () => x(2, n, DIM + 1), []],
  ];
  for (const [what, input, expected] of shapes) {
    probe(problems, what, (own) => {
      const l = make();
      own.push(l);
      return l.apply(input()) as tf.Tensor;
    }, shapeIs(expected), who);
  }
  probe(problems, 'rank-2 input', (own) => {
    const l = make();
    own.push(l);
    return l.apply(tf.zeros([n, DIM])) as tf.Tensor;
  }, shapeIs([]), who);
  if (d.capabilities.attentionMap !== 'none') {
    for (const short of [1, 2, 3]) {
      probe(problems, `attentionMap on ${short} token(s)`, (own) => {
        const l = make();
        own.push(l);
        return l.attentionMap(x(1, short));
      }, (y) => (y.shape.join() === [1, HEADS, short, short].join() ? undefined : `map shape [${y.shape}]`), who);
    }
  }

  // ---- masks ----
  if (d.capabilities.keyPaddingMask) {
    const masks: [string, () => tf.Tensor][] = [
      ['additive mask', () => tf.tile(tf.reshape(tf.where(tf.less(tf.range(0, n), n - 2), tf.zeros([n]), tf.fill([n], -Infinity)), [1, n]), [2, 1])],
      ['mask of 2s', () => tf.fill([2, n], 2)],
      ['mask of the wrong shape', () => tf.ones([2, n + 1])],
      ['mask of the wrong rank', () => tf.ones([2, 1, n])],
    ];
    for (const [what, mask] of masks) {
      probe(problems, what, (own) => {
        const l = make();
        own.push(l);
        return l.apply(x(2, n), { keyPaddingMask: mask() as tf.Tensor2D }) as tf.Tensor;
      }, () => 'accepted', who);
    }
  }

  // ---- weights ----
  probe(problems, 'integer weights', (own) => {
    const l = make();
    own.push(l);
    tf.dispose(l.apply(x(1, n)) as tf.Tensor);
    const path = l.weightPaths()[0]!;
    const shape = l.weight(path).shape as number[];
    const before = Array.from(l.weight(path).read().dataSync());
    const size = shape.reduce((a, b) => a * b, 1);
    const ints: HostTensor = { dtype: 'int32', shape, data: new Int32Array(size).fill(1) };
    try {
      loadStateDict(l, { w: ints }, { w: path });
    } finally {
      if (Array.from(l.weight(path).read().dataSync()).join() !== before.join()) {
        problems.push({ case: 'integer weights', problem: 'a weight changed' });
      }
    }
  });
  probe(problems, 'mis-shaped weights', (own) => {
    const l = make();
    own.push(l);
    tf.dispose(l.apply(x(1, n)) as tf.Tensor);
    const paths = l.weightPaths();
    const sd: Record<string, HostTensor> = {};
    const map: Record<string, string> = {};
    for (const [i, p] of paths.entries()) {
      const shape = [...(l.weight(p).shape as number[])];
      if (i === paths.length - 1) shape[0] = shape[0]! + 1; // only the last one is wrong
      sd[`k${i}`] = { dtype: 'float32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.25) };
      map[`k${i}`] = p;
    }
    try {
      loadStateDict(l, sd, map);
    } finally {
      if (Array.from(l.weight(paths[0]!).read().dataSync()).every((v) => v === 0.25)) {
        problems.push({ case: 'mis-shaped weights', problem: 'the first weight was written before the error' });
      }
    }
  });
  return problems;
}

describe('sweep: every registered variant answers bad input with a result or a clear error', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    await import('@attention-zoo/variants');
  });

  it('covers every registered variant, each declaring its options', () => {
    const names = listAttentions().map((d) => d.name);
    expect(names.length).toBeGreaterThanOrEqual(30);
  });

  it('options, shapes, masks, weights', { timeout: 120_000 }, () => {
    const report: string[] = [];
    for (const d of listAttentions()) {
      for (const p of sweep(d)) report.push(`${d.name}: ${p.case}: ${p.problem}`);
    }
    expect(report).toEqual([]);
  });
});
