import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  AttentionConfigError,
  AttentionInputError,
  createAttention,
  getAttention,
  type AttentionCallOptions,
  type AttentionLayer,
} from '@attention-zoo/attention-core';
import { conformanceChecks } from '@attention-zoo/attention-core/testing';
import { backendSuite, testBackends } from '@attention-zoo/test-utils';
import { compressSequence, compressedCausalKeep, type MemoryCompressedAttention } from '../src/index.js';
import { attend, at, cols, linear, mat, sample, type Mat, weight } from '@attention-zoo/test-utils/float64';

/** Float64: K, V projected, conv-compressed (zero-padded to a multiple of c), then block-causal softmax attention. */
async function compressedReference(layer: AttentionLayer, x: tf.Tensor3D, options: AttentionCallOptions): Promise<tf.Tensor3D> {
  const l = layer as MemoryCompressedAttention;
  const c = l.compressionFactor;
  const context = options.context ?? x;
  const [batch, n, d] = x.shape;
  const m = context.shape[1];
  const blocks = Math.ceil(m / c);
  const W = Object.fromEntries(
    await Promise.all(['q/kernel', 'q/bias', 'k/kernel', 'k/bias', 'v/kernel', 'v/bias', 'out/kernel', 'out/bias', 'kConv/kernel', 'kConv/bias', 'vConv/kernel', 'vConv/bias'].map(async (p) => [p, await weight(layer, p)])),
  ) as Record<string, Float64Array>;
  const conv = (src: Mat, w: Float64Array, b: Float64Array): Mat => {
    const y = mat(blocks, d);
    for (let j = 0; j < blocks; j++) for (let co = 0; co < d; co++) {
      let s = b[co]!;
      for (let t = 0; t < c; t++) {
        if (j * c + t >= m) continue; // zero padding
        for (let ci = 0; ci < d; ci++) s += at(src, j * c + t, ci) * w[(t * d + ci) * d + co]!;
      }
      y.a[j * d + co] = s;
    }
    return y;
  };
  const [xs, cs] = [await x.data(), await context.data()] as Float32Array[];
  // Padding: padded keys/values are zero before the conv; a block of padding only is dropped.
  const real = options.keyPaddingMask ? ((await options.keyPaddingMask.array()) as number[][]) : undefined;
  const zeroPadded = (src: Mat, b: number): Mat => {
    if (real) for (let t = 0; t < m; t++) if (!real[b]![t]) for (let e = 0; e < d; e++) src.a[t * d + e] = 0;
    return src;
  };
  const blockReal = (b: number, j: number) => !real || real[b]!.slice(j * c, j * c + c).some((v) => v);
  const out = new Float32Array(batch * n * d);
  const dh = l.headDim;
  for (let b = 0; b < batch; b++) {
    const q = linear(sample(xs!, b, n, d), W['q/kernel']!, d, W['q/bias']!);
    const cb = sample(cs!, b, m, d);
    const kc = conv(zeroPadded(linear(cb, W['k/kernel']!, d, W['k/bias']!), b), W['kConv/kernel']!, W['kConv/bias']!);
    const vc = conv(zeroPadded(linear(cb, W['v/kernel']!, d, W['v/bias']!), b), W['vConv/kernel']!, W['vConv/bias']!);
    const mixed = mat(n, d);
    for (let h = 0; h < l.numHeads; h++) {
      const y = attend(cols(q, h * dh, dh), cols(kc, h * dh, dh), cols(vc, h * dh, dh), 1 / Math.sqrt(dh), (t, j) => (!l.causal || j * c + c - 1 <= t) && blockReal(b, j));
      for (let i = 0; i < n; i++) for (let e = 0; e < dh; e++) mixed.a[i * d + h * dh + e] = at(y, i, e);
    }
    out.set(Float32Array.from(linear(mixed, W['out/kernel']!, d, W['out/bias']!).a), b * n * d);
  }
  return tf.tensor3d(out, [batch, n, d]);
}

for (const backend of await testBackends(['cpu', 'webgpu'])) {
  for (const compressionFactor of [3, 5]) {
    backendSuite(`compressed (c = ${compressionFactor}) conformance`, backend, () => {
      for (const check of conformanceChecks({
        name: 'compressed',
        config: { dim: 16, numHeads: 2, compressionFactor },
        tokens: 12, // c = 5: 12 tokens pad to 15, the last block is partial
        denseReference: compressedReference,
      })) {
        it(check.name, check.run);
      }
    });
  }

  backendSuite('compressed', backend, () => {
    it('the causal rule: query t sees block j iff j·c + c − 1 ≤ t', async () => {
      const keep = (await compressedCausalKeep(7, 3, 3).array()) as unknown as boolean[][];
      expect(keep.map((r) => r.map((v) => (v ? 1 : 0)).join(''))).toEqual(['000', '000', '100', '100', '100', '110', '110']);
    });

    it('compresses M tokens to ⌈M/c⌉ blocks and rejects a stride larger than the sequence', () => {
      const k = { kernel: tf.randomNormal([3, 4, 4]) as tf.Tensor3D };
      expect(compressSequence(tf.randomNormal([2, 10, 4]) as tf.Tensor3D, k).shape).toEqual([2, 4, 4]);
      expect(() => compressSequence(tf.randomNormal([2, 2, 4]) as tf.Tensor3D, k)).toThrow(AttentionInputError);
      expect(() => compressSequence(tf.randomNormal([2, 2, 4]) as tf.Tensor3D, k)).toThrow(/stride\) 3 is larger than the sequence \(2 tokens\)/);
      const layer = createAttention('compressed', { dim: 8, numHeads: 2, compressionFactor: 4 });
      expect(() => layer.apply(tf.zeros([1, 3, 8]))).toThrow(/larger than the sequence \(3 tokens\)/);
      // built on a known, too short sequence (a backbone's last stage): refused as a configuration error
      expect(() => createAttention('compressed', { dim: 8, numHeads: 2 }).build([null, 2, 8])).toThrow(AttentionConfigError);
      expect(() => createAttention('compressed', { dim: 8, numHeads: 2, compressionFactor: 0 })).toThrow(AttentionConfigError);
    });
  });
}

describe('compressed registry', () => {
  it('cost falls with the compression factor', () => {
    const c = getAttention('compressed').cost;
    expect(c({ tokens: 4096, dim: 64, numHeads: 4, compressionFactor: 8 }).activationBytes).toBeLessThan(c({ tokens: 4096, dim: 64, numHeads: 4, compressionFactor: 2 }).activationBytes);
  });
});
