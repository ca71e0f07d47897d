import { serialization } from '@tensorflow/tfjs-core';
import type * as tf from '@tensorflow/tfjs-core';
import { RegistryError } from './errors.js';
import type { AttentionLayer } from './layers/attention-layer.js';
import type { AttentionCapabilities } from './layers/capabilities.js';
import type { AttentionConfig } from './layers/config.js';
import { pickDeclared, type OptionSchemas } from './layers/options.js';
import { registerFixtureHandlers, type FixtureHandler } from './fixtures.js';
import type { AttentionBlock, BlockSpec } from './blocks/attention-block.js';
import type { StateDictKeyMap } from './weights/state-dict.js';

/** Sizes a cost model is evaluated at. `keyTokens` defaults to `tokens`, `batch` to 1. */
export interface CostShape {
  tokens: number;
  dim: number;
  numHeads: number;
  batch?: number;
  keyTokens?: number;
  /** Variant keys that change the cost (window size, features, rank …), as in the layer config. */
  [variantKey: string]: number | undefined;
}

/**
 * Forward-pass cost. `flops` counts one multiply-add as one FLOP (the
 * fvcore / paper convention behind "GFLOPs" in vision papers);
 * `activationBytes` is the float32 size of the intermediate tensors the
 * forward pass creates (what backward would keep), excluding weights.
 */
export interface Cost {
  flops: number;
  activationBytes: number;
}

export interface PaperRef {
  title: string;
  authors: string;
  year: number;
  url: string;
}

/** A layer class with its declared capabilities. */
export type AttentionLayerClass<L extends AttentionLayer = AttentionLayer> = (new (config: never) => L) & {
  capabilities: AttentionCapabilities;
  className: string;
};

/** An attention given by registry name with its variant options, e.g. `{ name: 'aft-local', windowSize: 16 }`. */
export interface AttentionSpec {
  name: string;
  [variantKey: string]: unknown;
}

export interface AttentionDescriptor<C extends AttentionConfig = AttentionConfig, L extends AttentionLayer = AttentionLayer> {
  /** Stable registry name (`softmax`, `flatten`, `aft-local`, …). */
  name: string;
  /** Family / package, e.g. `softmax`, `linear`, `sparse`. */
  family: string;
  /** One line: what it computes. */
  summary: string;
  paper: PaperRef;
  /** The layer class; its static `capabilities` are the variant's capabilities. */
  layer: AttentionLayerClass<L>;
  /**
   * The variant's own options (besides the shared `AttentionConfig` keys), each with a zod
   * schema of its type and range, e.g. `{ radius: option.int(1), causalShift: z.boolean() }`.
   * Every key is optional (the layer has its default); a key not declared here is refused
   * by the layer's constructor, naming the closest declared key. `{}` for none.
   * TRANSITION: optional until every package declares its options.
   */
  options?: OptionSchemas;
  /** Builds the layer; default `new layer(config)`. */
  create?: (config: C) => L;
  /** Asymptotic cost, for docs and tables, e.g. `{ time: 'O(N²·d)', memory: 'O(N²)' }`. */
  complexity: { time: string; memory: string };
  cost: (shape: CostShape) => Cost;

  // ---- how backbones, weights loaders and the fixture runner use the variant (all optional) ----

  /**
   * The variant keys of a built layer that `cost` reads. Default: the layer's numeric
   * (and boolean, as 0/1) config keys, which is right when the cost model's keys are
   * named like the config's.
   */
  costShape?: (layer: L) => Record<string, number>;
  /** The official PyTorch `state_dict` keys of the attention module (relative to it) → weight paths. */
  torchKeyMap?: (layer: L) => StateDictKeyMap;
  /**
   * Where the attention module sits in the official block, prefixed to `torchKeyMap`'s keys
   * inside a block. Default `attn.`; `''` where the official block keeps the projections
   * itself (CSwin's `qkv`, `proj`).
   */
  torchKeyPrefix?: string;
  /**
   * Buffers of the official block that this layer recomputes instead of loading
   * (`attn.relative_position_index`, `attn_mask`): key relative to the block → shape.
   * Loaders check their shapes, then ignore them.
   */
  torchBuffers?: (layer: L) => Record<string, number[]>;
  /**
   * The paper's own block around this attention, where it is not core's pre-norm
   * `TransformerBlock` (e.g. FLatten-Swin's block with its window partition).
   */
  block?: (layer: L, spec: BlockSpec) => AttentionBlock;
  /**
   * The options of block `index` of a stage, for variants whose blocks alternate
   * (Swin: shifted windows in odd blocks). Default: the same options in every block.
   */
  stageOptions?: (spec: AttentionSpec, index: number) => AttentionSpec;
  /** Reference-fixture cases this variant computes (see `pnpm fixtures`). */
  fixtures?: FixtureHandler[];
}

/** A registered descriptor, with the capabilities read from its layer class. */
export interface RegisteredAttention<L extends AttentionLayer = AttentionLayer> extends AttentionDescriptor<AttentionConfig, L> {
  capabilities: AttentionCapabilities;
}

const NAME_RE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const CLASS_RE = /^[A-Za-z][A-Za-z0-9]*>[A-Za-z][A-Za-z0-9]*$/;
const registry = new Map<string, RegisteredAttention>();
const byClassName = new Map<string, RegisteredAttention>();

type LayerClass = (abstract new (...args: never[]) => unknown) & { className: string };

/**
 * Registers a layer class with `tf.serialization`, so saved models that use it load.
 * The one serialization path of the project: attention layers are registered by
 * `registerAttention`; blocks, embeddings and backbones call this once, next to
 * their class. Class names carry a namespace (`AttentionZoo>Name`, `MyLab>Name`);
 * registering the same class again is a no-op.
 */
export function registerLayerClass(cls: LayerClass): void {
  if (typeof cls !== 'function' || typeof cls.className !== 'string' || !CLASS_RE.test(cls.className)) {
    throw new RegistryError(`registerLayerClass: a layer class needs a static className with a namespace, e.g. 'AttentionZoo>Name', got ${JSON.stringify((cls as { className?: unknown })?.className)}`);
  }
  const known = serialization.SerializationMap.getMap().classNameMap[cls.className];
  if (known && known[0] !== (cls as unknown)) {
    throw new RegistryError(`registerLayerClass: '${cls.className}' is already registered by another class`);
  }
  if (!known) serialization.registerClass(cls as unknown as serialization.SerializableConstructor<serialization.Serializable>);
}

/**
 * Registers a variant under a stable name. Backbones, the trainer, the demo and
 * the benchmark go through the registry only, so a registered variant appears
 * everywhere. Registering the same descriptor again is a no-op; a different
 * descriptor under a taken name is an error. The layer class is registered with
 * `tf.serialization` (`registerLayerClass`), and the descriptor's fixture cases
 * with the fixture runner's table.
 */
export function registerAttention<C extends AttentionConfig, L extends AttentionLayer>(
  descriptor: AttentionDescriptor<C, L>,
): RegisteredAttention<L> {
  const d = descriptor as unknown as AttentionDescriptor;
  if (!d || typeof d.name !== 'string' || !NAME_RE.test(d.name)) {
    throw new RegistryError(`registerAttention: name must be lower-case kebab-case (e.g. 'aft-local'), got ${JSON.stringify(d?.name)}`);
  }
  for (const key of ['family', 'summary'] as const) {
    if (typeof d[key] !== 'string' || d[key].length === 0) throw new RegistryError(`registerAttention('${d.name}'): ${key} is required`);
  }
  if (!d.paper?.title || !d.paper?.url) throw new RegistryError(`registerAttention('${d.name}'): paper.title and paper.url are required`);
  if (typeof d.layer !== 'function' || !d.layer.capabilities || !d.layer.className) {
    throw new RegistryError(`registerAttention('${d.name}'): layer must be an AttentionLayer subclass with static className and capabilities`);
  }
  if (typeof d.cost !== 'function') throw new RegistryError(`registerAttention('${d.name}'): cost(shape) is required`);
  if (d.options !== undefined && (d.options === null || typeof d.options !== 'object')) {
    throw new RegistryError(`registerAttention('${d.name}'): options must be the variant's own options with their zod schemas ({} for none)`);
  }
  const existing = registry.get(d.name);
  if (existing) {
    if (existing.layer === d.layer && existing.cost === d.cost) return existing as unknown as RegisteredAttention<L>;
    throw new RegistryError(`registerAttention: '${d.name}' is already registered (by ${existing.layer.className})`);
  }
  const other = byClassName.get(d.layer.className);
  if (other) throw new RegistryError(`registerAttention('${d.name}'): ${d.layer.className} is already registered as '${other.name}'`);
  const registered: RegisteredAttention = { ...d, capabilities: d.layer.capabilities };
  registerLayerClass(d.layer);
  if (d.fixtures) registerFixtureHandlers(d.fixtures, d.name);
  registry.set(d.name, registered);
  byClassName.set(d.layer.className, registered);
  return registered as unknown as RegisteredAttention<L>;
}

/** The descriptor registered under `name`; throws, listing the known names, if there is none. */
export function getAttention(name: string): RegisteredAttention {
  const d = registry.get(name);
  if (!d) {
    const known = [...registry.keys()].sort().join(', ') || '(none: import a variant package first)';
    throw new RegistryError(`unknown attention '${name}'; registered: ${known}`);
  }
  return d;
}

/** The descriptor of a layer instance (by its class); throws for a layer that is not a registered variant. */
export function descriptorOf<L extends AttentionLayer>(layer: L): RegisteredAttention<L> {
  const className = (layer.constructor as { className?: string }).className;
  const d = className === undefined ? undefined : byClassName.get(className);
  if (!d) throw new RegistryError(`${className ?? layer.constructor.name} is not a registered attention variant (registerAttention)`);
  return d as unknown as RegisteredAttention<L>;
}

/**
 * The declared options of a layer class: its own registration's, or the nearest registered
 * base class's; `undefined` for a class outside the registry (only the shared keys are
 * checked then).
 */
export function declaredOptionsOf(cls: abstract new (...args: never[]) => unknown): OptionSchemas | undefined {
  for (let c: unknown = cls; typeof c === 'function'; c = Object.getPrototypeOf(c)) {
    const className = (c as { className?: unknown }).className;
    const d = typeof className === 'string' ? byClassName.get(className) : undefined;
    if (d && d.layer === c) return d.options;
  }
  return undefined;
}

/** How `createAttention` treats keys the variant does not declare. */
export interface CreateAttentionOptions {
  /**
   * `true`: drop keys the variant does not declare (for one config shared across variants,
   * as a benchmark or a tour passes). Default `false`: an unknown key is an error. Values of
   * declared keys are checked either way.
   */
  lenient?: boolean;
}

/**
 * Creates the layer of the variant registered under `name`. Strict: a key the variant
 * does not declare is an error naming the closest one; `{ lenient: true }` drops such keys.
 */
export function createAttention(
  name: string,
  config: AttentionConfig & Record<string, unknown>,
  options: CreateAttentionOptions = {},
): AttentionLayer {
  const d = getAttention(name);
  const c = options.lenient && d.options ? (pickDeclared(config, d.options) as AttentionConfig & Record<string, unknown>) : config;
  return d.create ? d.create(c) : new (d.layer as unknown as new (c: AttentionConfig) => AttentionLayer)(c);
}

/** The keys of `config` that variant `name` declares (shared keys and its own): a config shared across variants, for one of them. */
export function pickOptions<C extends Record<string, unknown>>(name: string, config: C): Partial<C> {
  return pickDeclared(config, getAttention(name).options ?? {});
}

/** Every registered descriptor, in registration order. */
export function listAttentions(): RegisteredAttention[] {
  return [...registry.values()];
}

/**
 * The shared keys a variant needs for a token layout, from its capabilities: the grid
 * (row-major) for variants that declare `needsGrid`, `maxTokens` = tokens for variants
 * whose parameters are tied to length. The one place that turns capabilities into config.
 */
export function layoutConfig(
  d: Pick<RegisteredAttention, 'capabilities'>,
  layout: { tokens: number; grid?: [number, number] },
): { grid?: [number, number]; maxTokens?: number } {
  return {
    ...(d.capabilities.needsGrid && layout.grid ? { grid: layout.grid } : {}),
    ...(d.capabilities.needsMaxTokens ? { maxTokens: layout.tokens } : {}),
  };
}

/**
 * Forward cost of a built layer on `tokens` tokens (batch 1, self-attention unless
 * `keyTokens` is given), from its descriptor's cost model and `costShape`.
 */
export function layerCost(layer: AttentionLayer, tokens: number, extra: Partial<CostShape> = {}): Cost {
  const d = descriptorOf(layer);
  const keys = d.costShape ? d.costShape(layer) : numericConfig(layer.getConfig());
  return d.cost({ ...keys, ...extra, tokens, dim: layer.dim, numHeads: layer.numHeads } as CostShape);
}

function numericConfig(config: tf.serialization.ConfigDict): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(config)) {
    if (typeof v === 'number') out[k] = v;
    else if (typeof v === 'boolean') out[k] = v ? 1 : 0;
  }
  return out;
}
