import { serialization } from '@tensorflow/tfjs-core';
import { RegistryError } from './errors.js';
import type { AttentionLayer } from './layers/attention-layer.js';
import type { AttentionCapabilities, AttentionConfig } from './layers/config.js';

/** Sizes a cost model is evaluated at. `keyTokens` defaults to `tokens`, `batch` to 1. */
export interface CostShape {
  tokens: number;
  dim: number;
  heads: number;
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
export type AttentionLayerClass = (new (config: never) => AttentionLayer) & {
  capabilities: AttentionCapabilities;
  className: string;
};

export interface AttentionDescriptor<C extends AttentionConfig = AttentionConfig> {
  /** Stable registry name (`softmax`, `flatten`, `aft-local`, …). */
  name: string;
  /** Family / package, e.g. `softmax`, `linear`, `sparse`. */
  family: string;
  /** One line: what it computes. */
  summary: string;
  paper: PaperRef;
  /** The layer class; its static `capabilities` are the variant's capabilities. */
  layer: AttentionLayerClass;
  /** Builds the layer; default `new layer(config)`. */
  create?: (config: C) => AttentionLayer;
  /** Asymptotic cost, for docs and tables, e.g. `{ time: 'O(N²·d)', memory: 'O(N²)' }`. */
  complexity: { time: string; memory: string };
  cost: (shape: CostShape) => Cost;
}

/** A registered descriptor, with the capabilities read from its layer class. */
export interface RegisteredAttention extends AttentionDescriptor {
  capabilities: AttentionCapabilities;
}

const NAME_RE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const registry = new Map<string, RegisteredAttention>();

/**
 * Registers a variant under a stable name. Backbones, the trainer, the demo and
 * the benchmark go through the registry only, so a registered variant appears
 * everywhere. Registering the same descriptor again is a no-op; a different
 * descriptor under a taken name is an error. The layer class is also
 * registered with `tf.serialization`, so saved models that use it load.
 */
export function registerAttention<C extends AttentionConfig>(descriptor: AttentionDescriptor<C>): RegisteredAttention {
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
  const existing = registry.get(d.name);
  if (existing) {
    if (existing.layer === d.layer && existing.cost === d.cost) return existing;
    throw new RegistryError(`registerAttention: '${d.name}' is already registered (by ${existing.layer.className})`);
  }
  const registered: RegisteredAttention = { ...d, capabilities: d.layer.capabilities };
  serialization.registerClass(d.layer as unknown as serialization.SerializableConstructor<serialization.Serializable>);
  registry.set(d.name, registered);
  return registered;
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

/** Creates the layer of the variant registered under `name`. */
export function createAttention(name: string, config: AttentionConfig & Record<string, unknown>): AttentionLayer {
  const d = getAttention(name);
  return d.create ? d.create(config) : new (d.layer as unknown as new (c: AttentionConfig) => AttentionLayer)(config);
}

/** Every registered descriptor, in registration order. */
export function listAttentions(): RegisteredAttention[] {
  return [...registry.values()];
}
