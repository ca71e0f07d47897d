import * as tf from '@tensorflow/tfjs-core';
import { TransformerBlock, WeightLoadError } from '@attention-zoo/attention-core';
import {
  loadStateDict,
  type HostTensor,
  type LoadStateDictOptions,
  type LoadStateDictReport,
  type StateDictKeyMap,
} from '@attention-zoo/attention-core/weights';
import type { FocusedLinearLayer } from './focused-layer.js';

/** The attention's own key map, re-rooted: keys under `keyPrefix`, weights under `attn/`. */
export function nestedKeyMap(attn: FocusedLinearLayer, keyPrefix: string): StateDictKeyMap {
  const out: StateDictKeyMap = {};
  for (const [key, entry] of Object.entries(attn.torchKeyMap())) {
    if (typeof entry === 'string') out[keyPrefix + key] = `attn/${entry}`;
    else out[keyPrefix + key] = { ...entry, to: Array.isArray(entry.to) ? entry.to.map((p) => `attn/${p}`) : `attn/${entry.to}` };
  }
  return out;
}

/**
 * Loads an official block `state_dict` into a block: builds it if needed,
 * drops the buffers the focused linear attention never reads (Swin's
 * `attn_mask`, checked for its shape), then core's `loadStateDict`.
 */
export function loadBlockStateDict(
  block: TransformerBlock,
  tokens: number,
  keyMap: StateDictKeyMap,
  stateDict: Map<string, HostTensor> | Record<string, HostTensor>,
  options: LoadStateDictOptions & { ignored?: Record<string, number[] | undefined> } = {},
): LoadStateDictReport {
  if (!block.built) {
    tf.tidy(() => {
      block.apply(tf.zeros([1, tokens, block.dim]));
    });
  }
  const prefix = options.prefix ?? '';
  const sd = new Map(stateDict instanceof Map ? stateDict : Object.entries(stateDict));
  for (const [key, shape] of Object.entries(options.ignored ?? {})) {
    const t = sd.get(prefix + key);
    if (!t) continue;
    if (!shape || t.shape.join() !== shape.join()) {
      throw new WeightLoadError(
        `loading a state_dict into '${block.name}' failed; nothing was changed:\n  ${prefix + key} [${t.shape.join(', ')}]: ` +
          (shape ? `expected [${shape.join(', ')}] for this block's windows` : 'this block has no such buffer (it is built without a shift)'),
      );
    }
    sd.delete(prefix + key);
  }
  return loadStateDict(block, sd, keyMap, options);
}
