import * as tf from '@tensorflow/tfjs-core';
import { SoftmaxAttention } from '@attention-zoo/attention-core';
import { matrixRank } from '@attention-zoo/attention-core/analysis';
import { maxAbsDiff, useBackend } from '@attention-zoo/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { embedImage, embedText, SAMPLES } from '../src/explorer/inputs.js';
import { attentionRanks, dwcKernelPath, dwcMatrix } from '../src/explorer/ranks.js';

beforeAll(() => useBackend('cpu'));

/** Softmax attention with an extra `dwc/kernel` weight, standing in for a layer with FLatten's DWC branch. */
class SoftmaxWithDwc extends SoftmaxAttention {
  static override className = 'DemoTest>SoftmaxWithDwc';
  protected override buildMixing(): void {
    this.addPathWeight('dwc/kernel', [3, 3, 4, 1], 'glorotUniform');
  }
}

describe('dwcMatrix', () => {
  it('reproduces tf.depthwiseConv2d (same padding) filter by filter', async () => {
    const [gh, gw, k, c] = [4, 5, 3, 3];
    const kernel = tf.randomNormal([k, k, c, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const v = tf.randomNormal([1, gh, gw, c], 0, 1, 'float32', 2) as tf.Tensor4D;
    const conv = await tf.depthwiseConv2d(v, kernel, 1, 'same').data();
    const kd = await kernel.data();
    const vd = await v.data();
    const n = gh * gw;
    for (let j = 0; j < c; j++) {
      const m = dwcMatrix(kd, k, c, j, [gh, gw]);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let i2 = 0; i2 < n; i2++) s += m[i * n + i2]! * vd[i2 * c + j]!;
        expect(s).toBeCloseTo(conv[i * c + j]!, 4);
      }
    }
    tf.dispose([kernel, v]);
  });
});

describe('attentionRanks', () => {
  it('counts each head\'s rank like core\'s matrixRank, and adds A + DWC ranks only for layers with a DWC kernel', async () => {
    const input = embedImage(SAMPLES['two squares']!(), 8);
    const plain = new SoftmaxAttention({ dim: 8, numHeads: 2, seed: 0 });
    const dwc = new SoftmaxWithDwc({ dim: 8, numHeads: 2, seed: 0 });
    for (const layer of [plain, dwc]) {
      const map = layer.attentionMap(input.x);
      const maps = (await map.data()) as Float32Array;
      const report = await attentionRanks(layer, maps, 2, 64, input.grid);
      expect(report.perHead).toEqual(await matrixRank(map));
      map.dispose();
      if (layer === plain) {
        expect(dwcKernelPath(layer)).toBeUndefined();
        expect(report.withDwc).toBeUndefined();
      } else {
        expect(dwcKernelPath(layer)).toBe('dwc/kernel');
        expect(report.withDwc).toHaveLength(2);
        // A softmax map of identical (all-black) patches is rank-deficient; the local conv adds rank back.
        for (const [h, w] of report.withDwc!.entries()) {
          expect(w.min).toBeLessThanOrEqual(w.max);
          expect(w.max).toBeGreaterThan(report.perHead[h]!);
        }
      }
      layer.dispose();
    }
    input.x.dispose();
  });
});

describe('explorer inputs', () => {
  it('embeds a 32×32 image as 8×8 patch tokens, the same way every time', async () => {
    const a = embedImage(SAMPLES['ring and dot']!(), 16);
    const b = embedImage(SAMPLES['ring and dot']!(), 16);
    expect(a.x.shape).toEqual([1, 64, 16]);
    expect(a.grid).toEqual([8, 8]);
    expect(await maxAbsDiff(a.x, b.x)).toBe(0);
    tf.dispose([a.x, b.x]);
  });

  it('embeds equal characters equally apart from their position code', async () => {
    const t = embedText('abca', 8);
    expect(t.grid).toEqual([1, 4]);
    expect(t.labels).toEqual(['a', 'b', 'c', 'a']);
    const x = await t.x.data();
    const row = (i: number) => Array.from(x.slice(i * 8, (i + 1) * 8));
    // Same character: rows differ only by the (small) position code; different characters differ a lot.
    const dist = (p: number[], q: number[]) => Math.hypot(...p.map((v, i) => v - q[i]!));
    expect(dist(row(0), row(3))).toBeLessThan(dist(row(0), row(1)));
    t.x.dispose();
  });
});
