// The kit is only worth something if it fails broken variants. Each mutant
// below breaks one promise of the contract; the matching check must fail, and
// the checks it does not break must still pass (so failures are specific).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineCapabilities, getAttention, registerAttention, SoftmaxAttention, type AttentionLayerClass, type MixContext } from '@attention-zoo/attention-core';
import { scaledDotProductAttention } from '@attention-zoo/attention-core/ops';
import { conformanceChecks } from '@attention-zoo/attention-core/testing';
import { useBackend } from '@attention-zoo/test-utils';


/** Looks causal but lets every query see the whole sequence. */
class IgnoresCausal extends SoftmaxAttention {
  static override className = 'Test>IgnoresCausal';
  protected override mix(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, ctx: MixContext): tf.Tensor4D {
    return scaledDotProductAttention(q, k, v, { keyPaddingMask: ctx.keyPaddingMask });
  }
}

/** Accepts a key-padding mask and ignores it. */
class IgnoresMask extends SoftmaxAttention {
  static override className = 'Test>IgnoresMask';
  protected override mix(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D {
    return scaledDotProductAttention(q, k, v, { causal: this.causal });
  }
}

/** Mixes information across the batch. */
class MixesBatch extends SoftmaxAttention {
  static override className = 'Test>MixesBatch';
  protected override mix(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, ctx: MixContext): tf.Tensor4D {
    const out = super.mix(q, k, v, ctx);
    return tf.add(out, tf.mean(out, 0, true));
  }
}

/** Creates a weight that never reaches the output. */
class DeadWeight extends SoftmaxAttention {
  static override className = 'Test>DeadWeight';
  protected override buildMixing(): void {
    this.addPathWeight('unused/kernel', [2, 2]);
  }
}

/** Keeps a tensor alive on every call. */
class LeaksTensors extends SoftmaxAttention {
  static override className = 'Test>LeaksTensors';
  protected override mix(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, ctx: MixContext): tf.Tensor4D {
    tf.keep(tf.zeros([1]));
    return super.mix(q, k, v, ctx);
  }
}

/** Has a variant option that getConfig forgets, so fromConfig rebuilds a different layer. */
class ForgetsConfig extends SoftmaxAttention {
  static override className = 'Test>ForgetsConfig';
  protected override variantConfig(): Record<string, unknown> {
    return {};
  }
}

/** Decodes each token from its own key and value only: forgets the KV cache. */
class StepForgetsCache extends SoftmaxAttention {
  static override className = 'Test>StepForgetsCache';
  protected override stepMix(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, cache: Readonly<Record<string, tf.Tensor>>) {
    const { tensors } = super.stepMix(q, k, v, cache);
    return { out: scaledDotProductAttention(q, k, v), tensors };
  }
}

/** Keeps a tensor alive on every decoding step. */
class StepLeaks extends SoftmaxAttention {
  static override className = 'Test>StepLeaks';
  protected override stepMix(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, cache: Readonly<Record<string, tf.Tensor>>) {
    tf.keep(tf.zeros([1]));
    return super.stepMix(q, k, v, cache);
  }
}

/** Declares a constant (recurrent) state but keeps a growing KV cache. */
class ClaimsRecurrent extends SoftmaxAttention {
  static override className = 'Test>ClaimsRecurrent';
  static override capabilities = defineCapabilities({ ...SoftmaxAttention.capabilities, incremental: 'recurrent' });
}

/** Applies something other than the weights its attentionMap reports. */
class WrongMap extends SoftmaxAttention {
  static override className = 'Test>WrongMap';
  protected override mixWeights(q: tf.Tensor4D, k: tf.Tensor4D, ctx: MixContext): tf.Tensor4D {
    return tf.reverse(super.mixWeights(q, k, ctx), 3);
  }
}

// Each mutant must fail its own check; a failure elsewhere must be one its breakage implies.
const mutants = [
  // The parallel forward sees later tokens, the token-by-token decoding cannot.
  ['ignores-causal', IgnoresCausal, /^causal/, /^causal|^attentionMap|^incremental \(cache\): token-by-token/],
  ['ignores-mask', IgnoresMask, /^key padding/, /^key padding/],
  // Mixing the batch also carries a padded sample's tokens into the others.
  ['mixes-batch', MixesBatch, /^batch elements/, /^batch elements|^key padding|^attentionMap|^incremental \(cache\): token-by-token/],
  ['dead-weight', DeadWeight, /^gradients reach/, /^gradients reach/],
  ['leaks-tensors', LeaksTensors, /^no tensors leak/, /^no tensors leak/],
  // A layer that cannot be rebuilt from its config cannot be reloaded from a saved model either.
  ['forgets-config', ForgetsConfig, /^getConfig/, /^getConfig|^model\.save/],
  ['wrong-map', WrongMap, /^attentionMap/, /^attentionMap/],
  ['step-forgets-cache', StepForgetsCache, /^incremental \(cache\): token-by-token/, /^incremental \(cache\): token-by-token/],
  ['step-leaks', StepLeaks, /^incremental \(cache\): state memory/, /^incremental \(cache\): state memory/],
  ['claims-recurrent', ClaimsRecurrent, /^incremental \(recurrent\): state memory/, /^incremental \(recurrent\): state memory/],
] as const;

for (const [name, cls] of mutants) {
  registerAttention({
    name: `mutant-${name}`,
    family: 'test',
    summary: 'A deliberately broken softmax for testing the conformance kit.',
    paper: { title: 'none', authors: 'none', year: 2026, url: 'https://example.invalid' },
    layer: cls as AttentionLayerClass,
    options: getAttention('softmax').options!,
    complexity: { time: 'O(N²·d)', memory: 'O(N²)' },
    cost: ({ tokens, dim }) => ({ flops: tokens * tokens * dim, activationBytes: 4 * tokens * tokens }),
  });
}

describe('the conformance kit fails broken variants, on the check they break', () => {
  beforeAll(() => useBackend('cpu'));

  for (const [name, , breaks, mayBreak] of mutants) {
    it(`mutant-${name} fails "${breaks.source}" and nothing unrelated`, async () => {
      const config = name === 'forgets-config' ? { dim: 16, numHeads: 2, scale: 0.9 } : { dim: 16, numHeads: 2 };
      const results: [string, boolean][] = [];
      for (const check of conformanceChecks({ name: `mutant-${name}`, config, tokens: 8 })) {
        const ok = await check.run().then(
          () => true,
          () => false,
        );
        results.push([check.name, ok]);
      }
      const failed = results.filter(([, ok]) => !ok).map(([n]) => n);
      expect(failed.some((f) => breaks.test(f)), `failed: ${failed.join(' | ') || 'nothing'}`).toBe(true);
      for (const f of failed) expect(f).toMatch(mayBreak);
    });
  }
});
