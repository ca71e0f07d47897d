import { torch, type HostTensor, type StateDictKeyMap, type WeightTransform } from '@attention-zoo/attention-core/weights';

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

/** Drops leading size-1 axes of an official parameter (`cls_token [1, 1, C]` → `[C]`, `pos_embed [1, N, C]` → `[N, C]`). */
export const squeezeTo =
  (rank: number): WeightTransform =>
  (t: HostTensor) => {
    const lead = t.shape.slice(0, Math.max(0, t.shape.length - rank));
    if (t.shape.length < rank || lead.some((s) => s !== 1)) throw new Error(`expected leading axes of size 1 before ${rank} axes, got [${t.shape.join(', ')}]`);
    return [{ ...t, shape: t.shape.slice(t.shape.length - rank) }];
  };
