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
import type { InterpolateOptions } from '../weights/interpolate.js';
import { chooseNaming, type TorchNaming } from '../weights/naming.js';
import { resamplePosEmbed, resizeRelativePositionBiasTable } from '../weights/resize.js';
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

/** Where a learned position embedding sits: its token grid and the class tokens before it. */
export interface PositionEmbeddingGeometry {
  grid: [number, number];
  prefixTokens: number;
  interpolation?: InterpolateOptions;
}

export interface LoadTorchOptions extends LoadStateDictOptions {
  /** Resample position embeddings and relative position bias tables of another geometry. Default true. */
  resize?: boolean;
}

/** What `loadTorchStateDict` did. */
export interface BackboneLoadReport extends LoadStateDictReport {
  /** The checkpoint's naming (`official`, `timm`). */
  naming: string;
  /** Tensors resampled to this model's geometry (`key [old] → [new]`). */
  resized: string[];
  /** Buffers of another geometry, skipped (this model recomputes them). */
  recomputed: string[];
  /** Checkpoint keys left unused: the classifier without a head, and unknown keys when not strict. */
  unused: string[];
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
  /**
   * Multi-scale feature maps instead of logits, as timm's `features_only`: the model has no head and
   * returns one NHWC map `[batch, h, w, C]` per out index (for dense tasks: detection, segmentation).
   */
  features?: boolean;
  /**
   * Which maps `features` returns: stages (PVT, Swin, CSwin: every stage by default) or blocks (DeiT:
   * the last three by default, class tokens dropped); negative indices count from the end. Implies `features`.
   */
  outIndices?: number[];
}

/** Called by a model's forward pass with each stage's (DeiT: each block's) grid tokens `[B, h·w, C]`. */
export type FeatureTap = (index: number, tokens: tf.Tensor3D, grid: [number, number]) => void;

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
  private readonly requestedOutIndices: number[] | undefined;
  readonly dropPathRate: number;

  constructor(config: BackboneBaseConfig, defaultName: string) {
    super({ name: config.name ?? defaultName, trainable: config.trainable ?? true });
    this.imageSize = config.imageSize ?? 224;
    const features = config.features === true || config.outIndices !== undefined;
    this.numClasses = features ? 0 : (config.numClasses ?? 1000);
    this.requestedOutIndices = features ? (config.outIndices ?? []) : undefined;
    if (features && config.outIndices !== undefined && (!Array.isArray(config.outIndices) || config.outIndices.some((i) => !Number.isInteger(i)))) {
      throw new AttentionConfigError(`${this.who}: outIndices must be a list of integers, got ${JSON.stringify(config.outIndices)}`);
    }
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

  /** The `attention` option as one choice per stage (per block for DeiT): one choice for all, or a list of exactly `count`. */
  protected attentionPer(att: AttentionChoice | AttentionChoice[], count: number, unit: 'stage' | 'block'): AttentionChoice[] {
    const list = Array.isArray(att) ? att : Array.from({ length: count }, () => att);
    if (list.length !== count) throw new AttentionConfigError(`${this.who}: attention must be one choice or ${count} (one per ${unit}), got ${list.length}`);
    return list;
  }

  /** The model's own config keys (JSON), stored by `getConfig` and read back by the constructor. */
  protected abstract modelConfig(): Record<string, unknown>;
  /** Creates the model's weights and builds its blocks (shapes only, no forward pass). */
  protected abstract buildParts(): void;
  /** Images `[B, H, W, 3]` → logits `[B, numClasses]` (or pooled features); `tap` sees every stage's (DeiT: block's) grid tokens. */
  protected abstract forward(x: tf.Tensor4D, training: boolean, tap?: FeatureTap): tf.Tensor2D;
  /** How many maps the model can return (stages; DeiT: blocks) and the shape `[h, w, C]` of each. */
  abstract featureShapes(): [number, number, number][];
  /** The out indices when none are given: every stage (DeiT overrides: its last three blocks). */
  protected defaultOutIndices(count: number): number[] {
    return Array.from({ length: count }, (_, i) => i);
  }

  /** The feature maps the model returns (resolved, non-negative), or undefined when it returns logits. */
  get outIndices(): number[] | undefined {
    return this.resolveOutIndices();
  }

  /** `outIndices` resolved against the model's stages (negative from the end), checked. */
  protected resolveOutIndices(): number[] | undefined {
    if (!this.requestedOutIndices) return undefined;
    const count = this.featureShapes().length;
    const asked = this.requestedOutIndices.length ? this.requestedOutIndices : this.defaultOutIndices(count);
    return asked.map((i) => {
      const r = i < 0 ? count + i : i;
      if (r < 0 || r >= count) throw new AttentionConfigError(`${this.who}: out index ${i} is outside the model's ${count} feature maps (0…${count - 1}, or −${count}…−1)`);
      return r;
    });
  }
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
  protected runStage(x: tf.Tensor3D, stage: number, training: boolean, afterBlock?: (index: number, x: tf.Tensor3D) => void): tf.Tensor3D {
    for (const [i, b] of this.blocks.entries()) {
      if (b.spec.stage !== stage) continue;
      x = (b.layer as unknown as { call: (x: tf.Tensor, k: Record<string, unknown>) => tf.Tensor }).call(x, { training }) as tf.Tensor3D;
      afterBlock?.(i, x);
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

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const out = this.resolveOutIndices();
    if (out) {
      const shapes = this.featureShapes();
      return out.map((i) => [shape[0] ?? null, ...shapes[i]!]);
    }
    return [shape[0] ?? null, this.numClasses > 0 ? this.numClasses : this.numFeatures()];
  }

  /** Width of the pooled features (the head's input). */
  abstract numFeatures(): number;

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    this.checkImageShape(x.shape);
    const training = kwargs['training'] === true;
    const out = this.resolveOutIndices();
    if (!out) return tf.tidy(() => this.forward(x, training));
    return tf.tidy(() => {
      const maps: tf.Tensor4D[] = [];
      const b = x.shape[0];
      this.forward(x, training, (index, tokens, [h, w]) => {
        out.forEach((o, k) => {
          if (o === index) maps[k] = tf.reshape(tokens, [b, h, w, tokens.shape[2]]) as tf.Tensor4D;
        });
      });
      return maps;
    });
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
      features: this.requestedOutIndices ? true : undefined,
      outIndices: this.requestedOutIndices?.length ? this.requestedOutIndices : undefined,
      dropPathRate: this.dropPathRate,
      seed: this.seedValue,
      ...this.modelConfig(),
    };
    for (const k of Object.keys(base)) if (base[k] === undefined) delete base[k];
    return { ...super.getConfig(), ...(base as serialization.ConfigDict) };
  }

  /** The namings of this model's checkpoints (official first); `loadTorchStateDict` picks one by the keys. */
  protected abstract torchNamings(): TorchNaming[];

  /**
   * A learned position embedding under official key `key`, resampled when the checkpoint's grid
   * differs from this model's: its grid, class tokens, and the interpolation. Default: none.
   */
  protected positionEmbedding(_key: string): PositionEmbeddingGeometry | undefined {
    return undefined;
  }

  /**
   * Loads a PyTorch `state_dict` (from `readTorchCheckpoint`, `readSafetensors`, or `readCheckpoint`)
   * in the official repository's names or timm's, told apart by the keys (`report.naming`).
   * Builds the model first (no forward pass). Where the image size or window differs from the
   * checkpoint's, position embeddings are resampled (timm's `resample_abs_pos_embed`) and Swin's
   * relative position bias tables resized (bicubic, as Swin's `load_pretrained`); `resize: false` refuses instead.
   * Buffers recomputed here (Swin's `relative_position_index`, `attn_mask`) are checked for shape
   * and skipped. With `numClasses: 0` (or `features`), the checkpoint's classifier is left out and
   * reported in `unused`. Missing, unknown or mis-shaped keys: one `WeightLoadError` (core's
   * `loadStateDict`), nothing written; `strict: false` loads what matches and reports the rest.
   */
  loadTorchStateDict(stateDict: Map<string, HostTensor> | Record<string, HostTensor>, options: LoadTorchOptions = {}): BackboneLoadReport {
    this.ensureBuilt();
    const prefix = options.prefix ?? '';
    const resize = options.resize ?? true;
    const { naming, tensors: sd } = this.officialStateDict(stateDict, prefix);
    const keyMap = this.torchKeyMap();
    const buffers = this.torchBuffers();
    const unused: string[] = [];
    if (this.numClasses === 0) {
      for (const k of [...sd.keys()]) if (/^head(_dist)?\.(fc\.)?(weight|bias)$/.test(k)) (sd.delete(k), unused.push(k));
    }
    const problems: string[] = [];
    const recomputed: string[] = [];
    for (const [key, shape] of Object.entries(buffers)) {
      const t = sd.get(key);
      if (!t) continue;
      sd.delete(key);
      if (t.shape.join() === shape.join()) continue;
      if (resize) recomputed.push(key);
      else problems.push(`${key} [${t.shape.join(', ')}]: expected [${shape.join(', ')}] for this model's geometry`);
    }
    const resized = resize ? this.resizeToGeometry(sd, keyMap, problems) : [];
    if (problems.length) throw new WeightLoadError(`loading a state_dict into '${this.name}' failed; nothing was changed:\n  ${problems.join('\n  ')}`);
    const report = loadStateDict(this, sd, keyMap, { strict: options.strict });
    this.loadReport = { ...report, naming: naming.name, resized, recomputed, unused: [...unused, ...report.unexpected] };
    return this.loadReport;
  }

  /** What the last `loadTorchStateDict` did (also when `createBackbone` loaded the weights). */
  loadReport: BackboneLoadReport | undefined;

  /**
   * A checkpoint's tensors under the official names (the naming chosen by the keys, as
   * `loadTorchStateDict` does; keys outside `prefix` dropped, a `module.` prefix stripped).
   */
  officialStateDict(stateDict: Map<string, HostTensor> | Record<string, HostTensor>, prefix = ''): { naming: TorchNaming; tensors: Map<string, HostTensor> } {
    this.ensureBuilt();
    const given = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
    const known = new Set([...Object.keys(this.torchKeyMap()), ...Object.keys(this.torchBuffers())]);
    let under = [...given.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
    // a checkpoint saved from DistributedDataParallel names everything `module.…`
    const ddp = under.length > 0 && under.every((k) => k.startsWith('module.')) ? 'module.' : '';
    under = under.map((k) => k.slice(ddp.length));
    const { naming, renamed } = chooseNaming(under, this.torchNamings(), known);
    const tensors = new Map<string, HostTensor>();
    for (const k of under) tensors.set(renamed.get(k)!, given.get(prefix + ddp + k)!);
    return { naming, tensors };
  }

  /** Resamples, in place, the checkpoint's position embeddings and bias tables whose shape is another geometry's. */
  private resizeToGeometry(sd: Map<string, HostTensor>, keyMap: StateDictKeyMap, problems: string[]): string[] {
    const resized: string[] = [];
    for (const [key, entry] of Object.entries(keyMap)) {
      const t = sd.get(key);
      const to = typeof entry === 'string' ? entry : entry.to;
      if (!t || Array.isArray(to)) continue;
      const target = this.weight(to).shape as number[];
      const rows = target[target.length - 2]!;
      if (t.shape[t.shape.length - 2] === rows) continue;
      try {
        const pos = this.positionEmbedding(key);
        if (pos) sd.set(key, resamplePosEmbed(t, pos.grid, pos.prefixTokens, pos.interpolation));
        else if (key.endsWith('relative_position_bias_table')) sd.set(key, resizeRelativePositionBiasTable(t, (Math.sqrt(rows) + 1) / 2));
        else continue;
        resized.push(`${key} [${t.shape.join(', ')}] → [${sd.get(key)!.shape.join(', ')}]`);
      } catch (err) {
        problems.push(`${key} [${t.shape.join(', ')}]: cannot resize to this model's geometry: ${(err as Error).message}`);
      }
    }
    return resized;
  }
}
