import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { AttentionInputError, SequencePool, TransformerBlock, TransformerEncoder } from '@attention-zoo/attention-core';
import { checkKeyPaddingMask } from '@attention-zoo/attention-core/ops';
import { expectClose, useBackend } from '@attention-zoo/test-utils';

describe('key-padding masks through blocks, encoders and pooling', () => {
  beforeAll(() => useBackend('cpu'));
  const dim = 16;
  const x = () => tf.randomNormal([2, 8, dim], 0, 1, 'float32', 3) as tf.Tensor3D;
  // Sample 1 has 5 real tokens, then 3 padding tokens.
  const mask = () => tf.tensor2d([[1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0, 0, 0]]);

  it('a block takes the mask as [x, mask] or in kwargs, with the same result', async () => {
    const block = new TransformerBlock({ dim, numHeads: 2, seed: 4 });
    const [a, m] = [x(), mask()];
    const asList = block.apply([a, m]) as tf.Tensor;
    await expectClose(block.apply(a, { keyPaddingMask: m }) as tf.Tensor, asList, { atol: 1e-6 });
    const unmasked = block.apply(a) as tf.Tensor;
    const d = (await tf.max(tf.abs(tf.sub(tf.slice(unmasked, [1, 0, 0], [1, 5, dim]), tf.slice(asList, [1, 0, 0], [1, 5, dim])))).data())[0]!;
    expect(d).toBeGreaterThan(1e-3); // the mask changed sample 1
  });

  it('an encoder in a functional model with a mask input: a padded sequence equals it alone at real positions', async () => {
    const encoder = new TransformerEncoder({ dim, numHeads: 2, depth: 2, seed: 5, attention: 'softmax' });
    const tokens = tfl.input({ shape: [8, dim] });
    const keep = tfl.input({ shape: [8] });
    const model = tfl.model({ inputs: [tokens, keep], outputs: encoder.apply([tokens, keep]) as tfl.SymbolicTensor });
    const a = x();
    const padded = model.predict([a, mask()]) as tf.Tensor;
    const alone = encoder.apply(tf.slice(a, [1, 0, 0], [1, 5, dim])) as tf.Tensor;
    await expectClose(tf.slice(padded, [1, 0, 0], [1, 5, dim]), alone, { atol: 1e-4 });
  });

  it('SequencePool: masked mean, first and last real token', async () => {
    const t = tf.tensor3d([[[1], [2], [3], [4]], [[1], [3], [100], [200]]]);
    const m = tf.tensor2d([[1, 1, 1, 1], [1, 1, 0, 0]]);
    await expectClose(new SequencePool({ pool: 'mean' }).apply([t, m]) as tf.Tensor, tf.tensor2d([[2.5], [2]]));
    await expectClose(new SequencePool({ pool: 'last' }).apply([t, m]) as tf.Tensor, tf.tensor2d([[4], [3]]));
    await expectClose(new SequencePool({ pool: 'first' }).apply([t, m]) as tf.Tensor, tf.tensor2d([[1], [1]]));
    await expectClose(new SequencePool({ pool: 'mean' }).apply(t) as tf.Tensor, tf.tensor2d([[2.5], [76]]));
    expect(() => new SequencePool({ pool: 'max' as 'mean' })).toThrow(/pool must be one of mean, first, last/);
  });

  it('mask values: boolean and 0/1 pass; additive −inf/0 masks are an error naming the convention', () => {
    expect(() => checkKeyPaddingMask(tf.tensor2d([[true, false]], [1, 2], 'bool'), 1, 2, 'L')).not.toThrow();
    expect(() => checkKeyPaddingMask(tf.tensor2d([[1, 0]]), 1, 2, 'L')).not.toThrow();
    expect(() => checkKeyPaddingMask(tf.tensor2d([[0, -Infinity]]), 1, 2, 'L')).toThrow(AttentionInputError);
    expect(() => checkKeyPaddingMask(tf.tensor2d([[0, -Infinity]]), 1, 2, 'L')).toThrow(/L: keyPaddingMask holds -Infinity .*An additive mask/);
    const block = new TransformerBlock({ dim, numHeads: 2, seed: 4 });
    expect(() => block.apply([x(), tf.tensor2d([[0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, -1e9, -1e9, -1e9]])])).toThrow(/An additive mask/);
    expect(() => new SequencePool({ pool: 'mean' }).apply([x(), tf.fill([2, 8], 0.5)])).toThrow(/SequencePool .*boolean or 0\/1/);
  });
});
