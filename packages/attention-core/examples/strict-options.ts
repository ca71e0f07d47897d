import { AttentionConfigError, createAttention, pickOptions } from '@attention-zoo/attention-core';

// Strict: a misspelt key is refused, naming the closest declared one.
try {
  createAttention('softmax', { dim: 32, numHeads: 4, casual: true });
} catch (err) {
  console.log((err as AttentionConfigError).message); // … unknown option `casual` (did you mean `causal`?) …
}
// Values are checked against the declared schema too: `qkvBias: 'no'` is refused, not taken as true.

// One config tried across variants: say so, and each variant takes only the keys it declares.
const shared = { dim: 32, numHeads: 4, causal: true, radius: 8, numFeatures: 64 };
const attn = createAttention('softmax', shared, { lenient: true }); // radius, numFeatures dropped
console.log(attn.causal, pickOptions('softmax', shared)); // true { dim: 32, numHeads: 4, causal: true }
