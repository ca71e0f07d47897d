import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AttentionInputError } from '@attention-zoo/attention-core';
import { eluFeatureMap, linearAttention, linearAttentionState, linearAttentionStep } from '@attention-zoo/attention-core/ops';
import { expectClose, useBackend } from '@attention-zoo/test-utils';

describe('linearAttentionStep: the causal scan as a recurrence', () => {
  beforeAll(() => useBackend('cpu'));

  it('stepping token by token gives the chunked causal scan, with a state of fixed size', () => {
    const [b, h, n, m, dv] = [2, 3, 13, 4, 5];
    const phiQ = eluFeatureMap(tf.randomNormal([b, h, n, m], 0, 1, 'float32', 1)) as tf.Tensor4D;
    const phiK = eluFeatureMap(tf.randomNormal([b, h, n, m], 0, 1, 'float32', 2)) as tf.Tensor4D;
    const v = tf.randomNormal([b, h, n, dv], 0, 1, 'float32', 3) as tf.Tensor4D;
    const want = linearAttention(phiQ, phiK, v, { causal: true, chunkSize: 4, eps: 1e-3 });
    let s = linearAttentionState(b, h, m, dv);
    const outs: tf.Tensor[] = [];
    for (let t = 0; t < n; t++) {
      const at = (x: tf.Tensor4D) => tf.slice(x, [0, 0, t, 0], [b, h, 1, x.shape[3]]);
      const r = linearAttentionStep(at(phiQ), at(phiK), at(v), s, 1e-3);
      expect(r.state.shape).toEqual([b, h, m, dv + 1]);
      s.dispose();
      s = r.state;
      outs.push(r.out);
    }
    expectClose(tf.concat(outs, 2), want, { atol: 1e-5, rtol: 1e-4 });
  });

  it('refuses more than one token and a state of the wrong shape, naming the expected shape', () => {
    const one = tf.ones([1, 2, 1, 3]) as tf.Tensor4D;
    expect(() => linearAttentionStep(tf.ones([1, 2, 2, 3]) as tf.Tensor4D, tf.ones([1, 2, 2, 3]) as tf.Tensor4D, tf.ones([1, 2, 2, 3]) as tf.Tensor4D, linearAttentionState(1, 2, 3, 3))).toThrow(AttentionInputError);
    expect(() => linearAttentionStep(one, one, one, tf.zeros([1, 2, 3, 3]) as tf.Tensor4D)).toThrow(/\[1, 2, 3, 4\]/);
  });
});
