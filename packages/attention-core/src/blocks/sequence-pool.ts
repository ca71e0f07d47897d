import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import { AttentionConfigError } from '../errors.js';
import { checkKeyPaddingMask, keyPaddingReal } from '../ops/masks.js';
import { registerLayerClass } from '../registry.js';
import { defaultLayerName } from './layer-name.js';

type Shape = (number | null)[];

export interface SequencePoolConfig {
  /**
   * `mean`: the mean over real tokens; `first`: token 0 (a class token in front);
   * `last`: the last real token (under causal attention the one that saw the whole sequence).
   */
  pool: 'mean' | 'first' | 'last';
  name?: string;
}

const POOLS = ['mean', 'first', 'last'] as const;
/**
 * Tokens `[batch, tokens, dim]` → one vector `[batch, dim]`, honouring a key-padding
 * mask: inputs `x` or `[x, keyPaddingMask]` (boolean or 0/1, 1 = real token; real tokens
 * first). Padding never reaches the pooled vector, so a padded sequence pools as it
 * would alone. `AttentionZoo>SequencePool`.
 */
export class SequencePool extends layers.Layer {
  static className = 'AttentionZoo>SequencePool';
  readonly pool: SequencePoolConfig['pool'];

  constructor(config: SequencePoolConfig) {
    super({ name: config?.name ?? defaultLayerName('sequence_pool') });
    if (!POOLS.includes(config?.pool)) {
      throw new AttentionConfigError(`SequencePool '${this.name}': pool must be one of ${POOLS.join(', ')}, got ${JSON.stringify(config?.pool)}`);
    }
    this.pool = config.pool;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [shape[0]!, shape[2]!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const x = list[0] as tf.Tensor3D;
    const mask = list[1] as tf.Tensor2D | undefined;
    if (mask) checkKeyPaddingMask(mask, x.shape[0], x.shape[1], `SequencePool '${this.name}'`);
    return tf.tidy(() => {
      const [b, n, d] = x.shape;
      if (this.pool === 'first') return tf.reshape(tf.slice(x, [0, 0, 0], [b, 1, d]), [b, d]);
      const m = mask ? keyPaddingReal(mask) : tf.ones([b, n]); // [B, N]
      if (this.pool === 'mean') {
        const sum = tf.sum(tf.mul(x, tf.expandDims(m, 2)), 1); // [B, d]
        return tf.div(sum, tf.maximum(tf.sum(m, 1, true), 1));
      }
      // last real token: one-hot of (count − 1) picks it without a gather (wasm has no gather gradient).
      const lastIndex = tf.cast(tf.sub(tf.sum(m, 1), 1), 'int32'); // [B]
      const pick = tf.cast(tf.oneHot(lastIndex, n), 'float32'); // [B, N]
      return tf.sum(tf.mul(x, tf.expandDims(pick, 2)), 1); // [B, d]
    });
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), pool: this.pool };
  }
}

registerLayerClass(SequencePool);
