import type * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError, AttentionInputError } from '@attention-zoo/attention-core';
import { IMAGENET_CLASSES } from './classes.js';

export interface ClassScore {
  /** Class index (the logit's column). */
  index: number;
  /** `labels[index]`. */
  label: string;
  /** Softmax probability (default), or the raw logit with `probabilities: false`. */
  score: number;
}

export interface TopKOptions {
  /** One name per class, in logit order. Default {@link IMAGENET_CLASSES}. */
  labels?: readonly string[];
  /** Scores as softmax probabilities (default) or raw logits. */
  probabilities?: boolean;
}

/**
 * The k best classes of each row of `logits` `[batch, classes]`, best first; ties go to the lower
 * index. Scores are softmax probabilities p_i = exp(z_i − max z) / Σ_j exp(z_j − max z), computed
 * in double precision on the host from one read-back (`await logits.data()`: works on every backend,
 * webgpu included, which has no TopK kernel). Does not dispose `logits`.
 */
export async function topKClasses(logits: tf.Tensor, k = 5, options: TopKOptions = {}): Promise<ClassScore[][]> {
  const labels = options.labels ?? IMAGENET_CLASSES;
  const probabilities = options.probabilities ?? true;
  if (logits.rank !== 2) throw new AttentionInputError(`topKClasses: logits must be [batch, classes], got shape [${logits.shape.join(', ')}]`);
  if (logits.dtype !== 'float32' && logits.dtype !== 'int32') throw new AttentionInputError(`topKClasses: logits must be float32 (or int32), got ${logits.dtype}`);
  const [batch, width] = logits.shape as [number, number];
  if (width !== labels.length) {
    throw new AttentionInputError(
      `topKClasses: logits have ${width} classes but labels has ${labels.length} names` +
        (labels === IMAGENET_CLASSES ? ' (the default, ImageNet-1k); pass { labels } for your classes' : ''),
    );
  }
  if (!Number.isInteger(k) || k < 1 || k > width) throw new AttentionConfigError(`topKClasses: k must be an integer in [1, ${width}], got ${k}`);
  const data = (await logits.data()) as Float32Array | Int32Array;
  const out: ClassScore[][] = [];
  for (let b = 0; b < batch; b++) {
    const z = Array.from(data.subarray(b * width, (b + 1) * width));
    const bad = z.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new AttentionInputError(`topKClasses: logits row ${b} has ${z[bad]} at class ${bad}; logits must be finite`);
    const order = z.map((_, i) => i).sort((i, j) => z[j]! - z[i]! || i - j); // by logit, descending; ties: lower index first
    const top = order.slice(0, k);
    let scores = top.map((i) => z[i]!);
    if (probabilities) {
      const m = z[order[0]!]!;
      let sum = 0;
      for (const v of z) sum += Math.exp(v - m); // max-subtracted: no overflow
      scores = top.map((i) => Math.exp(z[i]! - m) / sum);
    }
    out.push(top.map((index, r) => ({ index, label: labels[index]!, score: scores[r]! })));
  }
  return out;
}
