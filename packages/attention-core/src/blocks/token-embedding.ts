import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { initializers, layers, type LayerVariable } from '@tensorflow/tfjs-layers';
import { registerLayerClass } from '../registry.js';
import { defaultLayerName } from './layer-name.js';

export interface TokenEmbeddingConfig {
  vocab: number;
  dim: number;
  seed?: number;
  name?: string;
}

/**
 * Token ids [batch, tokens] → vectors [batch, tokens, dim], as one-hot(ids) · E.
 * The same values as a table lookup, but its gradient is a matmul: tf.layers.embedding's
 * gather gradient needs UnsortedSegmentSum, which the wasm backend does not have.
 * Fine for the small vocabularies of the trainer's tasks. `AttentionZoo>TokenEmbedding`.
 */
export class TokenEmbedding extends layers.Layer {
  static className = 'AttentionZoo>TokenEmbedding';
  readonly vocab: number;
  readonly dim: number;
  readonly seed: number | undefined;
  private table?: LayerVariable;

  constructor(config: TokenEmbeddingConfig) {
    super({ name: config.name ?? defaultLayerName('token_embedding') });
    this.vocab = config.vocab;
    this.dim = config.dim;
    this.seed = config.seed;
  }

  override build(): void {
    this.table = this.addWeight('embeddings', [this.vocab, this.dim], 'float32', initializers.randomNormal({ stddev: 0.02, seed: this.seed }));
    this.built = true;
  }

  /** The table E `[vocab, dim]` (a tied output head reads it as Eᵀ). */
  get embeddings(): LayerVariable {
    if (!this.table) throw new Error(`TokenEmbedding '${this.name}': the table exists once the layer is built`);
    return this.table;
  }

  override computeOutputShape(inputShape: (number | null)[] | (number | null)[][]): (number | null)[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    return [...shape, this.dim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const ids = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => {
      const flat = tf.reshape(tf.cast(ids, 'int32'), [-1]);
      const oneHot = tf.oneHot(flat, this.vocab) as tf.Tensor2D; // [B·N, V]; ids outside 0..V-1 give a zero row
      const e = tf.matMul(tf.cast(oneHot, 'float32'), this.table!.read() as tf.Tensor2D); // [B·N, dim]
      return tf.reshape(e, [...ids.shape, this.dim]);
    });
  }

  override getConfig(): serialization.ConfigDict {
    const c: serialization.ConfigDict = { ...super.getConfig(), vocab: this.vocab, dim: this.dim };
    if (this.seed !== undefined) c['seed'] = this.seed;
    return c;
  }
}

registerLayerClass(TokenEmbedding);
