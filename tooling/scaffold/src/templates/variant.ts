import type { Names } from '../names.js';

// The files of one variant. The mixing step is a placeholder the newcomer replaces: kernelised
// linear attention with φ = elu + 1 (core's primitive) — trivial, but real: it is efficient
// (O(N·d²), nothing N×N), supports causal, padding and cross-attention, has an exact attention
// map, and passes the conformance kit as generated, so the newcomer starts from green.

export interface VariantContext {
  n: Names;
  /** `@attention-zoo/<folder>`. */
  pkg: string;
  /** The registry `family` of the package's variants. */
  family: string;
}

export const op = ({ n }: VariantContext): string => `import * as tf from '@tensorflow/tfjs-core';
import { eluFeatureMap, linearAttention, linearAttentionWeights } from '@attention-zoo/attention-core/ops';

export interface ${n.pascal}Options {
  /** Query i sees keys j ≤ i. */
  causal?: boolean;
  /** \`[batch, keys]\`: 1 = real key, 0 = padding. */
  keyPaddingMask?: tf.Tensor2D;
  /** Added to the normaliser. Default 1e-6. */
  eps?: number;
}

/**
 * ${n.kebab} attention. q, k \`[batch, heads, queries|keys, dk]\`, v \`[batch, heads, keys, dv]\`
 * → \`[batch, heads, queries, dv]\`.
 *
 * TODO: replace this placeholder with your paper's equation, citing its number here, e.g.
 *   out_i = Σ_j sim(q_i, k_j) v_j / Σ_j sim(q_i, k_j)          (Paper et al. 20XX, Eq. 3)
 * Placeholder: sim(q, k) = φ(q)ᵀφ(k) with φ = elu + 1 (Katharopoulos et al. 2020, Eq. 6),
 * computed as φ(Q)(φ(K)ᵀV) — O(N·d²) time, nothing of size N×N.
 */
export function ${n.op}(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, options: ${n.pascal}Options = {}): tf.Tensor4D {
  return tf.tidy(() => linearAttention(eluFeatureMap(q), eluFeatureMap(k), v, options));
}

/** The weights \`[batch, heads, queries, keys]\` that ${n.op} applies to v (dense: small N only, for attentionMap). */
export function ${n.op}Weights(q: tf.Tensor4D, k: tf.Tensor4D, options: ${n.pascal}Options = {}): tf.Tensor4D {
  return tf.tidy(() => linearAttentionWeights(eluFeatureMap(q), eluFeatureMap(k), options));
}
`;

export const layer = ({ n }: VariantContext): string => `import * as tf from '@tensorflow/tfjs-core';
import { AttentionLayer, defineCapabilities, type AttentionConfig, type MixContext } from '@attention-zoo/attention-core';
import { ${n.op}, ${n.op}Weights } from './op.js';

export interface ${n.layer}Config extends AttentionConfig {
  /** Added to the normaliser. Default 1e-6. */
  eps?: number;
}

/** The ${n.kebab} layer: the base class does projections, heads, checks and config; this class only mixes. */
export class ${n.layer} extends AttentionLayer {
  static className = 'AttentionZoo>${n.layer}';
  // TODO: declare what your variant really supports; the conformance kit tests each true entry.
  static override capabilities = defineCapabilities({ causal: true, keyPaddingMask: true, crossAttention: true, attentionMap: 'exact' });

  readonly eps: number;

  constructor(config: ${n.layer}Config) {
    super(config); // checks every option against the schemas declared in register.ts
    this.eps = config.eps ?? 1e-6;
  }

  protected override mix(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, ctx: MixContext): tf.Tensor4D {
    const y = ${n.op}(q, k, v, { causal: this.causal, keyPaddingMask: ctx.keyPaddingMask, eps: this.eps });
    // No attention matrix to drop from: dropout applies to the mixed values (AttentionConfig.dropout).
    return ctx.training && this.dropout > 0 ? tf.tidy(() => tf.dropout(y, this.dropout, undefined, ctx.seed) as tf.Tensor4D) : y;
  }

  protected override mixWeights(q: tf.Tensor4D, k: tf.Tensor4D, ctx: MixContext): tf.Tensor4D {
    return ${n.op}Weights(q, k, { causal: this.causal, keyPaddingMask: ctx.keyPaddingMask, eps: this.eps });
  }

  protected override variantConfig(): Record<string, unknown> {
    return { eps: this.eps };
  }
}
`;

export const register = ({ n, family }: VariantContext): string => `import type * as tf from '@tensorflow/tfjs-core';
import { registerAttention, z } from '@attention-zoo/attention-core';
import { ${n.paper} } from '../paper.js';
import { ${n.layer} } from './layer.js';
import { ${n.op} } from './op.js';

registerAttention({
  name: '${n.kebab}',
  family: '${family}',
  // TODO: one sentence on what the variant computes, and its paper.
  summary: '${n.kebab}: placeholder kernelised linear mixing φ(Q)(φ(K)ᵀV), φ = elu + 1.',
  paper: ${n.paper},
  layer: ${n.layer},
  // The variant's own options (besides the shared dim, numHeads, causal, …), each with its type
  // and range: the layer refuses a key not declared here, naming the closest one.
  options: {
    // Added to the normaliser. Default 1e-6.
    eps: z.number().min(0).refine(Number.isFinite, 'expected a finite number'),
  },
  complexity: { time: 'O(N·d²)', memory: 'O(N·d)' },
  // MACs and activation bytes of one forward pass; keep it honest — the benchmark prints it next to what it measures.
  cost: ({ tokens: n, keyTokens, dim: d, numHeads: h, batch = 1 }) => {
    const m = keyTokens ?? n;
    const dh = d / h;
    return {
      // q, out projections on N tokens, k, v on M; φ(K)ᵀV is M·d·dh, φ(Q)·(that) is N·d·dh.
      flops: batch * (2 * n * d * d + 2 * m * d * d + (n + m) * d * dh),
      // q, k, v, mixed and output tokens, plus one dh×dh state per head.
      activationBytes: 4 * batch * ((3 * n + 2 * m) * d + h * dh * dh),
    };
  },
  // Reference-fixture cases (\`pnpm fixtures <folder>\`) whose "variant" is '${n.snake}' or '${n.snake}_causal':
  // q, k, v \`[batch, heads, tokens, headDim]\` through the op. TODO: once you have fixtures from the
  // official code, pass the options its config holds (f.config) and cite the equation.
  fixtures: [
    {
      variants: ['${n.snake}', '${n.snake}_causal'],
      run: (f) =>
        ${n.op}(f.tensor('q') as tf.Tensor4D, f.tensor('k') as tf.Tensor4D, f.tensor('v') as tf.Tensor4D, {
          causal: f.config['causal'] === true,
        }),
    },
  ],
});
`;

/** The package's paper.ts, or the constant a further variant adds to it. */
export const paperConstant = ({ n }: VariantContext): string => `// TODO: the paper ${n.kebab} implements. Cite it from here only; a variant of a paper this file
// already holds imports that constant instead (and this one goes).
export const ${n.paper}: PaperRef = {
  title: 'TODO: the paper this variant implements',
  authors: 'TODO et al.',
  year: ${new Date().getFullYear()},
  url: 'https://arxiv.org/abs/0000.00000',
};
`;

export const paperModule = (c: VariantContext): string => `import type { PaperRef } from '@attention-zoo/attention-core';

${paperConstant(c)}`;

export const variantIndex = ({ n }: VariantContext): string => `export { ${n.op}, ${n.op}Weights } from './op.js';
export type { ${n.pascal}Options } from './op.js';
export { ${n.layer} } from './layer.js';
export type { ${n.layer}Config } from './layer.js';
import './register.js';
`;

export const reference = ({ n, pkg }: VariantContext): string => `import * as tf from '@tensorflow/tfjs-core';
import type { AttentionCallOptions } from '@attention-zoo/attention-core';
import type { ${n.layer} } from '${pkg}';

/**
 * ${n.kebab} computed the slow, obvious way, as the conformance kit's independent reference:
 * the full N×M similarity matrix, masked, normalised, times V, on the layer's own weights.
 * TODO: when you replace the mixing step, write its dense form here (never call the layer's op).
 */
export function dense${n.pascal}Reference(layer: ${n.layer}, x: tf.Tensor3D, options: AttentionCallOptions = {}): tf.Tensor3D {
  return tf.tidy(() => {
    const context = options.context ?? x;
    const [b, n, d] = x.shape;
    const m = context.shape[1];
    const h = layer.numHeads;
    const paths = layer.weightPaths();
    const proj = (p: string, t: tf.Tensor3D): tf.Tensor4D => {
      let y = tf.matMul(tf.reshape(t, [-1, d]), layer.weight(\`\${p}/kernel\`).read() as tf.Tensor2D);
      if (paths.includes(\`\${p}/bias\`)) y = tf.add(y, layer.weight(\`\${p}/bias\`).read());
      return tf.transpose(tf.reshape(y, [b, t.shape[1], h, d / h]), [0, 2, 1, 3]); // [b, h, tokens, dh]
    };
    const phi = (t: tf.Tensor4D): tf.Tensor4D => tf.add(tf.elu(t), 1);
    let s = tf.matMul(phi(proj('q', x)), phi(proj('k', context)), false, true); // [b, h, n, m]
    if (layer.causal) s = tf.mul(s, tf.linalg.bandPart(tf.ones([n, m]), -1, 0));
    if (options.keyPaddingMask) s = tf.mul(s, tf.reshape(tf.cast(options.keyPaddingMask, 'float32'), [b, 1, 1, m]));
    const a = tf.div(s, tf.add(tf.sum(s, -1, true), layer.eps));
    const mixed = tf.reshape(tf.transpose(tf.matMul(a, proj('v', context)), [0, 2, 1, 3]), [b * n, d]);
    const out = tf.add(tf.matMul(mixed, layer.weight('out/kernel').read() as tf.Tensor2D), layer.weight('out/bias').read());
    return tf.reshape(out, [b, n, d]) as tf.Tensor3D;
  });
}
`;

export const conformanceTest = ({ n, pkg }: VariantContext): string => `import { it } from 'vitest';
import '${pkg}';
import type { ${n.layer} } from '${pkg}';
import { conformanceChecks } from '@attention-zoo/attention-core/testing';
import { backendSuite, testBackends } from '@attention-zoo/test-utils';
import { dense${n.pascal}Reference } from './${n.kebab}.reference.js';

// The contract every registered variant meets (shapes, causal no-leak, masks, gradients,
// save/load, no leaks, clear errors, dense reference, attentionMap), on cpu and webgpu.
for (const backend of await testBackends(['cpu', 'webgpu'])) {
  backendSuite('${n.kebab} conformance', backend, () => {
    for (const check of conformanceChecks({
      name: '${n.kebab}',
      config: { dim: 16, numHeads: 2 },
      tokens: 10,
      denseReference: (layer, x, options) => dense${n.pascal}Reference(layer as ${n.layer}, x, options),
    })) {
      it(check.name, check.run);
    }
  });
}
`;

export const example = ({ n, pkg }: VariantContext): string => `import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createAttention } from '@attention-zoo/attention-core';
import '${pkg}'; // registers '${n.kebab}'

const attn = createAttention('${n.kebab}', { dim: 64, numHeads: 4, causal: true });
const y = attn.apply(tf.randomNormal([2, 16, 64])) as tf.Tensor; // [batch, tokens, dim]
console.log(y.shape); // [2, 16, 64]
`;

export const readmeSection = (c: VariantContext, exampleSource: string): string => `### \`${c.n.kebab}\`

TODO: one paragraph — what the variant computes, the paper (title, authors, year, link), its
equation in plain text, its complexity, and its options with defaults:

| option | default | meaning |
| --- | --- | --- |
| \`eps\` | \`1e-6\` | added to the normaliser |

Capabilities: causal, key-padding mask, cross-attention, exact \`attentionMap\`. Time O(N·d²), memory O(N·d).

\`\`\`ts
${exampleSource.trim()}
\`\`\`
`;

export const changeset = ({ n, pkg }: VariantContext, firstRelease: boolean): string => `---
"${pkg}": minor
---

${firstRelease ? `First release: the \`${n.kebab}\` attention` : `Adds the \`${n.kebab}\` attention`} (TODO: the paper, in a sentence a user wants in the changelog),
as a functional op (\`${n.op}\`), a layer (\`${n.layer}\`) and the registry name \`'${n.kebab}'\`.
`;
