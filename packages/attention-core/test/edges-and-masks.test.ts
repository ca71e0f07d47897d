import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AttentionConfigError, AttentionInputError, AttentionLayer, createAttention, defineCapabilities } from '@attention-zoo/attention-core';
import { scaledDotProductAttention } from '@attention-zoo/attention-core/ops';
import { useBackend } from '@attention-zoo/test-utils';

/** A layer whose own weight is sized by an option: the size guard and the failed-build cleanup. */
class HugeWeight extends AttentionLayer {
  static className = 'Test>HugeWeight';
  static override capabilities = defineCapabilities({});
  constructor(config: { dim: number; numHeads: number; rows: number }) {
    super(config);
    this.rows = config.rows;
  }
  readonly rows: number;
  protected override buildMixing(): void {
    this.addPathWeight('table', [this.rows, this.rows]);
  }
  protected override mix(q: tf.Tensor4D): tf.Tensor4D {
    return q;
  }
}

describe('edge shapes, masks and failed builds', () => {
  beforeAll(() => useBackend('cpu'));

  it('batch 0 gives an empty output; 0 tokens is an error naming the layer and the shape', () => {
    const layer = createAttention('softmax', { dim: 8, numHeads: 2, name: 'edge' });
    const y = layer.apply(tf.zeros([0, 5, 8])) as tf.Tensor;
    expect(y.shape).toEqual([0, 5, 8]);
    expect(() => layer.apply(tf.zeros([2, 0, 8]))).toThrow(AttentionInputError);
    expect(() => layer.apply(tf.zeros([2, 0, 8]))).toThrow(/SoftmaxAttention 'edge': input has 0 tokens \(shape \[2, 0, 8\]\)/);
    expect(() => layer.apply(tf.zeros([2, 3, 8]), { context: tf.zeros([2, 0, 8]) })).toThrow(/context has 0 tokens/);
    // One token: attention to itself only, an exact result.
    const one = layer.apply(tf.ones([1, 1, 8])) as tf.Tensor;
    expect(one.shape).toEqual([1, 1, 8]);
  });

  it('a first call with 0 tokens leaves the layer unbuilt (no weights sized from it)', () => {
    const layer = createAttention('softmax', { dim: 8, numHeads: 2 });
    const before = tf.memory().numTensors;
    expect(() => layer.apply(tf.zeros([1, 0, 8]))).toThrow(/0 tokens/);
    expect(layer.built).toBe(false);
    expect(tf.memory().numTensors).toBe(before + 1); // only the input made above
  });

  it('masks: boolean or 0/1 only; an additive or a badly shaped mask is an error saying which convention is used', () => {
    const layer = createAttention('softmax', { dim: 8, numHeads: 2, name: 'm' });
    const x = tf.randomNormal([2, 3, 8], 0, 1, 'float32', 1) as tf.Tensor3D;
    const ok = layer.apply(x, { keyPaddingMask: tf.tensor2d([[1, 1, 0], [1, 0, 0]]) }) as tf.Tensor;
    const okBool = layer.apply(x, { keyPaddingMask: tf.tensor2d([[true, true, false], [true, false, false]], undefined, 'bool') }) as tf.Tensor;
    expect(Array.from(ok.dataSync())).toEqual(Array.from(okBool.dataSync()));
    const additive = tf.tensor2d([[0, 0, -Infinity], [0, -Infinity, -Infinity]]);
    expect(() => layer.apply(x, { keyPaddingMask: additive as tf.Tensor2D })).toThrow(AttentionInputError);
    expect(() => layer.apply(x, { keyPaddingMask: additive as tf.Tensor2D })).toThrow(/'m': keyPaddingMask holds -Infinity .*boolean or 0\/1: true\/1 = real key.*additive mask/);
    expect(() => layer.apply(x, { keyPaddingMask: tf.tensor2d([[1, 2, 0], [1, 0, 0]]) })).toThrow(/holds 2/);
    expect(() => layer.apply(x, { keyPaddingMask: tf.ones([2, 4]) as tf.Tensor2D })).toThrow(/keyPaddingMask must be \[batch, keyTokens\] = \[2, 3\]/);
    // The functional ops share the check.
    const q = tf.randomNormal([2, 2, 3, 4]) as tf.Tensor4D;
    expect(() => scaledDotProductAttention(q, q, q, { keyPaddingMask: additive as tf.Tensor2D })).toThrow(/(scaledDotProductAttention|softmaxAttentionWeights): keyPaddingMask holds -Infinity/);
  });

  it('a weight sized beyond the limit is refused before allocating, and a failed build leaks nothing', () => {
    const layer = new HugeWeight({ dim: 8, numHeads: 2, rows: 1e5 });
    const x = tf.zeros([1, 2, 8]);
    const before = tf.memory().numTensors;
    expect(() => layer.apply(x)).toThrow(AttentionConfigError);
    expect(() => layer.apply(x)).toThrow(/weight 'table' would have shape \[100000, 100000\].*over the .*-value limit/);
    expect(tf.memory().numTensors).toBe(before); // q/k/v/out made before 'table' were disposed
    expect(layer.built).toBe(false);
    expect(layer.weights).toEqual([]);
  });
});
