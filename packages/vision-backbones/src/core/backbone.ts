import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { initializers, layers, type LayerVariable } from '@tensorflow/tfjs-layers';
import {
  AttentionConfigError,
  AttentionInputError,
  layerCost,
  makeBlock,
  WeightLoadError,
  type AttentionBlock,
  type AttentionLayer,
  type BlockSpec,
  type PathLayer,
} from '@attention-zoo/attention-core';
import {
  loadStateDict,
  nestKeyMap,
  type HostTensor,
  type LoadStateDictOptions,
  type LoadStateDictReport,
  type StateDictKeyMap,
} from '@attention-zoo/attention-core/weights';
import { choiceName, createStageAttention, type AttentionChoice, type StageGeometry } from './stage-attention.js';

type Shape = (number | null)[];

/**
 * One block of a backbone as `addStageBlock` builds it: where it sits and what its attention is.
 * The block's seed follows from its place in the model (seed + 1000·(block + 1)).
 */
export interface StageBlockSpec extends Omit<StageGeometry, 'who' | 'name' | 'tokens' | 'clsTokens' | 'seed'>, Omit<BlockSpec, 'seed'> {
  choice: AttentionChoice;
  /** Class/distillation tokens before the grid tokens. Default 0. */
  clsTokens?: number;
  /** Stage of the block (0 for DeiT's one stage). */
  stage: number;
  /** How errors name the block inside the model, e.g. `stage 2 block 0` or `block 3`. */
  where: string;
  /** Weight path prefix (`layers/1/blocks/0/`) and official key prefix (`layers.1.blocks.0.`) of the block. */
  path: string;
  key: string;
  /** The model's own block around the attention (PVTv2's `ConvFfnBlock`); default core's `makeBlock`. */
  block?: (attn: AttentionLayer, spec: BlockSpec) => AttentionBlock;
}

/** A built block of a backbone, with its spec and the tokens it runs on. */
export interface StageBlock extends AttentionBlock {
  spec: StageBlockSpec & { tokens: number };
}

/** Multiply-accumulates of one named part of a forward pass (fvcore convention: 1 MAC = 1 FLOP). */
export interface FlopTerm {
  part: string;
  flops: number;
}

export type InitName = 'glorotUniform' | 'zeros' | 'ones' | 'truncNormal02';

/** What every backbone config carries (each model adds its own keys). */
export interface BackboneBaseConfig {
  /** Input side (square images), default 224. */
  imageSize?: number;
  /** Classes of the head; 0 = no head (features out). Default 1000. */
  numClasses?: number;
  /** Stochastic depth rate rising linearly over all blocks (timm `drop_path_rate`). Default 0. */
  dropPathRate?: number;
  seed?: number;
  name?: string;
  trainable?: boolean;
}

/**
 * Base of every backbone: a tfjs layer from images `[batch, H, W, 3]` (NHWC) to
 * logits `[batch, numClasses]` (or pooled features when numClasses is 0).
 *
 * Weights live by path (`patch_embed/proj/kernel`, `stages/0/blocks/1/attn/q/kernel`),
 * so an official `state_dict` maps onto them through one key map (`torchKeyMap`), and
 * parameter counts come from the built weights (`build` creates them without a forward pass).
 */
export abstract class Backbone extends layers.Layer {
  private readonly own = new Map<string, LayerVariable>();
  private readonly children: { prefix: string; layer: PathLayer }[] = [];
  private initCount = 0;
  protected readonly seedValue: number | undefined;
  readonly imageSize: number;
  readonly numClasses: number;
  readonly dropPathRate: number;

  constructor(config: BackboneBaseConfig, defaultName: string) {
    super({ name: config.name ?? defaultName, trainable: config.trainable ?? true });
    this.imageSize = config.imageSize ?? 224;
    this.numClasses = config.numClasses ?? 1000;
    this.dropPathRate = config.dropPathRate ?? 0;
    this.seedValue = config.seed;
    if (!Number.isInteger(this.imageSize) || this.imageSize <= 0) {
      throw new AttentionConfigError(`${this.who}: imageSize must be a positive integer, got ${JSON.stringify(config.imageSize)}`);
    }
    if (!Number.isInteger(this.numClasses) || this.numClasses < 0) {
      throw new AttentionConfigError(`${this.who}: numClasses must be a non-negative integer, got ${JSON.stringify(config.numClasses)}`);
    }
    if (!(this.dropPathRate >= 0 && this.dropPathRate < 1)) {
      throw new AttentionConfigError(`${this.who}: dropPathRate must be in [0, 1), got ${JSON.stringify(config.dropPathRate)}`);
    }
  }

  protected get who(): string {
    return `${this.getClassName().replace(/^.*>/, '')} '${this.name}'`;
  }

  /** The model's own config keys (JSON), stored by `getConfig` and read back by the constructor. */
  protected abstract modelConfig(): Record<string, unknown>;
  /** Creates the model's weights and builds its blocks (shapes only, no forward pass). */
  protected abstract buildParts(): void;
  /** Images `[B, H, W, 3]` → logits `[B, numClasses]` (or features). */
  protected abstract forward(x: tf.Tensor4D, training: boolean): tf.Tensor2D;
  /** Official PyTorch `state_dict` key → weight path (with layout transforms). */
  abstract torchKeyMap(): StateDictKeyMap;
  /** Official buffers that are recomputed here (the blocks'): key → expected shape (checked, then ignored when loading). */
  protected torchBuffers(): Record<string, number[]> {
    this.ensureBuilt();
    const out: Record<string, number[]> = {};
    for (const b of this.blocks) for (const [k, shape] of Object.entries(b.torchBuffers)) out[b.spec.key + k] = shape;
    return out;
  }
  /** Forward-pass MACs per part at this model's image size. */
  abstract flopTerms(): FlopTerm[];

  // ---- weights by path -----------------------------------------------------------------

  /** Adds one of the model's own weights. */
  protected addPath(path: string, shape: number[], init: InitName = path.endsWith('kernel') ? 'glorotUniform' : 'zeros'): LayerVariable {
    const seed = this.seedValue === undefined ? undefined : this.seedValue + 7919 * this.initCount++;
    const initializer =
      init === 'zeros' ? initializers.zeros()
      : init === 'ones' ? initializers.ones()
      : init === 'truncNormal02' ? initializers.truncatedNormal({ stddev: 0.02, seed })
      : initializers.glorotUniform({ seed });
    const w = this.addWeight(path, shape, 'float32', initializer, undefined, true);
    this.own.set(path, w);
    return w;
  }

  /** The attention and attention blocks of the model, in order (built by `addStageBlock`). */
  protected readonly blocks: StageBlock[] = [];

  /**
   * Builds one block: its attention through the registry (`createStageAttention`), the block around
   * it (the variant's own block where its descriptor has one, see core's `makeBlock`), and adds it
   * under `spec.path` on `[batch, tokens, dim]` inputs.
   */
  protected addStageBlock(spec: StageBlockSpec): StageBlock {
    const clsTokens = spec.clsTokens ?? 0;
    const tokens = spec.grid[0] * spec.grid[1] + clsTokens;
    const seed = this.seedValue === undefined ? undefined : this.seedValue + 1000 * (this.blocks.length + 1);
    const attn = createStageAttention(spec.choice, { ...spec, tokens, clsTokens, seed, who: `${this.who} ${spec.where}`, name: `${spec.name}_attn` });
    const { dim, numHeads, mlpRatio, dropPath, layerNormEpsilon, name } = spec;
    const built = (spec.block ?? makeBlock)(attn, { dim, numHeads, mlpRatio, dropPath, layerNormEpsilon, seed, name });
    const b: StageBlock = { ...built, layer: this.addChild(spec.path, built.layer, tokens, dim), spec: { ...spec, tokens } };
    this.blocks.push(b);
    return b;
  }

  /** Runs the blocks of `stage` on x `[B, N, C]`. */
  protected runStage(x: tf.Tensor3D, stage: number, training: boolean): tf.Tensor3D {
    for (const b of this.blocks) {
      if (b.spec.stage === stage) x = (b.layer as unknown as { call: (x: tf.Tensor, k: Record<string, unknown>) => tf.Tensor }).call(x, { training }) as tf.Tensor3D;
    }
    return x;
  }

  /** The official keys of every block, under their key and path prefixes; an error names a block whose attention has none. */
  protected blockKeyMap(): StateDictKeyMap {
    const map: StateDictKeyMap = {};
    for (const b of this.blocks) {
      if (!b.torchKeyMap) {
        throw new AttentionConfigError(`${this.who}: ${b.spec.where} uses attention '${choiceName(b.spec.choice)}', which has no official PyTorch weights to load`);
      }
      Object.assign(map, nestKeyMap(b.torchKeyMap, b.spec.key, b.spec.path));
    }
    return map;
  }

  /** Forward MACs of a block's attention on its tokens (the variant's cost model, see core's `layerCost`). */
  protected attentionFlops(b: StageBlock): number {
    return layerCost(b.attn, b.spec.tokens).flops;
  }

  /** Builds a child block under `prefix` on `[batch, tokens, dim]` inputs. */
  protected addChild<L extends PathLayer>(prefix: string, layer: L, tokens: number, dim: number): L {
    layer.setWeightPrefix(prefix);
    layer.build([null, tokens, dim]);
    this.children.push({ prefix, layer });
    return layer;
  }

  protected w(path: string): tf.Tensor {
    return this.weight(path).read();
  }

  weight(path: string): LayerVariable {
    const own = this.own.get(path);
    if (own) return own;
    for (const { prefix, layer } of this.children) if (path.startsWith(prefix)) return layer.weight(path.slice(prefix.length));
    throw new Error(`${this.who}: no weight '${path}'${this.built ? '' : ' (the model is not built yet)'}`);
  }

  weightPaths(): string[] {
    return [...this.own.keys(), ...this.children.flatMap(({ prefix, layer }) => layer.weightPaths().map((p) => prefix + p))];
  }

  private disposedAll = false;

  /**
   * Frees every weight of the model and its blocks (and the blocks' cached constants).
   * Works whether or not the model was ever called (tfjs's own `dispose` needs a call first).
   */
  override dispose(): { refCountAfterDispose: number; numDisposedVariables: number } {
    if (this.disposedAll) return { refCountAfterDispose: 0, numDisposedVariables: 0 };
    this.disposedAll = true;
    const weights = this.built ? this.weights : [];
    for (const { layer } of this.children) (layer as { releaseConstants?: () => void }).releaseConstants?.();
    for (const { attn } of this.blocks) (attn as { releaseConstants?: () => void }).releaseConstants?.();
    for (const w of weights) w.dispose();
    return { refCountAfterDispose: 0, numDisposedVariables: weights.length };
  }

  /** Number of parameters (weights of the built model; builds it without a forward pass if needed). */
  parameterCount(): number {
    this.ensureBuilt();
    return this.weightPaths().reduce((n, p) => n + (this.weight(p).shape as number[]).reduce((a, b) => a * b, 1), 0);
  }

  /** Forward MACs at this model's image size (fvcore convention), batch 1. */
  flops(): number {
    return this.flopTerms().reduce((n, t) => n + t.flops, 0);
  }

  override get trainableWeights(): LayerVariable[] {
    if (!this.trainable) return [];
    const own = Reflect.get(layers.Layer.prototype, 'trainableWeights', this) as LayerVariable[];
    return [...own, ...this.children.flatMap((c) => c.layer.trainableWeights)];
  }

  override get nonTrainableWeights(): LayerVariable[] {
    const own = Reflect.get(layers.Layer.prototype, 'nonTrainableWeights', this) as LayerVariable[];
    if (!this.trainable) {
      const ownT = Reflect.get(layers.Layer.prototype, 'trainableWeights', this) as LayerVariable[];
      return [...ownT, ...own, ...this.children.flatMap((c) => c.layer.weights)];
    }
    return [...own, ...this.children.flatMap((c) => c.layer.nonTrainableWeights)];
  }

  // ---- tf.layers.Layer -------------------------------------------------------------------

  protected ensureBuilt(): void {
    if (!this.built) this.build([null, this.imageSize, this.imageSize, 3]);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    this.checkImageShape(shape);
    this.buildParts();
    this.built = true;
  }

  private checkImageShape(shape: readonly (number | null)[]): void {
    const s = this.imageSize;
    if (shape.length !== 4 || (shape[1] != null && shape[1] !== s) || (shape[2] != null && shape[2] !== s) || (shape[3] != null && shape[3] !== 3)) {
      throw new AttentionInputError(
        `${this.who}: input must be images [batch, ${s}, ${s}, 3] (NHWC, imageSize ${s}), got [${shape.map((d) => d ?? 'null').join(', ')}]`,
      );
    }
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [shape[0] ?? null, this.numClasses > 0 ? this.numClasses : this.numFeatures()];
  }

  /** Width of the pooled features (the head's input). */
  abstract numFeatures(): number;

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    this.checkImageShape(x.shape);
    return tf.tidy(() => this.forward(x, kwargs['training'] === true));
  }

  /** The classifier (`head`) on pooled features `[B, F]`, or the features when numClasses is 0. */
  protected head(features: tf.Tensor2D, path = 'head'): tf.Tensor2D {
    if (this.numClasses === 0) return features;
    return tf.add(tf.matMul(features, this.w(`${path}/kernel`)), this.w(`${path}/bias`)) as tf.Tensor2D;
  }

  protected addHead(width: number, path = 'head'): void {
    if (this.numClasses === 0) return;
    this.addPath(`${path}/kernel`, [width, this.numClasses], 'truncNormal02');
    this.addPath(`${path}/bias`, [this.numClasses]);
  }

  /** Per-block drop-path rates: linear from 0 to dropPathRate over `total` blocks (timm's `dpr`). */
  protected dropPaths(total: number): number[] {
    return Array.from({ length: total }, (_, i) => (total > 1 ? (this.dropPathRate * i) / (total - 1) : 0));
  }

  override getConfig(): serialization.ConfigDict {
    const base: Record<string, unknown> = {
      imageSize: this.imageSize,
      numClasses: this.numClasses,
      dropPathRate: this.dropPathRate,
      seed: this.seedValue,
      ...this.modelConfig(),
    };
    for (const k of Object.keys(base)) if (base[k] === undefined) delete base[k];
    return { ...super.getConfig(), ...(base as serialization.ConfigDict) };
  }

  /**
   * Loads an official PyTorch `state_dict` (e.g. `readSafetensors(bytes).tensors` of a
   * converted `.pth`) by the official key names. Builds the model first (no forward pass).
   * Buffers recomputed here (Swin's `relative_position_index`, `attn_mask`) are checked
   * for shape and skipped. Missing, unknown or mis-shaped keys: one `WeightLoadError`, nothing written.
   */
  loadTorchStateDict(stateDict: Map<string, HostTensor> | Record<string, HostTensor>, options: LoadStateDictOptions = {}): LoadStateDictReport {
    this.ensureBuilt();
    const prefix = options.prefix ?? '';
    const sd = new Map(stateDict instanceof Map ? stateDict : Object.entries(stateDict));
    const problems: string[] = [];
    for (const [key, shape] of Object.entries(this.torchBuffers())) {
      const t = sd.get(prefix + key);
      if (!t) continue;
      if (t.shape.join() !== shape.join()) problems.push(`${prefix + key} [${t.shape.join(', ')}]: expected [${shape.join(', ')}] for this model's geometry`);
      sd.delete(prefix + key);
    }
    if (problems.length) throw new WeightLoadError(`loading a state_dict into '${this.name}' failed; nothing was changed:\n  ${problems.join('\n  ')}`);
    return loadStateDict(this, sd, this.torchKeyMap(), options);
  }
}
