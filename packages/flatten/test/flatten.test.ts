import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AttentionConfigError, createAttention, getAttention, makeBlock, WeightLoadError } from '@attention-zoo/attention-core';
import { dense, mergeHeads, splitHeads } from '@attention-zoo/attention-core/ops';
import { type HostTensor } from '@attention-zoo/attention-core/weights';
import { useBackend } from '@attention-zoo/test-utils';
import {
  adaptiveAvgPool2d,
  FLattenAttention,
  FLattenClsAttention,
  FLattenCSwinBlock,
  FLattenSwinAttention,
  FLattenSwinBlock,
  flattenRankAnalysis,
  focusingFunction,
  interpolateTokens,
} from '@attention-zoo/flatten';

const host = (shape: number[], fill: (i: number) => number = (i) => Math.sin(i)): HostTensor => {
  const size = shape.reduce((a, b) => a * b, 1);
  return { dtype: 'float32', shape, data: Float32Array.from({ length: size }, (_, i) => fill(i)) };
};

/** A full official PVT FocusedLinearAttention state_dict for dim C, heads h, n key tokens. */
function pvtStateDict(c: number, h: number, n: number): Record<string, HostTensor> {
  return {
    'q.weight': host([c, c]), 'q.bias': host([c]), 'kv.weight': host([2 * c, c]), 'kv.bias': host([2 * c]),
    'proj.weight': host([c, c]), 'proj.bias': host([c]), scale: host([1, 1, c]), positional_encoding: host([1, n, c]),
    'dwc.weight': host([c / h, 1, 5, 5]), 'dwc.bias': host([c / h]),
  };
}

beforeAll(() => useBackend('cpu'));

describe('ops', () => {
  it('f_p keeps the norm and sharpens the direction; computed on x/max(x) it does not overflow', async () => {
    const x = tf.tensor2d([[1, 2, 3], [1e20, 2e20, 3e20]]);
    const y = await focusingFunction(x, 3).array();
    const want = [1, 8, 27].map((v) => (v / Math.hypot(1, 8, 27)) * Math.hypot(1, 2, 3));
    y[0]!.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    y[1]!.forEach((v, i) => expect(v / 1e20).toBeCloseTo(want[i]!, 5));
  });

  it("interpolateTokens is PyTorch's F.interpolate(mode='linear', align_corners=False)", async () => {
    // torch: interpolate([[0., 1.]], size=4, mode='linear') = [0, 0.25, 0.75, 1]; size 5 from 3: [0, 0.4, 1, 1.6, 2]
    const a = await interpolateTokens(tf.reshape(tf.tensor1d([0, 1]), [1, 1, 2, 1]) as tf.Tensor4D, 4).data();
    expect(Array.from(a)).toEqual([0, 0.25, 0.75, 1]);
    const b = await interpolateTokens(tf.reshape(tf.tensor1d([0, 1, 2]), [1, 1, 3, 1]) as tf.Tensor4D, 5).data();
    Array.from(b).forEach((v, i) => expect(v).toBeCloseTo([0, 0.4, 1, 1.6, 2][i]!, 6));
  });

  it('adaptiveAvgPool2d uses PyTorch bins (floor start, ceil end), also for sizes that do not divide', async () => {
    const h = 10;
    const x = tf.reshape(tf.range(0, h * h), [1, h, h, 1]) as tf.Tensor4D;
    const got = await adaptiveAvgPool2d(x, 7).data();
    const bins = (i: number) => [Math.floor((i * h) / 7), Math.ceil(((i + 1) * h) / 7)] as const;
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 7; j++) {
        const [r0, r1] = bins(i);
        const [c0, c1] = bins(j);
        let s = 0;
        for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) s += r * h + c;
        expect(got[i * 7 + j]).toBeCloseTo(s / ((r1 - r0) * (c1 - c0)), 4);
      }
    }
  });
});

describe('attentionMap', () => {
  for (const [what, make] of [
    ['PVT form', () => new FLattenAttention({ dim: 16, numHeads: 2, grid: [4, 4], seed: 1 })],
    ['Swin form with shifted 2×2 windows', () => new FLattenSwinAttention({ dim: 16, numHeads: 2, grid: [4, 4], windowSize: 2, shiftSize: 1, seed: 1 })],
  ] as const) {
    it(`${what}: with the DWC zeroed, out = proj(attentionMap · V) exactly`, async () => {
      const layer = make();
      const x = tf.randomNormal([2, 16, 16], 0, 1, 'float32', 3) as tf.Tensor3D;
      layer.apply(x);
      for (const p of ['dwc/kernel', 'dwc/bias']) layer.weight(p).write(tf.zerosLike(layer.weight(p).read()));
      const pe = layer.weight('positionalEncoding');
      pe.write(tf.randomNormal(pe.shape as number[], 0, 0.5, 'float32', 4));
      const y = layer.apply(x) as tf.Tensor;
      const map = layer.attentionMap(x);
      const w = (p: string) => layer.weight(p).read();
      const v = splitHeads(dense(x, w('v/kernel') as tf.Tensor2D, w('v/bias') as tf.Tensor1D) as tf.Tensor3D, 2);
      const want = dense(mergeHeads(tf.matMul(map, v)), w('out/kernel') as tf.Tensor2D, w('out/bias') as tf.Tensor1D);
      expect(tf.max(tf.abs(tf.sub(y, want))).dataSync()[0]).toBeLessThan(1e-5);
      // Rows sum to s/(s + 1e-6) with s = φ(q)·mean φ(k) ≥ 0: at most 1, and ≈ 0 for a head whose q channels
      // are all cut by ReLU (f_p over all C then leaves that head ~(1e-6)^p): the official normaliser, not softmax's.
      const sums = tf.sum(map, -1);
      expect(tf.max(sums).dataSync()[0]).toBeLessThanOrEqual(1 + 1e-6);
      expect(tf.min(sums).dataSync()[0]).toBeGreaterThanOrEqual(0);
      layer.dispose();
    });
  }
});

describe('rank analysis (paper Fig. 5)', () => {
  it('linear maps have rank ≤ d; softmax and focused + DWC reach full rank; focusing lowers the entropy', async () => {
    const a = await flattenRankAnalysis({ grid: [6, 6], numHeads: 2, headDim: 8 });
    const row = (f: string) => a.rows.find((r) => r.form === f)!;
    expect(row('softmax').ranks).toEqual([36, 36]);
    for (const f of ['linear', 'focused']) for (const r of row(f).ranks) expect(r).toBeLessThanOrEqual(8);
    expect(row('focused + DWC').ranks).toEqual([36, 36]);
    row('focused').entropy!.forEach((e, h) => expect(e).toBeLessThan(row('linear').entropy![h]!));
  });
});

describe('cost model', () => {
  it('counts the official FLOPs terms (matmuls, linears, convs; one MAC = one FLOP)', () => {
    const [n, c, h, d, k] = [3136, 64, 1, 64, 5];
    const terms = 4 * n * c * c + n * c + n * c * d + n * c * d + n * c * k * k;
    expect(getAttention('flatten').cost({ tokens: n, dim: c, numHeads: h }).flops).toBe(terms);
    // sr_ratio 2: K/V from n/4 tokens, plus the Conv2d(C, C, 2, stride 2).
    const m = n / 4;
    const sr = 2 * n * c * c + 2 * m * c * c + m * c * c * 4 + n * c + m * c * d + n * c * d + n * c * k * k;
    expect(getAttention('flatten').cost({ tokens: n, dim: c, numHeads: h, srRatio: 2 }).flops).toBe(sr);
    expect(getAttention('flatten-cswin').cost({ tokens: n, dim: c, numHeads: h }).flops).toBe(terms + n * c * 9);
  });
});

describe('bad input is an error that names it', () => {
  it('no grid, tokens ≠ H×W, windows that do not tile the grid, causal with K/V reduction', () => {
    expect(() => new FLattenAttention({ dim: 16, numHeads: 2 })).toThrow(AttentionConfigError);
    expect(() => new FLattenAttention({ dim: 16, numHeads: 2 })).toThrow(/grid/);
    const l = new FLattenAttention({ dim: 16, numHeads: 2, grid: [4, 4] });
    expect(() => l.apply(tf.zeros([1, 15, 16]))).toThrow(/15 tokens but grid \[4, 4\] holds 16/);
    expect(() => new FLattenSwinAttention({ dim: 16, numHeads: 2, grid: [12, 12], windowSize: 5 })).toThrow(/not divisible into 5×5 windows/);
    expect(() => new FLattenAttention({ dim: 16, numHeads: 2, grid: [4, 4], srRatio: 2, causal: true })).toThrow(/causal: true needs srRatio 1/);
    expect(() => new FLattenAttention({ dim: 16, numHeads: 2, grid: [4, 4], kernelSize: 4 })).toThrow(/option `kernelSize` = 4 is invalid: expected an odd kernel size/);
    const cls = new FLattenClsAttention({ dim: 16, numHeads: 2, grid: [4, 4] });
    cls.apply(tf.zeros([1, 17, 16]));
    expect(() => cls.apply(tf.zeros([1, 16, 16]))).toThrow(/1 class token\(s\) \+ grid \[4, 4\] = 17/);
  });

  it('a positional encoding for another grid is refused, naming the key and both sizes', () => {
    const l = new FLattenAttention({ dim: 16, numHeads: 2, grid: [4, 4] });
    const sd = pvtStateDict(16, 2, 25);
    expect(() => l.loadTorchStateDict(sd)).toThrow(WeightLoadError);
    expect(() => l.loadTorchStateDict(sd)).toThrow(/positional_encoding \[1, 25, 16\] has 25 tokens, but this layer's grid \[4, 4\] needs 16/);
  });

  it('wrong shapes, missing and unknown keys are listed together and nothing is written', async () => {
    const l = new FLattenAttention({ dim: 16, numHeads: 2, grid: [4, 4] });
    const sd = pvtStateDict(16, 2, 16);
    sd['dwc.weight'] = host([16, 1, 5, 5]); // per channel instead of per head-channel
    delete sd['q.bias'];
    sd['sr.weight'] = host([16, 16, 2, 2]);
    l.apply(tf.zeros([1, 16, 16]));
    const before = await l.weight('dwc/kernel').read().data();
    let msg = '';
    try {
      l.loadTorchStateDict(sd);
    } catch (err) {
      expect(err).toBeInstanceOf(WeightLoadError);
      msg = (err as Error).message;
    }
    expect(msg).toMatch(/dwc\.weight \[16, 1, 5, 5\] → 'dwc\/kernel': expected \[5, 5, 8, 1\]/);
    expect(msg).toMatch(/missing from the state_dict: q\.bias/);
    expect(msg).toMatch(/not used by this layer: sr\.weight/);
    expect(Array.from(await l.weight('dwc/kernel').read().data())).toEqual(Array.from(before));
  });

  it('loads a full official state_dict and converts layouts (kv rows: k then v; Linear transposed; depthwise [d,1,k,k] → [k,k,d,1])', async () => {
    const l = new FLattenAttention({ dim: 4, numHeads: 2, grid: [2, 2] });
    const sd = pvtStateDict(4, 2, 4);
    l.loadTorchStateDict(sd);
    const kv = sd['kv.weight']!.data;
    const kk = await l.weight('k/kernel').read().array() as number[][];
    const vk = await l.weight('v/kernel').read().array() as number[][];
    expect(kk[1]![2]).toBeCloseTo(kv[2 * 4 + 1]!, 6); // k row 2 (out), column 1 (in)
    expect(vk[3]![0]).toBeCloseTo(kv[(4 + 0) * 4 + 3]!, 6); // v = rows C..2C−1
    const dk = await l.weight('dwc/kernel').read().array() as number[][][][];
    expect(dk[1]![2]![1]![0]).toBeCloseTo(sd['dwc.weight']!.data[1 * 25 + 1 * 5 + 2]!, 6);
    expect(Array.from(await l.weight('scale').read().data())).toEqual(Array.from(sd['scale']!.data));
  });

  it('a Swin block refuses an attn_mask that does not match its windows', () => {
    const block = new FLattenSwinBlock({ dim: 16, numHeads: 2, inputResolution: [4, 4], windowSize: 2, shiftSize: 1 });
    expect(() => block.loadTorchStateDict({ attn_mask: host([2, 4, 4]) })).toThrow(/attn_mask \[2, 4, 4\]: expected \[4, 4, 4\]/);
  });
});

describe('descriptor hooks (how backbones use the forms)', () => {
  const spec = { dim: 16, numHeads: 2, mlpRatio: 2, dropPath: 0, layerNormEpsilon: 1e-5, name: 'blk' };

  it("makeBlock builds the official Swin block around the given layer, with its keys and the shifted block's attn_mask", async () => {
    const attn = createAttention('flatten-swin', { dim: 16, numHeads: 2, grid: [4, 4], windowSize: 2, shiftSize: 1, seed: 1 });
    const b = makeBlock(attn, spec);
    expect(b.layer).toBeInstanceOf(FLattenSwinBlock);
    expect(b.attn).toBe(attn);
    expect(b.torchBuffers).toEqual({ attn_mask: [4, 4, 4] }); // 4 windows of 2×2
    expect(Object.keys(b.torchKeyMap!)).toEqual(expect.arrayContaining(['norm1.weight', 'attn.qkv.weight', 'attn.positional_encoding', 'attn.dwc.bias', 'mlp.fc2.bias']));
    const x = tf.randomNormal([1, 16, 16], 0, 1, 'float32', 2);
    const y = (b.layer as FLattenSwinBlock).apply(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 16, 16]);
    expect(attn.built).toBe(true); // the block runs the layer it was given
    const unshifted = makeBlock(createAttention('flatten-swin', { dim: 16, numHeads: 2, grid: [4, 4], windowSize: 2 }), spec);
    expect(unshifted.torchBuffers).toEqual({});
    tf.dispose([x, y]);
    b.layer.dispose();
  });

  it("makeBlock builds the official CSwin block, whose qkv and proj sit at block level (torchKeyPrefix '')", () => {
    const attn = createAttention('flatten-cswin', { dim: 16, numHeads: 2, grid: [4, 4] });
    const b = makeBlock(attn, spec);
    expect(b.layer).toBeInstanceOf(FLattenCSwinBlock);
    expect(b.attn).toBe(attn);
    expect(Object.keys(b.torchKeyMap!)).toEqual(expect.arrayContaining(['qkv.weight', 'proj.bias', 'attns.0.get_v.weight', 'attns.0.scale', 'norm2.bias']));
    expect(Object.keys(b.torchKeyMap!).some((k) => k.startsWith('attn.'))).toBe(false);
  });

  it('Swin stages shift the odd blocks by half a window; flatten-cls alone takes class tokens', () => {
    const d = getAttention('flatten-swin');
    expect(d.stageOptions!({ name: 'flatten-swin', windowSize: 7 }, 0)).toEqual({ name: 'flatten-swin', windowSize: 7, shiftSize: 0 });
    expect(d.stageOptions!({ name: 'flatten-swin', windowSize: 7 }, 1)['shiftSize']).toBe(3);
    expect(d.stageOptions!({ name: 'flatten-swin' }, 3)['shiftSize']).toBe(28); // the default window, 56
    for (const name of ['flatten', 'flatten-swin', 'flatten-cswin', 'flatten-cls']) {
      expect(getAttention(name).capabilities.classTokens).toBe(name === 'flatten-cls');
    }
  });
});

describe('PVTv2 linear mode', () => {
  it('pools K/V to 7×7 (49 keys, positional encoding [49, C]) and resizes V back to N for the DWC', () => {
    const l = new FLattenAttention({ dim: 16, numHeads: 2, grid: [14, 14], linear: true, seed: 1 });
    const y = l.apply(tf.randomNormal([1, 196, 16])) as tf.Tensor;
    expect(y.shape).toEqual([1, 196, 16]);
    expect(l.weight('positionalEncoding').shape).toEqual([49, 16]);
    expect(l.weight('sr/kernel').shape).toEqual([1, 1, 16, 16]);
    expect(l.attentionMap(tf.randomNormal([1, 196, 16])).shape).toEqual([1, 2, 196, 49]);
    expect(Object.keys(l.torchKeyMap())).toEqual(expect.arrayContaining(['sr.weight', 'sr.bias', 'norm.weight', 'norm.bias']));
  });
});

describe('causal form (an extension beyond the paper)', () => {
  it('on a [1, N] grid the DWC is a causal 1-D conv and no output depends on later tokens', async () => {
    const l = new FLattenAttention({ dim: 16, numHeads: 2, grid: [1, 12], causal: true, seed: 2 });
    const x = tf.randomNormal([1, 12, 16], 0, 1, 'float32', 5) as tf.Tensor3D;
    const x2 = tf.concat([tf.slice(x, [0, 0, 0], [1, 6, 16]), tf.randomNormal([1, 6, 16], 0, 1, 'float32', 6)], 1) as tf.Tensor3D;
    const y = l.apply(x) as tf.Tensor;
    const y2 = l.apply(x2) as tf.Tensor;
    const early = tf.max(tf.abs(tf.sub(tf.slice(y, [0, 0, 0], [1, 6, 16]), tf.slice(y2, [0, 0, 0], [1, 6, 16])))).dataSync()[0]!;
    expect(early).toBeLessThan(1e-6);
    const late = tf.max(tf.abs(tf.sub(tf.slice(y, [0, 6, 0], [1, 6, 16]), tf.slice(y2, [0, 6, 0], [1, 6, 16])))).dataSync()[0]!;
    expect(late).toBeGreaterThan(1e-3);
  });
});

describe('key-padding mask', () => {
  const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
  /** `[1, n]` float mask with the first `real` tokens real. */
  const firstReal = (n: number, real: number) => tf.tensor2d([Array.from({ length: n }, (_, j) => (j < real ? 1 : 0))]);

  for (const causal of [false, true]) {
    it(`the sequence form (grid [1, N]${causal ? ', causal' : ''}): a right-padded sample equals the same tokens on a grid of their own length`, () => {
      // On a [1, N] grid, right padding is the end of the sequence: with padded keys out of φ(K)ᵀV and the
      // normaliser, and padded values zeroed before the DWC (as the zero border of the shorter grid), the real
      // tokens see exactly what they would alone — the normaliser's ε too, n·1e-6 for the n = 6 real keys.
      const [n, real, c] = [10, 6, 16];
      const padded = new FLattenAttention({ dim: c, numHeads: 2, grid: [1, n], causal, seed: 3 });
      const alone = new FLattenAttention({ dim: c, numHeads: 2, grid: [1, real], causal, seed: 4 });
      const x = tf.randomNormal([1, n, c], 0, 1, 'float32', 8) as tf.Tensor3D;
      const xReal = tf.slice(x, [0, 0, 0], [1, real, c]) as tf.Tensor3D;
      padded.apply(x);
      alone.apply(xReal);
      // Give the short layer the long one's weights (non-zero scale and positional encoding, so both matter).
      padded.weight('scale').write(tf.randomNormal([c], 0, 0.5, 'float32', 9));
      padded.weight('positionalEncoding').write(tf.randomNormal([n, c], 0, 0.5, 'float32', 10));
      for (const path of padded.weightPaths()) {
        const w = padded.weight(path).read();
        alone.weight(path).write(path === 'positionalEncoding' ? tf.slice(w, [0, 0], [real, c]) : w);
      }
      const mask = firstReal(n, real);
      const y = padded.apply(x, { keyPaddingMask: mask }) as tf.Tensor;
      const want = alone.apply(xReal) as tf.Tensor;
      expect(maxDiff(tf.slice(y, [0, 0, 0], [1, real, c]), want)).toBeLessThan(1e-4);
      // Without the mask the padding leaks into every real token (causal: later tokens never reach earlier ones anyway).
      if (!causal) expect(maxDiff(tf.slice(padded.apply(x) as tf.Tensor, [0, 0, 0], [1, real, c]), want)).toBeGreaterThan(1e-3);
    });
  }

  for (const [what, config, real] of [
    ['srRatio 2 (reduced keys from zeroed padding)', { grid: [4, 4] as [number, number], srRatio: 2 }, 10],
    ['PVTv2 linear (masked average per 7×7 bin)', { grid: [8, 8] as [number, number], linear: true }, 40],
  ] as const) {
    it(`${what}: padded tokens never reach a real position`, () => {
      const l = new FLattenAttention({ dim: 16, numHeads: 2, seed: 5, ...config });
      const n = config.grid[0] * config.grid[1];
      const x = tf.randomNormal([1, n, 16], 0, 1, 'float32', 11) as tf.Tensor3D;
      const x2 = tf.concat([tf.slice(x, [0, 0, 0], [1, real, 16]), tf.mul(tf.randomNormal([1, n - real, 16], 0, 1, 'float32', 12), 5)], 1) as tf.Tensor3D;
      const mask = firstReal(n, real);
      const y = tf.slice(l.apply(x, { keyPaddingMask: mask }) as tf.Tensor, [0, 0, 0], [1, real, 16]);
      const y2 = tf.slice(l.apply(x2, { keyPaddingMask: mask }) as tf.Tensor, [0, 0, 0], [1, real, 16]);
      expect(maxDiff(y, y2)).toBeLessThan(1e-5);
      expect(maxDiff(y2, tf.slice(l.apply(x2) as tf.Tensor, [0, 0, 0], [1, real, 16]))).toBeGreaterThan(1e-3);
    });
  }
});
