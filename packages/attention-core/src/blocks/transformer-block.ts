import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { layers, type LayerVariable } from '@tensorflow/tfjs-layers';
import { AttentionConfigError, AttentionInputError, shapeToString } from '../errors.js';
import { AttentionLayer } from '../layers/attention-layer.js';
import { SHARED_CONFIG_KEYS, type AttentionConfig } from '../layers/config.js';
import type { AttentionState, AttentionStepOptions, AttentionStepResult } from '../layers/incremental.js';
import { compositeWeights, PathWeights } from '../layers/path-weights.js';
import { dense } from '../ops/dense.js';
import { dropPath } from '../ops/drop-path.js';
import { gelu } from '../ops/gelu.js';
import { layerNorm } from '../ops/layer-norm.js';
import { createAttention, registerLayerClass, type AttentionSpec } from '../registry.js';
import { attentionInputs, blockInputShapes, splitBlockInputs } from './block-inputs.js';
import { defaultLayerName } from './layer-name.js';

type Shape = (number | null)[];

/** A serialized attention layer (`{ className, config }`), as `getConfig` stores it. */
interface SerializedLayer {
  className: string;
  config: serialization.ConfigDict;
}

/** The block's options, and the shared attention keys (`AttentionConfig`) it passes to an attention created by name. */
export interface TransformerBlockConfig extends AttentionConfig {
  /** Registry name, `{ name, ...variant options }`, or a built layer instance. Default `softmax`. */
  attention?: string | AttentionSpec | AttentionLayer;
  /** MLP hidden width = mlpRatio · dim. Default 4. */
  mlpRatio?: number;
  /** Dropout in the MLP (after each linear). Default 0. */
  mlpDropout?: number;
  /** Stochastic-depth rate on both residual branches. Default 0. */
  dropPath?: number;
  /** LayerNorm ε. Default 1e-5 (PyTorch); ViT-family models use 1e-6. */
  layerNormEpsilon?: number;
}

function isSerialized(x: unknown): x is SerializedLayer {
  return typeof x === 'object' && x !== null && 'className' in x && 'config' in x;
}

function deserializeAttention(s: SerializedLayer): AttentionLayer {
  const cls = serialization.SerializationMap.getMap().classNameMap[s.className];
  if (!cls) throw new AttentionConfigError(`TransformerBlock: unknown attention class '${s.className}'; import the package that registers it`);
  const [ctor, fromConfig] = cls;
  return fromConfig(ctor, s.config) as AttentionLayer;
}

/** Builds the attention of a block from a name, a spec, a serialized layer or an instance. */
export function resolveAttention(
  attention: TransformerBlockConfig['attention'] | SerializedLayer,
  shared: Partial<AttentionConfig>,
  name: string,
): AttentionLayer {
  if (attention instanceof AttentionLayer) return attention;
  if (isSerialized(attention)) return deserializeAttention(attention);
  const spec: AttentionSpec = typeof attention === 'string' ? { name: attention } : attention ?? { name: 'softmax' };
  const { name: variant, ...variantKeys } = spec;
  return createAttention(variant, { ...shared, ...variantKeys, name } as AttentionConfig & Record<string, unknown>);
}

/**
 * Pre-norm Transformer block: x + DropPath(Attn(LN(x))), then x + DropPath(MLP(LN(x))),
 * MLP = Linear → GELU → Dropout → Linear → Dropout (as timm's ViT `Block`).
 * Takes any registered attention. Inputs: `x`, `[x, keyPaddingMask]`, `[x, context]`,
 * `[x, context, keyPaddingMask]` (or those in kwargs); the mask reaches the attention, and
 * the MLP is per token, so padding does not change the outputs at real positions.
 * Weights: `norm1/*`, `attn/*`, `norm2/*`, `mlp/fc1/*`, `mlp/fc2/*`.
 */
export class TransformerBlock extends layers.Layer {
  static className = 'AttentionZoo>TransformerBlock';

  readonly dim: number;
  readonly numHeads: number;
  readonly mlpRatio: number;
  readonly mlpDropout: number;
  readonly dropPathRate: number;
  readonly layerNormEpsilon: number;
  readonly attn: AttentionLayer;
  private readonly shared: Partial<AttentionConfig>;
  private readonly paths: PathWeights;
  private calls = 0;

  constructor(config: TransformerBlockConfig) {
    const name = config?.name ?? defaultLayerName('transformer_block');
    super({ name, trainable: config?.trainable ?? true });
    const who = `TransformerBlock '${name}'`;
    if (!Number.isInteger(config?.dim) || config.dim <= 0) throw new AttentionConfigError(`${who}: dim must be a positive integer, got ${config?.dim}`);
    this.dim = config.dim;
    this.numHeads = config.numHeads;
    this.mlpRatio = config.mlpRatio ?? 4;
    this.mlpDropout = config.mlpDropout ?? 0;
    this.dropPathRate = config.dropPath ?? 0;
    this.layerNormEpsilon = config.layerNormEpsilon ?? 1e-5;
    if (!(this.mlpRatio > 0) || !Number.isInteger(Math.round(this.mlpRatio * this.dim))) {
      throw new AttentionConfigError(`${who}: mlpRatio must be positive, got ${config.mlpRatio}`);
    }
    for (const [key, rate] of [['mlpDropout', this.mlpDropout], ['dropPath', this.dropPathRate]] as const) {
      if (!(rate >= 0 && rate < 1)) throw new AttentionConfigError(`${who}: ${key} must be in [0, 1), got ${rate}`);
    }
    const shared: Partial<AttentionConfig> = {};
    for (const key of SHARED_CONFIG_KEYS) if (config[key] !== undefined) (shared as Record<string, unknown>)[key] = config[key];
    this.shared = shared;
    this.attn = resolveAttention(config.attention as TransformerBlockConfig['attention'], shared, `${name}_attn`);
    if (this.attn.dim !== this.dim) {
      throw new AttentionConfigError(`${who}: the attention has dim ${this.attn.dim}, the block has dim ${this.dim}`);
    }
    this.paths = new PathWeights(() => who, this.addWeight.bind(this), config.seed);
  }

  /**
   * How many calls have seeded this block's drop-path and MLP dropout (its attention keeps
   * its own, `attn.seedCounter`). Training resumed in a new process sets it back, so the
   * resumed calls draw the masks an uninterrupted run would.
   */
  get seedCounter(): number {
    return this.calls;
  }

  set seedCounter(n: number) {
    if (!Number.isInteger(n) || n < 0) throw new Error(`TransformerBlock '${this.name}': seedCounter must be a non-negative integer, got ${n}`);
    this.calls = n;
  }

  /** Prefix for weight names when this block lives inside another layer (set before `build`). */
  setWeightPrefix(prefix: string): void {
    this.paths.setPrefix(prefix);
  }

  weight(path: string): LayerVariable {
    return path.startsWith('attn/') ? this.attn.weight(path.slice(5)) : this.paths.get(path);
  }

  weightPaths(): string[] {
    return [...this.paths.paths(), ...this.attn.weightPaths().map((p) => `attn/${p}`)];
  }

  override build(inputShape: Shape | Shape[]): void {
    const shapes = blockInputShapes(inputShape);
    const shape = shapes.x;
    if (shape.length !== 3 || (shape[2] != null && shape[2] !== this.dim)) {
      throw new AttentionInputError(`TransformerBlock '${this.name}': input must be [batch, tokens, dim=${this.dim}], got ${shapeToString(shape)}`);
    }
    const d = this.dim;
    const hidden = Math.round(this.mlpRatio * d);
    this.paths.add('norm1/gamma', [d], 'ones');
    this.paths.add('norm1/beta', [d], 'zeros');
    this.attn.setWeightPrefix(`${this.paths.getPrefix()}attn/`);
    this.attn.build(shapes.context ? [shapes.x, shapes.context] : shapes.x);
    this.paths.add('norm2/gamma', [d], 'ones');
    this.paths.add('norm2/beta', [d], 'zeros');
    this.paths.add('mlp/fc1/kernel', [d, hidden]);
    this.paths.add('mlp/fc1/bias', [hidden]);
    this.paths.add('mlp/fc2/kernel', [hidden, d]);
    this.paths.add('mlp/fc2/bias', [d]);
    this.built = true;
  }

  override get trainableWeights(): LayerVariable[] {
    return compositeWeights(this, [this.attn], 'trainableWeights');
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return compositeWeights(this, [this.attn], 'nonTrainableWeights');
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const given = splitBlockInputs(inputs, kwargs);
    const { x } = given;
    const training = kwargs['training'] === true;
    const seed = this.shared.seed === undefined ? undefined : this.shared.seed + 15485863 * ++this.calls;
    return tf.tidy(() => {
      const h = this.norm(x, 'norm1');
      const { context: _c, keyPaddingMask: _m, ...rest } = kwargs;
      const a = this.attn.call(attentionInputs(h as tf.Tensor3D, given), rest);
      return this.residualMlp(x, a, training, seed);
    });
  }

  /**
   * Decodes one token `[batch, 1, dim]` at the attention state's position (a causal
   * attention with an incremental form): the block's output for that token and the
   * attention's next state. Inference only. See `AttentionLayer.step`.
   */
  step(x: tf.Tensor3D, state: AttentionState, options: AttentionStepOptions = {}): AttentionStepResult {
    const h = this.norm(x, 'norm1');
    const r = this.attn.step(h as tf.Tensor3D, state, options);
    h.dispose();
    const output = tf.tidy(() => this.residualMlp(x, r.output, false, undefined) as tf.Tensor3D);
    r.output.dispose();
    return { output, state: r.state };
  }

  private norm(t: tf.Tensor, n: 'norm1' | 'norm2'): tf.Tensor {
    const w = (p: string) => this.paths.get(p).read() as tf.Tensor1D;
    return layerNorm(t, w(`${n}/gamma`), w(`${n}/beta`), this.layerNormEpsilon);
  }

  /** y = x + DropPath(a), then y + DropPath(MLP(LN(y))). */
  private residualMlp(x: tf.Tensor, a: tf.Tensor, training: boolean, seed: number | undefined): tf.Tensor {
    const w = (p: string) => this.paths.get(p).read();
    let y = tf.add(x, dropPath(a, this.dropPathRate, training, seed));
    let m = gelu(dense(this.norm(y, 'norm2'), w('mlp/fc1/kernel') as tf.Tensor2D, w('mlp/fc1/bias') as tf.Tensor1D));
    if (training && this.mlpDropout > 0) m = tf.dropout(m, this.mlpDropout, undefined, seed);
    m = dense(m, w('mlp/fc2/kernel') as tf.Tensor2D, w('mlp/fc2/bias') as tf.Tensor1D);
    if (training && this.mlpDropout > 0) m = tf.dropout(m, this.mlpDropout, undefined, seed === undefined ? undefined : seed + 1);
    y = tf.add(y, dropPath(m, this.dropPathRate, training, seed === undefined ? undefined : seed + 2));
    return y;
  }

  override getConfig(): serialization.ConfigDict {
    return {
      ...super.getConfig(),
      ...(this.shared as serialization.ConfigDict),
      dim: this.dim,
      numHeads: this.numHeads,
      mlpRatio: this.mlpRatio,
      mlpDropout: this.mlpDropout,
      dropPath: this.dropPathRate,
      layerNormEpsilon: this.layerNormEpsilon,
      attention: { className: this.attn.getClassName(), config: this.attn.getConfig() },
    };
  }
}

registerLayerClass(TransformerBlock);
