import * as tf from '@tensorflow/tfjs-core';
import { listAttentions, SoftmaxAttention, type RegisteredAttention } from '@attention-zoo/attention-core';
import { useBackend } from '@attention-zoo/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { density, patternVariants, readPattern } from '../src/patterns/pattern-mask.js';

beforeAll(() => useBackend('cpu'));

describe('patternVariants', () => {
  it('keeps exactly the variants whose layer class has patternMask', () => {
    class Banded extends SoftmaxAttention {
      static override className = 'DemoTest>Banded';
      patternMask(tokens: number): tf.Tensor2D {
        return tf.tidy(() => tf.cast(tf.linalg.bandPart(tf.ones([tokens, tokens]), 1, 1), 'float32') as tf.Tensor2D);
      }
    }
    const softmax = listAttentions().find((d) => d.name === 'softmax')!;
    const banded = { ...softmax, name: 'banded', layer: Banded } as RegisteredAttention;
    expect(patternVariants([softmax, banded]).map((d) => d.name)).toEqual(['banded']);
    expect(patternVariants(listAttentions())).toEqual([]); // only softmax is registered here: no patterns
  });
});

describe('readPattern', () => {
  it('reads a [heads, N, N] tensor as one 0/1 matrix per head', async () => {
    const t = tf.tensor3d([1, 0, 0.5, 1, 0, 0, 0, 2], [2, 2, 2]);
    const p = await readPattern(t);
    expect(p.rows).toBe(2);
    expect(p.cols).toBe(2);
    expect(p.matrices.map((m) => [...m])).toEqual([[1, 0, 1, 1], [0, 0, 0, 1]]);
    expect(density(p.matrices[0]!)).toBe(0.75);
    t.dispose();
  });

  it('reads nested booleans and { rows, cols, data }', async () => {
    expect([...(await readPattern([[true, false], [false, true]])).matrices[0]!]).toEqual([1, 0, 0, 1]);
    expect([...(await readPattern({ rows: 1, cols: 3, data: [0, 3, 0] })).matrices[0]!]).toEqual([0, 1, 0]);
  });

  it('names what it cannot read', async () => {
    await expect(readPattern(tf.tensor1d([1, 0]))).rejects.toThrow(/\[2\]; expected \[\.\.\., N, N\]/);
    await expect(readPattern([[1, 0], [1]])).rejects.toThrow(/ragged/);
    await expect(readPattern(42)).rejects.toThrow(/must return/);
  });
});
