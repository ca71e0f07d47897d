import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { initializers, layers, type LayerVariable } from '@tensorflow/tfjs-layers';
import { AttentionConfigError, AttentionInputError } from '../errors.js';
import { registerLayerClass } from '../registry.js';
import { defaultLayerName } from './layer-name.js';

export interface PositionEmbeddingConfig {
  /** Tokens per sequence (the learned table has one row per position). */
  tokens: number;
  dim: number;
  seed?: number;
  name?: string;
}

/**
 * Learned absolute position embedding, x + P with P: [tokens, dim] initialised
 * N(0, 0.02²) truncated (timm's `pos_embed`). Registered with tf.serialization
 * as `AttentionZoo>PositionEmbedding`, so a saved model loads once this module is imported.
 */
export class PositionEmbedding extends layers.Layer {
  static className = 'AttentionZoo>PositionEmbedding';
  readonly tokens: number;
  readonly dim: number;
  readonly seed: number | undefined;
  private table?: LayerVariable;

  constructor(config: PositionEmbeddingConfig) {
    super({ name: config.name ?? defaultLayerName('position_embedding') });
    if (!Number.isInteger(config.tokens) || config.tokens < 1) throw new AttentionConfigError(`PositionEmbedding: tokens must be a positive integer, got ${config.tokens}`);
    this.tokens = config.tokens;
    this.dim = config.dim;
    this.seed = config.seed;
  }

  override build(inputShape: (number | null)[] | (number | null)[][]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    if (shape[1] !== this.tokens || shape[2] !== this.dim) {
      throw new AttentionInputError(`PositionEmbedding '${this.name}': input must be [batch, ${this.tokens}, ${this.dim}], got [${shape.join(', ')}]`);
    }
    this.table = this.addWeight('embedding', [this.tokens, this.dim], 'float32', initializers.truncatedNormal({ stddev: 0.02, seed: this.seed }));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => tf.add(x, tf.expandDims(this.table!.read(), 0)));
  }

  override getConfig(): serialization.ConfigDict {
    const c: serialization.ConfigDict = { ...super.getConfig(), tokens: this.tokens, dim: this.dim };
    if (this.seed !== undefined) c['seed'] = this.seed;
    return c;
  }
}

registerLayerClass(PositionEmbedding);
