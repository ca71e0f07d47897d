import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AttentionConfigError, AttentionInputError } from '@attention-zoo/attention-core';
import { backendSuite, expectClose, testBackends, useBackend } from '@attention-zoo/test-utils';
import {
  IMAGENET_CLASSES,
  IMAGENET_DEFAULT_MEAN,
  IMAGENET_DEFAULT_STD,
  NAMED_CONFIGS,
  centerCrop,
  evalTransform,
  normalizeImageNet,
  preprocessImageNet,
  resize,
  resizeShorterSide,
  topKClasses,
} from '../src/index.js';

const MEAN = IMAGENET_DEFAULT_MEAN;
const STD = IMAGENET_DEFAULT_STD;

/** [H, W, 3] image whose channel ch at (r, c) is f(r, c, ch). */
function image(h: number, w: number, f: (r: number, c: number, ch: number) => number, dtype: 'int32' | 'float32' = 'float32'): tf.Tensor3D {
  const v: number[] = [];
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) for (let ch = 0; ch < 3; ch++) v.push(f(r, c, ch));
  return tf.tensor3d(v, [h, w, 3], dtype);
}

/** Runs `fn`, checks that it leaves exactly its result behind, and returns the result. */
function noLeak<T extends tf.Tensor>(fn: () => T): T {
  const before = tf.memory().numTensors;
  const y = fn();
  expect(tf.memory().numTensors).toBe(before + 1);
  return y;
}

/** Channel 0 of an NHWC tensor as nested rows. */
async function channel0(t: tf.Tensor): Promise<number[][]> {
  const [h, w] = t.shape.slice(-3, -1) as [number, number];
  const d = await t.data();
  return Array.from({ length: h }, (_, r) => Array.from({ length: w }, (_, c) => d[(r * w + c) * 3]!));
}

for (const backend of await testBackends(['cpu', 'webgpu'])) {
  backendSuite('ImageNet pre-processing', backend, () => {
    describe('resize (bilinear, half-pixel centres = PyTorch align_corners=False)', () => {
      it('halves a ramp to the mean of each 2×2 block', async () => {
        const x = image(2, 4, (r, c) => 100 * r + 10 * c); // rows [0 10 20 30], [100 110 120 130]
        const y = noLeak(() => resize(x, 1, 2));
        expect(y.shape).toEqual([1, 2, 3]);
        expect(y.dtype).toBe('float32');
        // source centres: row (0+0.5)·2−0.5 = 0.5, columns 0.5 and 2.5 → (0+10+100+110)/4, (20+30+120+130)/4
        await expectClose(y, [55, 55, 55, 75, 75, 75], { atol: 1e-4 });
        tf.dispose([x, y]);
      });
      it('upsamples 2 → 4 columns with edge clamping: [0, 40] → [0, 10, 30, 40]', async () => {
        const x = image(1, 2, (_, c) => 40 * c);
        const y = noLeak(() => resize(x, 1, 4));
        // source columns (c+0.5)/2−0.5 = −0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
        expect((await channel0(y))[0]).toEqual([0, 10, 30, 40]);
        tf.dispose([x, y]);
      });
      it('resizeShorterSide keeps the aspect ratio as torchvision does (long = floor(size·long/short)), int32 → float32', async () => {
        const land = tf.zeros([300, 400, 3], 'int32') as tf.Tensor3D;
        const port = tf.zeros([2, 400, 300, 3], 'float32') as tf.Tensor4D;
        const a = noLeak(() => resizeShorterSide(land, 256));
        const b = noLeak(() => resizeShorterSide(port, 256));
        expect(a.shape).toEqual([256, 341, 3]); // floor(256·400/300) = floor(341.33)
        expect(a.dtype).toBe('float32');
        expect(b.shape).toEqual([2, 341, 256, 3]);
        const ramp = image(2, 4, (r, c) => 100 * r + 10 * c, 'int32');
        const c = noLeak(() => resizeShorterSide(ramp, 1));
        expect((await channel0(c))[0]).toEqual([55, 75]);
        tf.dispose([land, port, a, b, ramp, c]);
      });
    });

    describe('centerCrop (torchvision offsets: round((H − h)/2), halves to even)', () => {
      it('picks the exact centre pixels', async () => {
        const x = image(5, 6, (r, c, ch) => 10 * r + c + 100 * ch, 'int32');
        const y = noLeak(() => centerCrop(x, 2, 2)); // top round(1.5) = 2, left round(2) = 2
        expect(y.dtype).toBe('int32');
        expect(Array.from(await y.data())).toEqual([22, 122, 222, 23, 123, 223, 32, 132, 232, 33, 133, 233]);
        tf.dispose([x, y]);
      });
      it('rounds a half offset to the even neighbour, like Python (6 → 1: offset round(2.5) = 2)', async () => {
        const x = tf.stack([image(6, 6, (r, c) => 10 * r + c), image(6, 6, (r, c) => 1000 + 10 * r + c)]) as tf.Tensor4D;
        const y = noLeak(() => centerCrop(x, 1, 1));
        expect(y.shape).toEqual([2, 1, 1, 3]);
        expect(Array.from(await y.data()).filter((_, i) => i % 3 === 0)).toEqual([22, 1022]); // JS Math.round would pick 33
        const z = noLeak(() => centerCrop(x, 6, 6));
        await expectClose(z, x, { atol: 0 });
        tf.dispose([x, y, z]);
      });
    });

    describe('normalizeImageNet', () => {
      it('maps a constant int32 image v to (v/255 − mean)/std per channel', async () => {
        const x = tf.fill([2, 3, 3], 200, 'int32') as tf.Tensor3D;
        const y = noLeak(() => normalizeImageNet(x));
        const want = [0, 1, 2].map((c) => (200 / 255 - MEAN[c]!) / STD[c]!);
        await expectClose(y, Array.from({ length: 6 }, () => want).flat(), { atol: 1e-5 });
        tf.dispose([x, y]);
      });
      it('takes float32 as [0, 1] by default, 0–255 with scale: 255, and custom mean/std', async () => {
        const x = tf.fill([1, 1, 1, 3], 0.5) as tf.Tensor4D;
        const a = noLeak(() => normalizeImageNet(x));
        await expectClose(a, [0, 1, 2].map((c) => (0.5 - MEAN[c]!) / STD[c]!), { atol: 1e-5 });
        const p = tf.fill([1, 1, 3], 127.5) as tf.Tensor3D;
        const b = noLeak(() => normalizeImageNet(p, { scale: 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.25, 2] }));
        await expectClose(b, [0, 0, 0], { atol: 1e-6 });
        tf.dispose([x, a, p, b]);
      });
    });

    describe('preprocessImageNet (timm eval transform)', () => {
      it('turns a 300×400 int32 image into [1, 224, 224, 3]; a constant image normalises to (v/255 − mean)/std', async () => {
        const x = tf.fill([300, 400, 3], 200, 'int32') as tf.Tensor3D;
        const before = tf.memory().numTensors;
        const y = await preprocessImageNet(x);
        expect(tf.memory().numTensors).toBe(before + 1);
        expect(y.shape).toEqual([1, 224, 224, 3]);
        const d = await y.data();
        for (const c of [0, 1, 2]) {
          const want = (200 / 255 - MEAN[c]!) / STD[c]!;
          expect(Math.max(...Array.from(d.filter((_, i) => i % 3 === c), (v) => Math.abs(v - want)))).toBeLessThan(1e-5);
        }
        tf.dispose([x, y]);
      });
      it('resizes the shorter side to floor(size / cropPct), crops the centre, normalises: hand-computed ramp', async () => {
        // 32×64 ramp v = c/64; size 8, cropPct 0.5 → resize to 16×32 (×½), crop rows 4–11, columns 12–19.
        // Output column j samples source column (12 + j + 0.5)·2 − 0.5 = 24.5 + 2j.
        const x = tf.stack([image(32, 64, (_, c) => c / 64), image(32, 64, (_, c) => c / 64)]) as tf.Tensor4D;
        const y = await preprocessImageNet(x, { size: 8, cropPct: 0.5 });
        expect(y.shape).toEqual([2, 8, 8, 3]);
        const rows = await channel0(tf.slice(y, [1, 0, 0, 0], [1, 8, 8, 3]));
        const want = Array.from({ length: 8 }, (_, j) => ((24.5 + 2 * j) / 64 - MEAN[0]) / STD[0]);
        for (const row of rows) row.forEach((v, j) => expect(v).toBeCloseTo(want[j]!, 5));
        tf.dispose([x, y]);
      });
      it("resize: 'square' ignores the aspect ratio (the FLatten repository's Resize((256, 256)))", async () => {
        // 32×64 → 16×16: columns ×¼, source column (4 + j + 0.5)·4 − 0.5 = 17.5 + 4j after the crop at offset 4.
        const x = image(32, 64, (_, c) => c / 64);
        const y = await preprocessImageNet(x, { size: 8, cropPct: 0.5, resize: 'square' });
        const want = Array.from({ length: 8 }, (_, j) => ((17.5 + 4 * j) / 64 - MEAN[0]) / STD[0]);
        (await channel0(y)).forEach((row) => row.forEach((v, j) => expect(v).toBeCloseTo(want[j]!, 5)));
        tf.dispose([x, y]);
      });
      it('rejects non-finite values and float images outside [0, 1] (with the scale hint), leaking nothing', async () => {
        const before = tf.memory().numTensors;
        const nan = image(4, 4, (r, c) => (r === 1 && c === 2 ? NaN : 0.5));
        await expect(preprocessImageNet(nan, { size: 2 })).rejects.toThrow(/NaN or ±Inf/);
        const inf = image(4, 4, (r) => (r === 3 ? Infinity : 0.5));
        await expect(preprocessImageNet(inf, { size: 2 })).rejects.toThrow(AttentionInputError);
        const pixels = image(4, 4, () => 200);
        await expect(preprocessImageNet(pixels, { size: 2 })).rejects.toThrow(/within \[0, 1\].*pass scale: 255/);
        const ok = await preprocessImageNet(pixels, { size: 2, scale: 255 });
        const negative = tf.fill([4, 4, 3], -1, 'int32') as tf.Tensor3D;
        await expect(preprocessImageNet(negative, { size: 2 })).rejects.toThrow(/within \[0, 255\]/);
        tf.dispose([nan, inf, pixels, ok, negative]);
        expect(tf.memory().numTensors).toBe(before);
      });
    });

    describe('topKClasses', () => {
      it('orders by score, breaks ties by lower index, and returns softmax probabilities', async () => {
        const logits = tf.tensor2d([
          [1, 3, 2, 3],
          [0, 0, 0, 0],
        ]);
        const before = tf.memory().numTensors;
        const top = await topKClasses(logits, 3, { labels: ['a', 'b', 'c', 'd'] });
        expect(tf.memory().numTensors).toBe(before);
        const sum = Math.exp(-2) + 1 + Math.exp(-1) + 1; // Σ exp(z − max z) of row 0
        expect(top[0]!.map((s) => [s.index, s.label])).toEqual([
          [1, 'b'],
          [3, 'd'],
          [2, 'c'],
        ]);
        expect(top[0]![0]!.score).toBeCloseTo(1 / sum, 12);
        expect(top[0]![1]!.score).toBeCloseTo(1 / sum, 12);
        expect(top[0]![2]!.score).toBeCloseTo(Math.exp(-1) / sum, 12);
        expect(top[1]!.map((s) => [s.index, s.score])).toEqual([
          [0, 0.25],
          [1, 0.25],
          [2, 0.25],
        ]);
        const raw = await topKClasses(logits, 1, { labels: ['a', 'b', 'c', 'd'], probabilities: false });
        expect(raw).toEqual([[{ index: 1, label: 'b', score: 3 }], [{ index: 0, label: 'a', score: 0 }]]);
        logits.dispose();
      });
      it('names ImageNet classes by default and keeps large logits finite (max-subtracted)', async () => {
        const logits = tf.tidy(() => tf.add(tf.mul(tf.cast(tf.oneHot([207, 281], 1000), 'float32'), 1000), 500) as tf.Tensor2D);
        const top = await topKClasses(logits);
        expect(top.map((r) => r.length)).toEqual([5, 5]);
        expect(top[0]![0]).toEqual({ index: 207, label: 'golden retriever', score: 1 });
        expect(top[1]![0]!.label).toBe('tabby');
        expect(top[0]!.slice(1).map((s) => s.index)).toEqual([0, 1, 2, 3]); // the rest tie: lowest indices
        logits.dispose();
      });
      it('rejects bad logits and k', async () => {
        const l = tf.zeros([2, 4]);
        const labels = ['a', 'b', 'c', 'd'];
        await expect(topKClasses(tf.zeros([4]), 1, { labels })).rejects.toThrow(/logits must be \[batch, classes\], got shape \[4\]/);
        await expect(topKClasses(l)).rejects.toThrow(/logits have 4 classes but labels has 1000 names \(the default, ImageNet-1k\)/);
        await expect(topKClasses(l, 0, { labels })).rejects.toThrow(AttentionConfigError);
        await expect(topKClasses(l, 5, { labels })).rejects.toThrow(/k must be an integer in \[1, 4\], got 5/);
        await expect(topKClasses(l, 1.5, { labels })).rejects.toThrow(AttentionConfigError);
        const nan = tf.tensor2d([[0, 1, 2, 3], [0, NaN, 0, 0]]);
        await expect(topKClasses(nan, 2, { labels })).rejects.toThrow(/logits row 1 has NaN at class 1/);
        tf.dispose([l, nan]);
      });
    });
  });
}

describe('pre-processing errors', () => {
  let img: tf.Tensor3D;
  beforeAll(async () => {
    await useBackend('cpu');
    img = tf.zeros([8, 8, 3], 'int32') as tf.Tensor3D;
  });
  it('names wrong ranks, channel counts, dtypes and crops larger than the image', () => {
    expect(() => resize(tf.zeros([8, 8]) as never, 4, 4)).toThrow(/images must be \[H, W, 3\] or \[batch, H, W, 3\] \(NHWC\), got shape \[8, 8\]/);
    expect(() => centerCrop(tf.zeros([8, 8, 4]) as tf.Tensor3D, 2, 2)).toThrow(/3 \(RGB\) channels .* got 4 .*drop alpha/);
    expect(() => normalizeImageNet(tf.zeros([1, 3, 8, 8]) as tf.Tensor4D)).toThrow(AttentionInputError);
    expect(() => normalizeImageNet(tf.zeros([2, 2, 3], 'bool') as tf.Tensor3D)).toThrow(/int32 \(0–255 pixels\) or float32, got dtype bool/);
    expect(() => centerCrop(img, 9, 4)).toThrow(/the crop 9×4 is larger than the image 8×8/);
    expect(() => resizeShorterSide(img, 0)).toThrow(AttentionConfigError);
  });
  it('names bad options: cropPct, size, mean, std, scale, resize mode', async () => {
    for (const cropPct of [0, -0.5, 1.5, NaN]) {
      await expect(preprocessImageNet(img, { size: 4, cropPct })).rejects.toThrow(/cropPct must be in \(0, 1\]/);
    }
    await expect(preprocessImageNet(img, { size: 2.5 })).rejects.toThrow(/size must be a positive integer, got 2.5/);
    await expect(preprocessImageNet(img, { mean: [0.5, 0.5] })).rejects.toThrow(/mean must be 3 finite numbers/);
    await expect(preprocessImageNet(img, { std: [0.5, 0, 0.5] })).rejects.toThrow(/std must be 3 finite numbers > 0/);
    await expect(preprocessImageNet(img, { scale: 100 as never })).rejects.toThrow(/scale must be 255 .* or 1/);
    await expect(preprocessImageNet(img, { resize: 'stretch' as never })).rejects.toThrow(/resize must be 'shorter-side' or 'square'/);
  });
});

describe('IMAGENET_CLASSES (pytorch/hub imagenet_classes.txt)', () => {
  it('has the 1000 classes in index order', () => {
    expect(IMAGENET_CLASSES).toHaveLength(1000);
    expect(Object.isFrozen(IMAGENET_CLASSES)).toBe(true);
    const spot: Record<number, string> = { 0: 'tench', 1: 'goldfish', 207: 'golden retriever', 281: 'tabby', 407: 'ambulance', 817: 'sports car', 999: 'toilet tissue' };
    for (const [i, name] of Object.entries(spot)) expect(IMAGENET_CLASSES[Number(i)]).toBe(name);
    expect(IMAGENET_CLASSES.every((n) => n.length > 0 && !n.includes('_') && n === n.trim())).toBe(true);
  });
  it("repeats only Keras' two duplicated names: crane (134, 517) and maillot (638, 639)", () => {
    const seen = new Map<string, number[]>();
    IMAGENET_CLASSES.forEach((n, i) => seen.set(n, [...(seen.get(n) ?? []), i]));
    expect(seen.size).toBe(998);
    expect([...seen].filter(([, at]) => at.length > 1)).toEqual([
      ['crane', [134, 517]],
      ['maillot', [638, 639]],
    ]);
  });
});

describe('evalTransform (the official code of each model)', () => {
  beforeAll(() => useBackend('cpu'));
  it('covers every named model with 224 crops and ImageNet mean/std', () => {
    for (const name of Object.keys(NAMED_CONFIGS)) {
      const t = evalTransform(name);
      expect([t.size, t.mean, t.std, t.interpolation]).toEqual([224, [...MEAN], [...STD], 'bicubic']);
    }
  });
  it('gives DeiT/PVT/Swin 0.875, CSwin 0.9, and the FLatten repository its square resize', () => {
    const pick = (n: string) => [evalTransform(n).cropPct, evalTransform(n).resize];
    expect(pick('deit-t')).toEqual([0.875, 'shorter-side']);
    expect(pick('pvtv2-b0')).toEqual([0.875, 'shorter-side']);
    expect(pick('swin-t')).toEqual([0.875, 'shorter-side']);
    expect(pick('cswin-t')).toEqual([0.9, 'shorter-side']);
    expect(pick('flatten-cswin-t')).toEqual([0.875, 'square']);
    expect(pick('flatten-pvt-t')).toEqual([0.875, 'square']);
    expect(pick('flatten-deit-t')).toEqual([0.875, 'shorter-side']);
    expect(() => evalTransform('resnet50')).toThrow(/unknown model 'resnet50'; known: deit-t/);
  });
  it('feeds preprocessImageNet: CSwin resizes a 300×400 image to 248 before the 224 crop', async () => {
    // a vertical ramp v = r/300: the crop's first row samples resized row 12 → source (12.5)·300/248 − 0.5
    const x = image(300, 400, (r) => r / 300);
    const y = await preprocessImageNet(x, evalTransform('cswin-t'));
    expect(y.shape).toEqual([1, 224, 224, 3]);
    const src = (12 + 0.5) * (300 / 248) - 0.5;
    expect((await y.data())[0]).toBeCloseTo((src / 300 - MEAN[0]) / STD[0], 4);
    tf.dispose([x, y]);
  });
});
