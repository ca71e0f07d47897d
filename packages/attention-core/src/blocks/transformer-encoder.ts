import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { input as symbolicInput, layers, type LayerVariable } from '@tensorflow/tfjs-layers';
import { AttentionConfigError, AttentionInputError } from '../errors.js';
import type { AttentionState, AttentionStepOptions } from '../layers/incremental.js';
import { AttentionLayer } from '../layers/attention-layer.js';
import { compositeWeights, PathWeights } from '../layers/path-weights.js';
import { layerNorm } from '../ops/layer-norm.js';
import type { AttentionSpec } from '../registry.js';
import { TransformerBlock, type TransformerBlockConfig } from './transformer-block.js';
import { registerLayerClass } from '../registry.js';
import { defaultLayerName } from './layer-name.js';

type Shape = (number | null)[];

export interface TransformerEncoderConfig extends Omit<TransformerBlockConfig, 'attention' | 'dropPath'> {
  depth: number;
  /**
   * The attention of every block (name or spec), or one entry per block
   * (names, specs or layer instances). Default `softmax`.
   */
  attention?: string | AttentionSpec | (string | AttentionSpec | AttentionLayer)[];
  /** Stochastic depth rising linearly from 0 to this rate over the blocks (timm's `drop_path_rate`). Default 0. */
  dropPathRate?: number;
  /** LayerNorm after the last block. Default true. */
  finalNorm?: boolean;
}

/**
 * A stack of pre-norm Transformer blocks with an optional final LayerNorm. Takes the
 * block's input forms (`x`, `[x, keyPaddingMask]`, …); every block gets the same mask.
 * Weights: `blocks/<i>/…`, `norm/*`.
 */
export class TransformerEncoder extends layers.Layer {
  static className = 'AttentionZoo>TransformerEncoder';

  readonly depth: number;
  readonly blocks: TransformerBlock[];
  readonly finalNorm: boolean;
  private readonly cfg: TransformerEncoderConfig;
  private readonly paths: PathWeights;

  constructor(config: TransformerEncoderConfig) {
    const name = config?.name ?? defaultLayerName('transformer_encoder');
    super({ name, trainable: config?.trainable ?? true });
    const who = `TransformerEncoder '${name}'`;
    if (!Number.isInteger(config?.depth) || config.depth < 1) {
      throw new AttentionConfigError(`${who}: depth must be a positive integer, got ${config?.depth}`);
    }
    const rate = config.dropPathRate ?? 0;
    if (!(rate >= 0 && rate < 1)) throw new AttentionConfigError(`${who}: dropPathRate must be in [0, 1), got ${rate}`);
    const per = Array.isArray(config.attention) ? config.attention : undefined;
    if (per && per.length !== config.depth) {
      throw new AttentionConfigError(`${who}: attention lists ${per.length} entries for depth ${config.depth}`);
    }
    this.cfg = config;
    this.depth = config.depth;
    this.finalNorm = config.finalNorm ?? true;
    const { depth: _d, attention, dropPathRate: _r, finalNorm: _f, name: _n, ...blockKeys } = config;
    this.blocks = Array.from({ length: config.depth }, (_, i) => {
      const seed = config.seed === undefined ? undefined : config.seed + 1000 * i;
      return new TransformerBlock({
        ...blockKeys,
        seed,
        name: `${name}_block${i}`,
        attention: (per ? per[i] : attention) as TransformerBlockConfig['attention'],
        dropPath: config.depth > 1 ? (rate * i) / (config.depth - 1) : 0,
      });
    });
    this.paths = new PathWeights(() => who, this.addWeight.bind(this), config.seed);
  }

  setWeightPrefix(prefix: string): void {
    this.paths.setPrefix(prefix);
  }

  weight(path: string): LayerVariable {
    const m = /^blocks\/(\d+)\/(.*)$/.exec(path);
    if (m) {
      const block = this.blocks[Number(m[1])];
      if (!block) throw new Error(`TransformerEncoder '${this.name}': no block ${m[1]} (depth ${this.depth})`);
      return block.weight(m[2]!);
    }
    return this.paths.get(path);
  }

  weightPaths(): string[] {
    return [...this.blocks.flatMap((b, i) => b.weightPaths().map((p) => `blocks/${i}/${p}`)), ...this.paths.paths()];
  }

  override build(inputShape: Shape | Shape[]): void {
    const prefix = this.paths.getPrefix();
    this.blocks.forEach((b, i) => {
      b.setWeightPrefix(`${prefix}blocks/${i}/`);
      b.build(inputShape);
    });
    if (this.finalNorm) {
      this.paths.add('norm/gamma', [this.cfg.dim], 'ones');
      this.paths.add('norm/beta', [this.cfg.dim], 'zeros');
    }
    this.built = true;
  }

  override get trainableWeights(): LayerVariable[] {
    return compositeWeights(this, this.blocks, 'trainableWeights');
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return compositeWeights(this, this.blocks, 'nonTrainableWeights');
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    return tf.tidy(() => {
      let x = list[0]!;
      for (const b of this.blocks) x = b.call([x, ...list.slice(1)], kwargs);
      if (!this.finalNorm) return x;
      const w = (p: string) => this.paths.get(p).read() as tf.Tensor1D;
      return layerNorm(x, w('norm/gamma'), w('norm/beta'), this.cfg.layerNormEpsilon ?? 1e-5);
    });
  }

  /** One decoding state per block (see `AttentionLayer.initialState`); builds the encoder if needed. */
  initialState(batchSize: number): AttentionState[] {
    if (!this.built) this.apply(symbolicInput({ shape: [null, this.cfg.dim] }));
    return this.blocks.map((b) => b.attn.initialState(batchSize));
  }

  /**
   * Decodes one token `[batch, 1, dim]` through every block, threading each block's
   * attention state: the encoder's output for that token and the next states.
   */
  step(x: tf.Tensor3D, states: readonly AttentionState[], options: AttentionStepOptions = {}): { output: tf.Tensor3D; states: AttentionState[] } {
    if (states.length !== this.depth) {
      throw new AttentionInputError(`TransformerEncoder '${this.name}': step needs one state per block (${this.depth}), got ${states.length}`);
    }
    let h = x;
    const next: AttentionState[] = [];
    this.blocks.forEach((b, i) => {
      const r = b.step(h, states[i]!, options);
      if (h !== x) h.dispose();
      h = r.output;
      next.push(r.state);
    });
    if (!this.finalNorm) return { output: h, states: next };
    const w = (p: string) => this.paths.get(p).read() as tf.Tensor1D;
    const output = layerNorm(h, w('norm/gamma'), w('norm/beta'), this.cfg.layerNormEpsilon ?? 1e-5) as tf.Tensor3D;
    h.dispose();
    return { output, states: next };
  }

  override getConfig(): serialization.ConfigDict {
    const { name: _n, attention: _a, ...rest } = this.cfg;
    const clean: Record<string, unknown> = { ...rest, finalNorm: this.finalNorm };
    for (const k of Object.keys(clean)) if (clean[k] === undefined) delete clean[k];
    // Each block's attention is stored serialized, so instances and per-block choices round-trip.
    clean['attention'] = this.blocks.map((b) => ({ className: b.attn.getClassName(), config: b.attn.getConfig() }));
    return { ...super.getConfig(), ...(clean as serialization.ConfigDict) };
  }
}

registerLayerClass(TransformerEncoder);
