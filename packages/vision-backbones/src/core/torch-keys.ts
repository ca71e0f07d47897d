import { torch, type StateDictKeyMap } from '@attention-zoo/attention-core/weights';

/** `nn.LayerNorm` keys → `<path>/gamma`, `<path>/beta`. */
export function layerNormKeys(key: string, path: string): StateDictKeyMap {
  return { [`${key}.weight`]: `${path}/gamma`, [`${key}.bias`]: `${path}/beta` };
}

/** `nn.Linear` keys → `<path>/kernel` (transposed), `<path>/bias`. */
export function linearKeys(key: string, path: string, bias = true): StateDictKeyMap {
  return { [`${key}.weight`]: { to: `${path}/kernel`, transform: torch.linear }, ...(bias ? { [`${key}.bias`]: `${path}/bias` } : {}) };
}

/** `nn.Conv2d` keys → `<path>/kernel` (`[out, in, kh, kw]` → `[kh, kw, in, out]`), `<path>/bias`. */
export function convKeys(key: string, path: string): StateDictKeyMap {
  return { [`${key}.weight`]: { to: `${path}/kernel`, transform: torch.conv2d }, [`${key}.bias`]: `${path}/bias` };
}
