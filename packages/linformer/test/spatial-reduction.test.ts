import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  AttentionConfigError,
  AttentionInputError,
  createAttention,
  getAttention,
  makeBlock,
  type AttentionCallOptions,
  type AttentionLayer,
} from '@attention-zoo/attention-core';
import { loadStateDict } from '@attention-zoo/attention-core/weights';
import { conformanceChecks } from '@attention-zoo/attention-core/testing';
import { backendSuite, expectClose, testBackends } from '@attention-zoo/test-utils';
import { linearSpatialReduction, reducedKeyPaddingMask, spatialReduction, spatialReductionKeyMaps, type SpatialReductionAttention } from '../src/index.js';
import { aroundHeads, attend, mat, type Mat, weight } from '@attention-zoo/test-utils/float64';

/** erf by Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

function layerNorm(m: Mat, g: Float64Array, b: Float64Array, eps: number): Mat {
  const y = mat(m.rows, m.cols);
  for (let r = 0; r < m.rows; r++) {
    const row = m.a.subarray(r * m.cols, (r + 1) * m.cols);
    const mu = row.reduce((a, c) => a + c, 0) / m.cols;
    const v = row.reduce((a, c) => a + (c - mu) ** 2, 0) / m.cols;
    for (let c = 0; c < m.cols; c++) y.a[r * m.cols + c] = ((row[c]! - mu) / Math.sqrt(v + eps)) * g[c]! + b[c]!;
  }
  return y;
}

/**
 * Float64 loops: stride-R conv + LN (PVT), or adaptive pool + 1×1 conv + LN + GELU (PVTv2 linear).
 * With `real` (one 0/1 per grid token) padded tokens are left out of every sum: the conv's patch
 * sum is rescaled by R²/#real (partial conv), the pool averages the real tokens only; `keys` says
 * which reduced keys hold a real token.
 */
async function reducer(layer: SpatialReductionAttention): Promise<(x: Mat, real?: ArrayLike<number>) => { kv: Mat; keys: boolean[] }> {
  const [h, w] = layer.grid!;
  const c = layer.dim;
  const isReal = (real: ArrayLike<number> | undefined, t: number) => !real || real[t] !== 0;
  if (!layer.linear && layer.srRatio === 1) return (x, real) => ({ kv: x, keys: Array.from({ length: x.rows }, (_, t) => isReal(real, t)) });
  const [k, kb, g, b] = await Promise.all(['sr/kernel', 'sr/bias', 'norm/gamma', 'norm/beta'].map((p) => weight(layer, p))) as Float64Array[];
  const eps = layer.layerNormEpsilon;
  if (!layer.linear) {
    const r = layer.srRatio;
    const [hr, wr] = [Math.floor(h / r), Math.floor(w / r)];
    return (x, real) => {
      const y = mat(hr * wr, c);
      const keys: boolean[] = [];
      for (let oy = 0; oy < hr; oy++) for (let ox = 0; ox < wr; ox++) {
        let count = 0;
        for (let ky = 0; ky < r; ky++) for (let kx = 0; kx < r; kx++) if (isReal(real, (oy * r + ky) * w + ox * r + kx)) count++;
        keys.push(count > 0);
        for (let co = 0; co < c; co++) {
          let s = 0;
          for (let ky = 0; ky < r; ky++) for (let kx = 0; kx < r; kx++) {
            const t = (oy * r + ky) * w + ox * r + kx;
            if (!isReal(real, t)) continue;
            for (let ci = 0; ci < c; ci++) s += x.a[t * c + ci]! * k![((ky * r + kx) * c + ci) * c + co]!;
          }
          y.a[(oy * wr + ox) * c + co] = (count > 0 ? (s * r * r) / count : 0) + kb![co]!;
        }
      }
      return { kv: layerNorm(y, g!, b!, eps), keys };
    };
  }
  const p = layer.poolSize;
  const bins = (n: number, i: number) => [Math.floor((i * n) / p), Math.ceil(((i + 1) * n) / p)] as const;
  return (x, real) => {
    const pooled = mat(p * p, c);
    const keys: boolean[] = [];
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) {
      const [y0, y1] = bins(h, i);
      const [x0, x1] = bins(w, j);
      let count = 0;
      for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) if (isReal(real, yy * w + xx)) count++;
      keys.push(count > 0);
      for (let ci = 0; ci < c; ci++) {
        let s = 0;
        for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) if (isReal(real, yy * w + xx)) s += x.a[(yy * w + xx) * c + ci]!;
        pooled.a[(i * p + j) * c + ci] = count > 0 ? s / count : 0;
      }
    }
    const y = mat(p * p, c);
    for (let t = 0; t < p * p; t++) for (let co = 0; co < c; co++) {
      let s = kb![co]!;
      for (let ci = 0; ci < c; ci++) s += pooled.a[t * c + ci]! * k![ci * c + co]!;
      y.a[t * c + co] = s;
    }
    const n = layerNorm(y, g!, b!, eps);
    return { kv: mat(n.rows, n.cols, n.a.map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2)))), keys };
  };
}

/** The layer's output in float64: reduce (skipping padded tokens), then softmax over the reduced keys that hold a real token. */
async function srReference(layer: AttentionLayer, x: tf.Tensor3D, options: AttentionCallOptions = {}): Promise<tf.Tensor3D> {
  const reduce = await reducer(layer as SpatialReductionAttention);
  const n = x.shape[1];
  const real = options.keyPaddingMask ? await options.keyPaddingMask.data() : undefined;
  const keys: boolean[][] = [];
  return aroundHeads(
    layer,
    x,
    (_h, q, k, v, b) => attend(q!, k!, v, 1 / Math.sqrt(layer.headDim), (_i, j) => keys[b]![j]!),
    x,
    (xb, b) => {
      const { kv, keys: kb } = reduce(xb, real?.subarray(b * n, (b + 1) * n));
      keys[b] = kb;
      return kv;
    },
  );
}

// srRatio 3 on [7, 4]: 2×1 keys, a remainder on both axes (dropped, as PyTorch's conv does).
const CONFIGS: Record<string, unknown>[] = [{ srRatio: 2 }, { srRatio: 1 }, { srRatio: 3, grid: [7, 4] }, { linear: true, poolSize: 3 }];

for (const backend of await testBackends(['cpu', 'webgpu'])) {
  for (const extra of CONFIGS) {
    backendSuite(`spatial-reduction ${JSON.stringify(extra)} conformance`, backend, () => {
      for (const check of conformanceChecks({
        name: 'spatial-reduction',
        config: { dim: 16, numHeads: 2, grid: [4, 5], ...extra },
        denseReference: srReference,
      })) {
        it(check.name, check.run);
      }
    });
  }

  backendSuite('spatial-reduction', backend, () => {
    it('reduces an H×W grid to ⌊H/R⌋·⌊W/R⌋ keys, and the linear form to P² keys whatever the grid', () => {
      const x = tf.randomNormal([2, 6 * 8, 4]) as tf.Tensor3D;
      const w = { kernel: tf.randomNormal([2, 2, 4, 4]) as tf.Tensor4D, gamma: tf.ones([4]) as tf.Tensor1D, beta: tf.zeros([4]) as tf.Tensor1D };
      expect(spatialReduction(x, [6, 8], w).shape).toEqual([2, 12, 4]);
      const w1 = { ...w, kernel: tf.randomNormal([1, 1, 4, 4]) as tf.Tensor4D };
      expect(linearSpatialReduction(x, [6, 8], 7, w1).shape).toEqual([2, 49, 4]);
      expect(linearSpatialReduction(tf.randomNormal([1, 100, 4]) as tf.Tensor3D, [10, 10], 7, w1).shape).toEqual([1, 49, 4]);
    });

    it('with a key-padding mask, reduces only real tokens (partial conv, masked pool) and masks the cells that hold none', async () => {
      // Grid [4, 4], tokens 10..15 padded: of the four 2×2 patches, (1, 0) holds 2 real tokens and (1, 1) none.
      const mask = tf.tensor2d([Array.from({ length: 16 }, (_, t) => (t < 10 ? 1 : 0))]);
      const x = tf.randomNormal([1, 16, 4], 0, 1, 'float32', 21) as tf.Tensor3D;
      const noisy = tf.add(x, tf.mul(tf.sub(1, tf.reshape(mask, [1, 16, 1])), tf.randomNormal([1, 16, 4], 0, 9, 'float32', 22))) as tf.Tensor3D;
      const w = { kernel: tf.randomNormal([2, 2, 4, 4], 0, 1, 'float32', 23) as tf.Tensor4D, gamma: tf.ones([4]) as tf.Tensor1D, beta: tf.zeros([4]) as tf.Tensor1D };
      const w1 = { ...w, kernel: tf.randomNormal([1, 1, 4, 4], 0, 1, 'float32', 24) as tf.Tensor4D };
      const keep = { keyPaddingMask: mask };
      await expectClose(spatialReduction(noisy, [4, 4], w, keep), spatialReduction(x, [4, 4], w, keep), { atol: 1e-5 });
      await expectClose(linearSpatialReduction(noisy, [4, 4], 3, w1, keep), linearSpatialReduction(x, [4, 4], 3, w1, keep), { atol: 1e-5 });
      expect(Array.from(await reducedKeyPaddingMask(mask, [4, 4], { srRatio: 2 }).data())).toEqual([1, 1, 1, 0]);
      // Pool bins of 4 → 3 are [0, 2), [1, 3), [2, 4): rows 2–3 hold real tokens only in row 2, cols 0–1.
      expect(Array.from(await reducedKeyPaddingMask(mask, [4, 4], { poolSize: 3 }).data())).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0]);
      // A patch whose tokens are all real is the plain conv: the renormalisation is 1 there.
      const plain = await spatialReduction(x, [4, 4], w).array();
      const masked = await spatialReduction(x, [4, 4], w, keep).array();
      for (const cell of [0, 1]) masked[0]![cell]!.forEach((v, c) => expect(v).toBeCloseTo(plain[0]![cell]![c]!, 5));
      // Unmasked, the padding reaches the reduced keys.
      const leak = (await tf.max(tf.abs(tf.sub(spatialReduction(noisy, [4, 4], w), spatialReduction(x, [4, 4], w)))).data())[0]!;
      expect(leak).toBeGreaterThan(1e-2);
    });

    it('rejects a reduction larger than the grid and bad options', () => {
      expect(() => createAttention('spatial-reduction', { dim: 8, numHeads: 2, grid: [4, 4], srRatio: 5 })).toThrow(AttentionConfigError);
      expect(() => createAttention('spatial-reduction', { dim: 8, numHeads: 2, grid: [4, 4], srRatio: 5 })).toThrow(/srRatio 5 is larger than the grid \[4, 4\]/);
      expect(() => createAttention('spatial-reduction', { dim: 8, numHeads: 2, grid: [4, 4], srRatio: 0 })).toThrow(/option `srRatio` = 0 is invalid/);
      expect(() => createAttention('spatial-reduction', { dim: 8, numHeads: 2, grid: [4, 4], linear: true, poolSize: 0 })).toThrow(/option `poolSize` = 0 is invalid/);
      const x = tf.zeros([1, 16, 4]) as tf.Tensor3D;
      const w = { kernel: tf.zeros([5, 5, 4, 4]) as tf.Tensor4D, gamma: tf.ones([4]) as tf.Tensor1D, beta: tf.zeros([4]) as tf.Tensor1D };
      expect(() => spatialReduction(x, [4, 4], w)).toThrow(AttentionInputError);
      expect(() => spatialReduction(x, [4, 5], w)).toThrow(/16 tokens but grid \[4, 5\] holds 20/);
    });

    it('loads the official PVT Attention state_dict (q, kv, proj, sr, norm)', async () => {
      const attn = createAttention('spatial-reduction', { dim: 8, numHeads: 2, grid: [4, 4], srRatio: 2, qkvBias: false });
      attn.apply(tf.zeros([1, 16, 8]));
      const host = (shape: number[], s: number) => ({ dtype: 'float32' as const, shape, data: Float32Array.from(tf.randomNormal(shape, 0, 1, 'float32', s).dataSync()) });
      const sd = new Map([
        ['q.weight', host([8, 8], 1)], ['kv.weight', host([16, 8], 2)], ['proj.weight', host([8, 8], 3)], ['proj.bias', host([8], 4)],
        ['sr.weight', host([8, 8, 2, 2], 5)], ['sr.bias', host([8], 6)], ['norm.weight', host([8], 7)], ['norm.bias', host([8], 8)],
      ]);
      const report = loadStateDict(attn, sd, spatialReductionKeyMaps.pvt());
      expect(report.loaded.length).toBe(8);
      // sr.weight [out, in, kh, kw] → sr/kernel [kh, kw, in, out]
      const k = (await attn.weight('sr/kernel').read().array()) as number[][][][];
      expect(k[1]![0]![3]![5]).toBeCloseTo(sd.get('sr.weight')!.data[((5 * 8 + 3) * 2 + 1) * 2 + 0]!, 6);
      attn.dispose();
    });

    it('takes class tokens before the grid without reduction (PVT v1 stage 4), and refuses them with one', async () => {
      const attn = createAttention('spatial-reduction', { dim: 8, numHeads: 2, grid: [3, 3], srRatio: 1, seed: 3 });
      const x = tf.randomNormal([2, 10, 8], 0, 1, 'float32', 4) as tf.Tensor3D; // 1 class token + 3×3 grid
      const y = attn.apply(x) as tf.Tensor;
      expect(y.shape).toEqual([2, 10, 8]);
      await expectClose(y, await srReference(attn, x), { atol: 1e-4, rtol: 1e-3 });
      for (const extra of [{ srRatio: 3 }, { linear: true, poolSize: 2 }]) {
        const reducing = createAttention('spatial-reduction', { dim: 8, numHeads: 2, grid: [3, 3], ...extra });
        expect(() => reducing.apply(x)).toThrow(AttentionConfigError);
        expect(() => reducing.apply(x)).toThrow(/1 class token\(s\) before the grid \[3, 3\] need srRatio 1 and linear false/);
        expect(reducing.built).toBe(false); // refused before any weight was made
      }
      tf.dispose([x, y]);
      attn.dispose();
    });

    it('gives backbones the official PVT keys through its descriptor, inside the block at attn.', () => {
      const keys = (extra: Record<string, unknown>) => {
        const attn = createAttention('spatial-reduction', { dim: 8, numHeads: 2, grid: [4, 4], ...extra });
        const block = makeBlock(attn, { dim: 8, numHeads: 2, mlpRatio: 2, dropPath: 0, layerNormEpsilon: 1e-6, name: 'b' });
        return Object.keys(block.torchKeyMap!).sort(); // nothing built, nothing to free
      };
      const plain = ['attn.kv.bias', 'attn.kv.weight', 'attn.proj.bias', 'attn.proj.weight', 'attn.q.bias', 'attn.q.weight'];
      expect(keys({ srRatio: 1 }).filter((k) => k.startsWith('attn.'))).toEqual(plain);
      expect(keys({ srRatio: 2, qkvBias: false }).filter((k) => k.startsWith('attn.'))).toEqual(
        ['attn.kv.weight', 'attn.norm.bias', 'attn.norm.weight', 'attn.proj.bias', 'attn.proj.weight', 'attn.q.weight', 'attn.sr.bias', 'attn.sr.weight'],
      );
      expect(keys({ srRatio: 1 })).toEqual(expect.arrayContaining(['norm1.weight', 'mlp.fc2.bias']));
    });
  });
}

describe('spatial-reduction registry', () => {
  it('cost shrinks with R², and the linear form is linear in N', () => {
    const c = getAttention('spatial-reduction').cost;
    const at = (tokens: number, extra: Record<string, number>) => c({ tokens, dim: 64, numHeads: 4, ...extra }).flops;
    expect(at(4096, { srRatio: 4 })).toBeLessThan(at(4096, { srRatio: 2 }));
    expect(at(8192, { linear: 1 }) / at(4096, { linear: 1 })).toBeCloseTo(2, 1);
  });

  it('counts MACs as fvcore does: R = 1 is softmax attention, R > 1 adds the R×R conv on the reduced tokens', () => {
    const [n, c] = [3136, 64];
    const cost = (srRatio: number) => getAttention('spatial-reduction').cost({ tokens: n, dim: c, numHeads: 1, srRatio }).flops;
    expect(cost(1)).toBe(getAttention('softmax').cost({ tokens: n, dim: c, numHeads: 1 }).flops);
    const m = n / 64;
    expect(cost(8)).toBe(2 * n * c * c + m * 64 * c * c + 2 * m * c * c + 2 * n * m * c); // q, proj; sr; kv; QKᵀ, AV
  });
});
