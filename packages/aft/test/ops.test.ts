import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AttentionConfigError, AttentionInputError } from '@attention-zoo/attention-core';
import { aftConv, aftFull, aftLocal, aftSimple, type PositionBias } from '@attention-zoo/aft';
import { useBackend } from '@attention-zoo/test-utils';
import { denseAft, rows, toTensor, type Bias } from './dense-aft.js';

// Tensors below are made while the suites are collected: the backend must be set first.
await useBackend('cpu');

const rand = (shape: number[], seed: number, scale = 1, offset = 0) =>
  tf.tidy(() => tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), scale), offset));
/** The same, typed for the heads-first AFT-conv op. */
const rand4 = (shape: number[], seed: number, scale = 1, offset = 0) => rand(shape, seed, scale, offset) as tf.Tensor4D;

/** The op's output vs the float64 dense reference with the same biases. */
async function expectMatchesDense(got: tf.Tensor, q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, bias: Bias, atol = 2e-5, keyChannel?: (c: number) => number) {
  const [t, c] = q.shape.slice(-2) as [number, number];
  const kc = k.shape[k.rank - 1]!;
  const want = toTensor(denseAft(await rows(q), await rows(k), await rows(v), t, c, kc, bias, keyChannel), q.shape);
  const [g, w] = [await got.data(), await want.data()];
  expect(got.shape).toEqual(q.shape);
  let worst = 0;
  for (let i = 0; i < g.length; i++) {
    expect(Number.isFinite(g[i]!), `element ${i} is ${g[i]}`).toBe(true);
    worst = Math.max(worst, Math.abs(g[i]! - w[i]!) / (1 + Math.abs(w[i]!)));
  }
  expect(worst).toBeLessThan(atol);
  tf.dispose([got, want]);
}

/** w_{t,t'} of a host copy of a [n, n] matrix (top-left block for shorter sequences). */
async function hostBias(w: tf.Tensor2D): Promise<(t: number, u: number) => number> {
  const data = await w.data();
  const n = w.shape[1];
  return (t, u) => data[t * n + u]!;
}

/**
 * The largest tensor (in elements) any kernel of `f` allocates. Reshape is left out: it is a
 * view sharing its input's data (tfjs counts its bytes once), e.g. the full w flattened for a gather.
 */
async function largestTensor(f: () => tf.Tensor): Promise<number> {
  const info = await tf.profile(() => f());
  (info.result as tf.Tensor).dispose();
  const allocating = info.kernels.filter((k) => k.name !== 'Reshape');
  expect(allocating.length).toBeGreaterThan(3);
  return Math.max(...allocating.flatMap((k) => k.outputShapes.map((s) => (s as number[]).reduce((a, b) => a * b, 1))));
}

describe('AFT ops vs float64 dense loops (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  for (const causal of [false, true]) {
    it(`aftFull${causal ? ' causal' : ''}: heads-first and [B, T, C], w larger than T (top-left block)`, async () => {
      const [q, k, v] = [1, 2, 3].map((s) => rand([2, 3, 9, 4], s));
      const w = rand([12, 12], 4, 2) as tf.Tensor2D;
      const wt = await hostBias(w);
      const bias: Bias = (t, u) => (causal && u > t ? null : wt(t, u));
      await expectMatchesDense(aftFull(q!, k!, v!, w, { causal }), q!, k!, v!, bias);
      const [q3, k3, v3] = [q!, k!, v!].map((x) => tf.reshape(x, [6, 9, 4]));
      await expectMatchesDense(aftFull(q3!, k3!, v3!, w, { causal }), q3!, k3!, v3!, bias);
    });

    it(`aftFull${causal ? ' causal' : ''}: factorised w = u vᵀ`, async () => {
      const [q, k, v] = [1, 2, 3].map((s) => rand([2, 7, 5], s));
      const u = rand([10, 3], 5) as tf.Tensor2D;
      const vv = rand([10, 3], 6) as tf.Tensor2D;
      const wt = await hostBias(tf.matMul(u, vv, false, true));
      await expectMatchesDense(aftFull(q!, k!, v!, { u, v: vv }, { causal }), q!, k!, v!, (t, x) => (causal && x > t ? null : wt(t, x)));
    });

    it(`aftSimple${causal ? ' causal' : ''}`, async () => {
      const [q, k, v] = [1, 2, 3].map((s) => rand([2, 2, 13, 3], s, 2));
      await expectMatchesDense(aftSimple(q!, k!, v!, { causal }), q!, k!, v!, (t, u) => (causal && u > t ? null : 0));
    });

    for (const s of [1, 2, 3, 5, 11, 20]) {
      it(`aftLocal${causal ? ' causal' : ''} s = ${s} (T = 11): w inside |t − t'| < s, 0 outside`, async () => {
        const [q, k, v] = [1, 2, 3].map((seed) => rand([2, 11, 4], seed + s));
        const w = rand([14, 14], 9, 2) as tf.Tensor2D;
        const wt = await hostBias(w);
        const bias: Bias = (t, u) => (causal && u > t ? null : Math.abs(t - u) < s ? wt(t, u) : 0);
        await expectMatchesDense(aftLocal(q!, k!, v!, w, { windowSize: s, causal }), q!, k!, v!, bias);
        const f: PositionBias = { u: rand([12, 2], 10) as tf.Tensor2D, v: rand([12, 2], 11) as tf.Tensor2D };
        const ft = await hostBias(tf.matMul(f.u, f.v, false, true));
        await expectMatchesDense(aftLocal(q!, k!, v!, f, { windowSize: s, causal }), q!, k!, v!, (t, u) =>
          causal && u > t ? null : Math.abs(t - u) < s ? ft(t, u) : 0,
        );
      });
    }
  }

  for (const [grid, s, perHead] of [[[4, 5], 3, true], [[5, 4], 5, false], [[3, 3], 1, true], [[4, 4], 7, true]] as const) {
    it(`aftConv grid [${grid}], s = ${s}, keys ${perHead ? 'per head' : 'per channel'}`, async () => {
      const [h, dh, t] = [2, 3, grid[0] * grid[1]];
      const [q, v] = [1, 3].map((seed) => rand4([2, h, t, dh], seed));
      const k = rand4([2, h, t, perHead ? 1 : dh], 2, 2);
      const w = rand([h, s, s], 4) as tf.Tensor3D;
      const kw = await w.data();
      const r = (s - 1) / 2;
      // Back to [B, T, h·dh] for the dense loops: channel c of head i = i·dh + c.
      const flat = (x: tf.Tensor) => tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [2, t, -1]);
      const head = (c: number) => Math.floor(c / dh);
      const bias: Bias = (a, b, c) => {
        const dy = Math.floor(b / grid[1]) - Math.floor(a / grid[1]);
        const dx = (b % grid[1]) - (a % grid[1]);
        return Math.abs(dy) <= r && Math.abs(dx) <= r ? kw[head(c) * s * s + (dy + r) * s + (dx + r)]! : 0;
      };
      const got = flat(aftConv(q!, k, v!, w, { grid: [grid[0], grid[1]] }));
      await expectMatchesDense(got, flat(q!), flat(k), flat(v!), bias, 2e-5, perHead ? head : undefined);
    });
  }
});

describe('AFT ops are numerically stable (cpu)', () => {
  beforeAll(() => useBackend('cpu'));
  const [q, v] = [1, 3].map((s) => rand([2, 16, 4], s));
  const w = rand([16, 16], 4) as tf.Tensor2D;
  const forms: [string, (k: tf.Tensor, causal: boolean) => tf.Tensor][] = [
    ['full', (k, causal) => aftFull(q!, k, v!, w, { causal })],
    ['simple', (k, causal) => aftSimple(q!, k, v!, { causal })],
    ['local', (k, causal) => aftLocal(q!, k, v!, w, { windowSize: 3, causal })],
  ];

  for (const [name, f] of forms) {
    for (const causal of [false, true]) {
      it(`${name}${causal ? ' causal' : ''}: keys all equal, all very negative, or large give finite outputs equal to the float64 reference`, async () => {
        const wt = await hostBias(w);
        const bias: Bias = (t, u) => {
          if (causal && u > t) return null;
          if (name === 'simple') return 0;
          return name === 'local' && Math.abs(t - u) >= 3 ? 0 : wt(t, u);
        };
        for (const k of [tf.fill([2, 16, 4], 7), tf.fill([2, 16, 4], -1e4), rand([2, 16, 4], 5, 1, -1e4), rand([2, 16, 4], 6, 1, 100), rand([2, 16, 4], 7, 10)]) {
          await expectMatchesDense(f(k, causal), q!, k, v!, bias);
        }
      });
    }
  }

  it('all-equal keys: AFT-simple is σ(Q) times the plain mean of V (causal: the running mean)', async () => {
    const k = tf.fill([2, 16, 4], 3);
    const mean = tf.mul(tf.sigmoid(q!), tf.mean(v!, 1, true));
    expect(Math.abs((await tf.max(tf.abs(tf.sub(aftSimple(q!, k, v!), mean))).data())[0]!)).toBeLessThan(1e-6);
    const running = tf.div(tf.cumsum(v!, 1), tf.reshape(tf.range(1, 17), [1, 16, 1]));
    const diff = tf.max(tf.abs(tf.sub(aftSimple(q!, k, v!, { causal: true }), tf.mul(tf.sigmoid(q!), running))));
    expect((await diff.data())[0]!).toBeLessThan(1e-6);
  });

  it('causal AFT-simple: an early key far below a later one does not underflow (running-max scan)', async () => {
    // Channel 0: K = −200 at t = 0, +200 at t = 8. One cumsum shifted by the global max would give 0/0 at t < 8.
    const jump = tf.buffer([1, 16, 4]);
    jump.set(-200, 0, 0, 0);
    jump.set(200, 0, 8, 0);
    const k = tf.add(rand([2, 16, 4], 8), jump.toTensor());
    await expectMatchesDense(aftSimple(q!, k, v!, { causal: true }), q!, k, v!, (t, u) => (u > t ? null : 0));
  });

  it('large position biases do not overflow (per-row maximum of w)', async () => {
    const big = tf.mul(w, 300) as tf.Tensor2D;
    const k = rand([2, 16, 4], 9);
    const wt = await hostBias(big);
    await expectMatchesDense(aftFull(q!, k, v!, big), q!, k, v!, (t, u) => wt(t, u));
    await expectMatchesDense(aftLocal(q!, k, v!, big, { windowSize: 2 }), q!, k, v!, (t, u) => (Math.abs(t - u) < 2 ? wt(t, u) : 0), 1e-4);
  });

  it('AFT-conv with keys offset by 1e4 and a large kernel is finite and matches AFT-conv without the offset', async () => {
    const [qq, vv] = [1, 2].map((s) => rand4([1, 2, 16, 3], s));
    // Multiples of 1/8, so that K + 1e4 is exact in float32 and the two runs see the same differences.
    const k = tf.div(tf.round(tf.mul(rand([1, 2, 16, 1], 3, 3), 8)), 8) as tf.Tensor4D;
    const ker = rand([2, 3, 3], 4, 50) as tf.Tensor3D;
    const a = await aftConv(qq!, tf.add(k, 1e4) as tf.Tensor4D, vv!, ker, { grid: [4, 4] }).data();
    const b = await aftConv(qq!, k, vv!, ker, { grid: [4, 4] }).data();
    for (let i = 0; i < a.length; i++) {
      expect(Number.isFinite(a[i]!)).toBe(true);
      expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4);
    }
  });
});

describe('AFT ops: equivalences between the forms (cpu)', () => {
  beforeAll(() => useBackend('cpu'));
  const [q, k, v] = [1, 2, 3].map((s) => rand([2, 10, 6], s));
  const maxDiff = async (a: tf.Tensor, b: tf.Tensor) => (await tf.max(tf.abs(tf.sub(a, b))).data())[0]!;

  it('AFT-local with s ≥ T is AFT-full; with w = 0 it is AFT-simple', async () => {
    const w = rand([10, 10], 4) as tf.Tensor2D;
    for (const causal of [false, true]) {
      expect(await maxDiff(aftLocal(q!, k!, v!, w, { windowSize: 10, causal }), aftFull(q!, k!, v!, w, { causal }))).toBeLessThan(1e-5);
      expect(await maxDiff(aftLocal(q!, k!, v!, tf.zeros([10, 10]), { windowSize: 3, causal }), aftSimple(q!, k!, v!, { causal }))).toBeLessThan(1e-5);
    }
  });

  it('AFT-local differs from AFT-full with w masked to −∞ outside the window (0 outside, as the paper specifies)', async () => {
    const w = rand([10, 10], 4) as tf.Tensor2D;
    const minusInf = tf.where(tf.cast(tf.linalg.bandPart(tf.ones([10, 10]), 2, 2), 'bool'), w, tf.fill([10, 10], -1e30)) as tf.Tensor2D;
    expect(await maxDiff(aftLocal(q!, k!, v!, w, { windowSize: 3 }), aftFull(q!, k!, v!, minusInf))).toBeGreaterThan(1e-2);
  });

  it('AFT-conv with a zero kernel (the paper’s γ = β = 0 start) is AFT-simple with each head’s key on its channels', async () => {
    const [qq, vv] = [1, 2].map((s) => rand4([2, 2, 12, 3], s));
    const k1 = rand4([2, 2, 12, 1], 3);
    const conv = aftConv(qq!, k1, vv!, tf.zeros([2, 3, 3]), { grid: [3, 4] });
    expect(await maxDiff(conv, aftSimple(qq!, tf.tile(k1, [1, 1, 1, 3]), vv!))).toBeLessThan(1e-6);
  });
});

describe('AFT ops: memory as the paper claims (cpu)', () => {
  beforeAll(() => useBackend('cpu'));
  const t = 144;
  const [q, k, v] = [1, 2, 3].map((s) => rand([1, t, 2], s));

  it('AFT-simple (both forms) never builds a T×T tensor', async () => {
    expect(await largestTensor(() => aftSimple(q!, k!, v!))).toBeLessThan(t * t / 8);
    expect(await largestTensor(() => aftSimple(q!, k!, v!, { causal: true }))).toBeLessThan(t * t / 8);
  });

  it('AFT-local builds only the band (O(T·s)), not T×T — full or factorised w', async () => {
    const w = rand([t, t], 4) as tf.Tensor2D;
    const f = { u: rand([t, 4], 5) as tf.Tensor2D, v: rand([t, 4], 6) as tf.Tensor2D };
    for (const causal of [false, true]) {
      expect(await largestTensor(() => aftLocal(q!, k!, v!, w, { windowSize: 4, causal }))).toBeLessThanOrEqual(3 * t * 4);
      // The factorised form never touches a T×T tensor at all (the full w above is the parameter itself).
      expect(await largestTensor(() => aftLocal(q!, k!, v!, f, { windowSize: 4, causal }))).toBeLessThanOrEqual(3 * t * 4);
    }
  });

  it('AFT-conv never builds a T×T tensor', async () => {
    const [qq, vv] = [1, 2].map((s) => rand4([1, 2, t, 1], s));
    const kk = rand4([1, 2, t, 1], 3);
    expect(await largestTensor(() => aftConv(qq!, kk, vv!, rand([2, 5, 5], 4) as tf.Tensor3D, { grid: [12, 12] }))).toBeLessThan(t * t / 8);
  });

  it('AFT-full builds at most T×T (exp(w)), never batch × T × T × channels', async () => {
    const [qb, kb, vb] = [1, 2, 3].map((s) => rand([3, t, 4], s));
    expect(await largestTensor(() => aftFull(qb!, kb!, vb!, rand([t, t], 4) as tf.Tensor2D))).toBeLessThanOrEqual(t * t);
  });
});

describe('AFT ops: bad inputs raise errors naming the problem', () => {
  beforeAll(() => useBackend('cpu'));
  const [q, k, v] = [1, 2, 3].map((s) => rand([1, 9, 4], s));

  it('window s < 1, bad biases and shapes', () => {
    const w = tf.zeros([9, 9]) as tf.Tensor2D;
    expect(() => aftLocal(q!, k!, v!, w, { windowSize: 0 })).toThrow(AttentionConfigError);
    expect(() => aftLocal(q!, k!, v!, w, { windowSize: 0 })).toThrow(/windowSize s must be an integer ≥ 1/);
    expect(() => aftLocal(q!, k!, v!, w, { windowSize: 1.5 })).toThrow(/windowSize/);
    expect(() => aftFull(q!, k!, v!, tf.zeros([8, 8]) as tf.Tensor2D)).toThrow(AttentionInputError);
    expect(() => aftFull(q!, k!, v!, tf.zeros([8, 8]) as tf.Tensor2D)).toThrow(/w must be \[T, T\] with T ≥ 9/);
    expect(() => aftFull(q!, k!, v!, { u: tf.zeros([9, 2]) as tf.Tensor2D, v: tf.zeros([9, 3]) as tf.Tensor2D })).toThrow(/same d'/);
    expect(() => aftSimple(q!, tf.zeros([1, 8, 4]), v!)).toThrow(/same shape/);
  });

  it('AFT-conv: grid missing or wrong, kernel even or larger than the grid allows', () => {
    const [qq, vv] = [1, 2].map((s) => rand([1, 2, 9, 2], s) as tf.Tensor4D);
    const kk = rand([1, 2, 9, 1], 3) as tf.Tensor4D;
    const ker = (s: number) => tf.zeros([2, s, s]) as tf.Tensor3D;
    expect(() => aftConv(qq!, kk, vv!, ker(3), undefined as never)).toThrow(/grid \[height, width\] with height·width = 9 tokens is required/);
    expect(() => aftConv(qq!, kk, vv!, ker(3), { grid: [2, 4] })).toThrow(AttentionInputError);
    expect(() => aftConv(qq!, kk, vv!, ker(4), { grid: [3, 3] })).toThrow(/kernelSize must be an odd positive integer/);
    expect(() => aftConv(qq!, kk, vv!, ker(7), { grid: [3, 3] })).toThrow(AttentionConfigError);
    expect(() => aftConv(qq!, kk, vv!, ker(7), { grid: [3, 3] })).toThrow(/kernelSize 7 is larger than the grid \[3, 3\] allows/);
    expect(() => aftConv(qq!, kk, vv!, ker(5), { grid: [3, 3] })).not.toThrow();
    expect(() => aftConv(qq!, rand([1, 2, 9, 3], 4) as tf.Tensor4D, vv!, ker(3), { grid: [3, 3] })).toThrow(/k \[batch, heads, tokens, 1 \| headDim\]/);
  });
});
