import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AttentionConfigError,
  createAttention,
  getAttention,
  pickOptions,
  registerAttention,
  RegistryError,
  SoftmaxAttention,
} from '@attention-zoo/attention-core';
import { useBackend } from '@attention-zoo/test-utils';

describe('strict options', () => {
  beforeAll(() => useBackend('cpu'));

  it('refuses an unknown key, naming it and the closest declared key', () => {
    expect(() => createAttention('softmax', { dim: 8, numHeads: 2, casual: true })).toThrow(AttentionConfigError);
    expect(() => createAttention('softmax', { dim: 8, numHeads: 2, casual: true })).toThrow(/unknown option `casual` \(did you mean `causal`\?\)/);
    expect(() => createAttention('softmax', { dim: 8, numHeads: 2, scael: 0.5 })).toThrow(/did you mean `scale`/);
    // Far from every key: no guess, but the list of what the variant takes.
    expect(() => createAttention('softmax', { dim: 8, numHeads: 2, zzzzzzzz: 1 })).toThrow(/unknown option `zzzzzzzz`; its own options: `scale`/);
  });

  it('checks types and ranges of the shared and the variant keys', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ qkvBias: 'no' }, /option `qkvBias` = "no" is invalid: .*expected boolean/],
      [{ causal: 1 }, /option `causal` = 1 is invalid/],
      [{ dropout: 1.5 }, /option `dropout` = 1.5 is invalid/],
      [{ dim: 8.5 }, /option `dim` = 8.5 is invalid/],
      [{ numHeads: 0 }, /option `numHeads` = 0 is invalid/],
      [{ grid: [2] }, /option `grid` = \[2\] is invalid/],
      [{ maxTokens: 1e9 }, /option `maxTokens` = 1000000000 is invalid: .*<=1048576/],
      [{ seed: Infinity }, /option `seed` = Infinity is invalid/],
      [{ scale: -1 }, /option `scale` = -1 is invalid/],
      [{ scale: Infinity }, /option `scale` = Infinity is invalid/],
    ];
    for (const [extra, message] of bad) {
      expect(() => createAttention('softmax', { dim: 8, numHeads: 2, ...extra } as never), JSON.stringify(extra)).toThrow(message);
    }
    // The constructor checks as createAttention does (it is where the check lives).
    // @ts-expect-error qkvBias is a boolean: 'no' is a type error as well as a runtime one
    expect(() => new SoftmaxAttention({ dim: 8, numHeads: 2, qkvBias: 'no' })).toThrow(/qkvBias/);
  });

  it('lenient: drops keys the variant does not declare, still checks the declared ones', () => {
    const shared = { dim: 8, numHeads: 2, causal: true, radius: 4, numFeatures: 16 };
    const layer = createAttention('softmax', shared, { lenient: true });
    expect(layer.causal).toBe(true);
    expect(pickOptions('softmax', { ...shared, scale: 0.5 })).toEqual({ dim: 8, numHeads: 2, causal: true, scale: 0.5 });
    expect(() => createAttention('softmax', { ...shared, scale: 'big' }, { lenient: true })).toThrow(/option `scale`/);
    expect(() => createAttention('softmax', { ...shared, casual: false }, { lenient: true })).not.toThrow();
  });

  it('a saved config loads back strictly (getConfig keys are all declared)', () => {
    const layer = createAttention('softmax', { dim: 8, numHeads: 2, scale: 0.25, seed: 3 });
    tf.dispose(layer.apply(tf.zeros([1, 3, 8])) as tf.Tensor);
    const again = SoftmaxAttention.fromConfig(SoftmaxAttention, layer.getConfig()) as SoftmaxAttention;
    expect(again.scale).toBe(0.25);
    layer.dispose();
  });

  it('a descriptor declares its options', () => {
    const d = getAttention('softmax');
    expect(Object.keys(d.options!)).toEqual(['scale']);
    expect(() => registerAttention({ ...d, name: 'bad-options', options: null } as never)).toThrow(RegistryError);
  });
});
