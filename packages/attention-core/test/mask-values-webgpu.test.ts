import * as tf from '@tensorflow/tfjs-core';
import { expect, it, vi } from 'vitest';
import { AttentionInputError, createAttention } from '@attention-zoo/attention-core';
import { flushMaskChecks, scaledDotProductAttention } from '@attention-zoo/attention-core/ops';
import { backendSuite, testBackends, useBackend } from '@attention-zoo/test-utils';

// Key-padding mask VALUES where read-back is asynchronous (webgpu): the check is deferred like
// checkNumerics — logged when found, thrown by flushMaskChecks() / layer.flushNumerics().

const qkv = () => [1, 2, 3].map((s) => tf.randomNormal([1, 2, 4, 8], 0, 1, 'float32', s) as tf.Tensor4D);

for (const backend of await testBackends(['webgpu'])) {
  backendSuite('key-padding mask values checked asynchronously', backend, () => {
    it('an additive (0/−inf) mask: logged, then flushMaskChecks throws naming the op; nothing leaks', async () => {
      await useBackend(backend.name);
      const [q, k, v] = qkv();
      const mask = tf.tensor2d([[0, 0, -Infinity, -Infinity]]);
      const log = vi.spyOn(console, 'error').mockImplementation(() => {});
      const before = tf.memory().numTensors;
      const out = scaledDotProductAttention(q!, k!, v!, { keyPaddingMask: mask }); // returns: webgpu cannot read back now
      const err = await flushMaskChecks().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(AttentionInputError);
      expect((err as Error).message).toMatch(/scaledDotProductAttention: keyPaddingMask holds -Infinity .*An additive mask/);
      expect(log).toHaveBeenCalledWith(expect.stringMatching(/^\[keyPaddingMask\] scaledDotProductAttention/));
      log.mockRestore();
      out.dispose();
      expect(tf.memory().numTensors).toBe(before); // the kept copies are gone once the check is done
      await expect(flushMaskChecks()).resolves.toBeUndefined(); // reported once
      tf.dispose([q!, k!, v!, mask]);
    });

    it('0/1 and boolean masks pass; the same mask is read once', async () => {
      await useBackend(backend.name);
      const [q, k, v] = qkv();
      const mask = tf.tensor2d([[1, 1, 1, 0]]);
      const outs = [0, 1, 2].map(() => scaledDotProductAttention(q!, k!, v!, { keyPaddingMask: mask }));
      outs.push(scaledDotProductAttention(q!, k!, v!, { keyPaddingMask: tf.cast(mask, 'bool') as tf.Tensor2D }));
      await expect(flushMaskChecks()).resolves.toBeUndefined();
      tf.dispose([...outs, q!, k!, v!, mask]);
    });

    it('a layer given a flipped-scale mask (0/2): layer.flushNumerics throws the AttentionInputError naming the layer', async () => {
      await useBackend(backend.name);
      const layer = createAttention('softmax', { dim: 16, numHeads: 2, seed: 1 });
      const x = tf.randomNormal([1, 4, 16]) as tf.Tensor3D;
      const mask = tf.tensor2d([[2, 2, 0, 0]]);
      const log = vi.spyOn(console, 'error').mockImplementation(() => {});
      const y = layer.apply(x, { keyPaddingMask: mask }) as tf.Tensor;
      await expect(layer.flushNumerics()).rejects.toThrow(new RegExp(`${layer.name}.*keyPaddingMask holds 2`));
      expect(log).toHaveBeenCalled();
      log.mockRestore();
      tf.dispose([x, mask, y]);
      layer.dispose();
    });
  });
}
