import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { layers, type LayerVariable } from '@tensorflow/tfjs-layers';
import { AttentionConfigError, AttentionInputError } from '../errors.js';
import { compositeWeights } from '../layers/path-weights.js';
import { disposeState, type AttentionState, type AttentionStepOptions } from '../layers/incremental.js';
import { getAttention, layoutConfig, registerLayerClass, type AttentionSpec } from '../registry.js';
import { sampleToken, uniformStream, type SamplingOptions } from './sampling.js';
import { checkKeyPaddingMask, keyPaddingReal } from '../ops/masks.js';
import { sinusoidalAt, sinusoidalPositions } from './sinusoidal-positions.js';
import { TokenEmbedding } from './token-embedding.js';
import { TransformerEncoder } from './transformer-encoder.js';

type Shape = (number | null)[];

export interface DecoderLMConfig {
  vocab: number;
  dim: number;
  numHeads: number;
  depth: number;
  /** A registered attention with a causal form, by name or `{ name, ...options }`. Default `softmax`. */
  attention?: string | AttentionSpec;
  /**
   * Training length: the grid `[1, maxTokens]` of grid variants and the `maxTokens` of
   * length-tied ones (which cannot decode past it). Default 256.
   */
  maxTokens?: number;
  mlpRatio?: number;
  dropPathRate?: number;
  layerNormEpsilon?: number;
  seed?: number;
  name?: string;
}

/** The decoder's state between tokens: one attention state per block. */
export interface DecoderState {
  readonly position: number;
  readonly blocks: readonly AttentionState[];
}

export interface GenerateOptions extends SamplingOptions {
  /** Tokens to generate after the prompt. */
  maxNewTokens: number;
}

let count = 0;

/**
 * A decoder-only language model on core's blocks: token embedding (scaled by √d), sinusoidal
 * positions (computed, so any position works step by step), `depth` causal pre-norm blocks
 * with any registered causal attention, a final LayerNorm and an output head tied to the
 * embedding (logits = h Eᵀ). `apply(ids [batch, tokens])` → logits `[batch, tokens, vocab]`;
 * `step` and `generate` decode one token at a time through the attentions' `step`
 * (variants with `capabilities.incremental`). Weights: `embed/embeddings`, `encoder/blocks/<i>/…`, `encoder/norm/*`.
 *
 * Batched prompts of different lengths: `apply([ids, keyPaddingMask])` (or `apply(ids, { keyPaddingMask })`),
 * mask `[batch, tokens]`, 1 = real token, left or right padding. The mask reaches every block's
 * attention (padded keys are never attended), and each real token's position is its index among
 * the sample's real tokens, so a left-padded prompt gets, at its real positions, the logits it
 * gets alone (for attentions without position-tied weights; a grid variant's own positional
 * weights stay tied to the slot). Logits at padded positions are meaningless.
 */
export class DecoderLM extends layers.Layer {
  static className = 'AttentionZoo>DecoderLM';

  readonly vocab: number;
  readonly dim: number;
  readonly maxTokens: number;
  readonly embed: TokenEmbedding;
  readonly encoder: TransformerEncoder;
  private readonly cfg: DecoderLMConfig;

  constructor(config: DecoderLMConfig) {
    const name = config?.name ?? (count++ === 0 ? 'decoder_lm' : `decoder_lm_${count - 1}`);
    super({ name });
    const who = `DecoderLM '${name}'`;
    for (const key of ['vocab', 'dim', 'numHeads', 'depth'] as const) {
      if (!Number.isInteger(config?.[key]) || config[key] < 1) throw new AttentionConfigError(`${who}: ${key} must be a positive integer, got ${config?.[key]}`);
    }
    this.cfg = config;
    this.vocab = config.vocab;
    this.dim = config.dim;
    this.maxTokens = config.maxTokens ?? 256;
    const spec: AttentionSpec = typeof config.attention === 'string' ? { name: config.attention } : (config.attention ?? { name: 'softmax' });
    const d = getAttention(spec.name);
    if (!d.capabilities.causal) throw new AttentionConfigError(`${who}: attention '${spec.name}' has no causal form; a decoder needs one`);
    this.embed = new TokenEmbedding({ vocab: config.vocab, dim: config.dim, seed: config.seed, name: `${name}_embed` });
    this.encoder = new TransformerEncoder({
      dim: config.dim,
      numHeads: config.numHeads,
      depth: config.depth,
      attention: spec,
      causal: true,
      ...layoutConfig(d, { tokens: this.maxTokens, grid: [1, this.maxTokens] }),
      mlpRatio: config.mlpRatio,
      dropPathRate: config.dropPathRate,
      layerNormEpsilon: config.layerNormEpsilon,
      seed: config.seed === undefined ? undefined : config.seed + 1,
      name: `${name}_encoder`,
    });
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    if (shape.length !== 2) throw new AttentionInputError(`DecoderLM '${this.name}': input must be token ids [batch, tokens], got [${shape.join(', ')}]`);
    this.embed.build();
    this.encoder.setWeightPrefix('encoder/');
    this.encoder.build([shape[0]!, shape[1]!, this.dim]);
    this.built = true;
  }

  override get trainableWeights(): LayerVariable[] {
    return compositeWeights(this, [this.embed, this.encoder], 'trainableWeights');
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return compositeWeights(this, [this.embed, this.encoder], 'nonTrainableWeights');
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [shape[0]!, shape[1]!, this.vocab];
  }

  /**
   * ids `[batch, tokens]` (or `[ids, keyPaddingMask]`) → logits `[batch, tokens, vocab]`, every
   * position predicting the next token.
   */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const ids = list[0] as tf.Tensor2D;
    const mask = (list[1] ?? kwargs['keyPaddingMask']) as tf.Tensor2D | undefined;
    const { keyPaddingMask: _m, ...rest } = kwargs;
    return tf.tidy(() => {
      if (!mask) return this.head(this.encoder.call(this.inputs(ids, 0), rest) as tf.Tensor3D);
      checkKeyPaddingMask(mask, ids.shape[0], ids.shape[1], `DecoderLM '${this.name}'`);
      // Position of a real token = how many real tokens precede it (cumsum − 1), so left padding
      // does not shift a prompt's positions; a padded slot gets a clamped position, never read.
      const positions = tf.relu(tf.sub(tf.cumsum(keyPaddingReal(mask), 1), 1)); // [B, N]
      const x = tf.add(tf.mul(this.embed.call(ids), Math.sqrt(this.dim)), sinusoidalAt(positions, this.dim)) as tf.Tensor3D;
      return this.head(this.encoder.call([x, mask], rest) as tf.Tensor3D); // every block's attention drops padded keys
    });
  }

  /** The state before the first token, for `batchSize` sequences. Builds the model if needed. */
  initialState(batchSize: number): DecoderState {
    if (!this.built) this.build([batchSize, this.maxTokens]);
    return { position: 0, blocks: this.encoder.initialState(batchSize) };
  }

  /**
   * Decodes one token per sequence: `ids` `[batch]` at `state.position` → the logits for
   * the next token `[batch, vocab]` and the next state (see `AttentionLayer.step`).
   */
  step(ids: tf.Tensor1D, state: DecoderState, options: AttentionStepOptions = {}): { logits: tf.Tensor2D; state: DecoderState } {
    if (ids.rank !== 1) throw new AttentionInputError(`DecoderLM '${this.name}': step takes one token id per sequence [batch], got [${ids.shape.join(', ')}]`);
    const x = tf.tidy(() => this.inputs(tf.reshape(ids, [ids.shape[0], 1]) as tf.Tensor2D, state.position));
    const r = this.encoder.step(x, state.blocks, options);
    x.dispose();
    const logits = tf.tidy(() => tf.reshape(this.head(r.output), [ids.shape[0], this.vocab]) as tf.Tensor2D);
    r.output.dispose();
    return { logits, state: { position: state.position + 1, blocks: r.states } };
  }

  /**
   * Continues `prompt` (token ids) by `maxNewTokens` sampled tokens, yielding each as it is
   * produced. Memory per token is the attention's state: constant for `recurrent` variants.
   */
  async *generate(prompt: readonly number[], options: GenerateOptions): AsyncGenerator<number> {
    if (prompt.length === 0) throw new AttentionInputError(`DecoderLM '${this.name}': generate needs a prompt of at least one token`);
    if (!Number.isInteger(options.maxNewTokens) || options.maxNewTokens < 0) {
      throw new AttentionInputError(`DecoderLM '${this.name}': maxNewTokens must be a non-negative integer, got ${options.maxNewTokens}`);
    }
    const uniform = uniformStream(options.seed);
    let state = this.initialState(1);
    let logits: tf.Tensor2D | undefined;
    try {
      let next = -1;
      for (let i = 0; i < prompt.length + options.maxNewTokens; i++) {
        const id = i < prompt.length ? prompt[i]! : next;
        if (i >= prompt.length) yield id;
        if (i === prompt.length + options.maxNewTokens - 1) break;
        const ids = tf.tensor1d([id], 'int32');
        const r = this.step(ids, state, { disposeState: true });
        ids.dispose();
        logits?.dispose();
        logits = r.logits;
        state = r.state;
        if (i >= prompt.length - 1) next = sampleToken(await logits.data(), options, uniform);
      }
    } finally {
      logits?.dispose();
      disposeState(state.blocks);
    }
  }

  /** Embedding · √d + sinusoidal positions from `start`: `[batch, tokens, dim]`. */
  private inputs(ids: tf.Tensor2D, start: number): tf.Tensor3D {
    return tf.tidy(() => {
      const e = tf.mul(this.embed.call(ids), Math.sqrt(this.dim)); // [B, N, dim]
      return tf.add(e, sinusoidalPositions(start, ids.shape[1], this.dim)) as tf.Tensor3D;
    });
  }

  /** Tied head: h Eᵀ, `[batch, tokens, dim]` → `[batch, tokens, vocab]`. */
  private head(h: tf.Tensor3D): tf.Tensor3D {
    const [b, n] = h.shape;
    const logits = tf.matMul(tf.reshape(h, [b * n, this.dim]), this.embed.embeddings.read() as tf.Tensor2D, false, true); // [B·N, vocab]
    return tf.reshape(logits, [b, n, this.vocab]);
  }

  override getConfig(): serialization.ConfigDict {
    const { name: _n, ...rest } = this.cfg;
    const clean: Record<string, unknown> = { ...rest, maxTokens: this.maxTokens };
    for (const k of Object.keys(clean)) if (clean[k] === undefined) delete clean[k];
    return { ...super.getConfig(), ...(clean as serialization.ConfigDict) };
  }
}

registerLayerClass(DecoderLM);
