import { AttentionConfigError } from '@attention-zoo/attention-core';
import type { HostTensor } from '@attention-zoo/attention-core/weights';
import type { Backbone, BackboneBaseConfig, LoadTorchOptions } from '../core/backbone.js';
import { readCheckpoint, readFileBytes } from '../weights/read-checkpoint.js';
import type { AttentionChoice } from '../core/stage-attention.js';
import { CSwin, type CSwinConfig } from './cswin.js';
import { DeiT, type DeiTConfig } from './deit.js';
import { NAMED_CONFIGS } from './configs.js';
import { Pvt, type PvtConfig } from './pvt.js';
import { Swin, type SwinConfig } from './swin.js';

export interface CreateBackboneOptions extends BackboneBaseConfig {
  /** Replaces the model's attention: one choice for every stage/block, or one per stage (per block for DeiT). */
  attention?: AttentionChoice | AttentionChoice[];
  /**
   * Pretrained weights, loaded by `loadTorchStateDict` (official or timm names, resized to the
   * model's geometry): a `.pth` or `.safetensors` file's bytes, its path (Node), or a state dict.
   * The report is `model.loadReport`.
   */
  weights?: Uint8Array | ArrayBuffer | string | Map<string, HostTensor> | Record<string, HostTensor>;
  /** Options of that load (`strict`, `resize`, `prefix`). */
  weightsOptions?: LoadTorchOptions;
  /** Any other key of the model's config (depths, embedDim, …) overrides the named one. */
  [key: string]: unknown;
}

/** The named configurations (`deit-t`, `pvt-t`, `pvtv2-b1`, `swin-t`, `cswin-t`, `flatten-*`, `aft-conv-*`). */
export function listBackbones(): string[] {
  return Object.keys(NAMED_CONFIGS);
}

/**
 * Builds a named model: `createBackbone('swin-t', { attention: 'flatten-swin', numClasses: 10, imageSize: 112 })`.
 * The default attention of each model is its paper's. Incompatible attentions are rejected
 * when the model is built (see `createStageAttention`). `weights` loads a checkpoint:
 * `createBackbone('swin-t', { weights: 'swin_tiny_patch4_window7_224.pth' })`.
 */
export function createBackbone(name: string, options: CreateBackboneOptions = {}): Backbone {
  const { weights, weightsOptions, ...rest } = options;
  const model = buildNamed(name, rest);
  if (weights === undefined) return model;
  try {
    model.loadTorchStateDict(stateDictOf(weights), weightsOptions);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

function stateDictOf(weights: NonNullable<CreateBackboneOptions['weights']>): Map<string, HostTensor> | Record<string, HostTensor> {
  if (typeof weights === 'string') return readCheckpoint(readFileBytes(weights), weights).tensors;
  if (weights instanceof Uint8Array || weights instanceof ArrayBuffer) return readCheckpoint(weights).tensors;
  return weights;
}

function buildNamed(name: string, options: Omit<CreateBackboneOptions, 'weights' | 'weightsOptions'>): Backbone {
  const named = NAMED_CONFIGS[name];
  if (!named) throw new AttentionConfigError(`unknown backbone '${name}'; known: ${listBackbones().join(', ')}`);
  const cfg = { name: name.replace(/[^A-Za-z0-9]/g, '_'), ...named.config, ...options };
  for (const k of Object.keys(cfg)) if ((cfg as Record<string, unknown>)[k] === undefined) delete (cfg as Record<string, unknown>)[k];
  switch (named.family) {
    case 'deit':
      return new DeiT(cfg as DeiTConfig);
    case 'pvt':
      return new Pvt(cfg as PvtConfig);
    case 'swin':
      return new Swin(cfg as SwinConfig);
    case 'cswin':
      return new CSwin(cfg as CSwinConfig);
  }
}
