import { torch, type StateDictKeyMap } from '@attention-zoo/attention-core';

/** Keys of the pre-norm block around the attention (timm `Block`, Swin/CSwin/PVT blocks): `norm1`, `norm2`, `mlp.fc1`, `mlp.fc2`. */
export function mlpBlockKeyMap(): StateDictKeyMap {
  return {
    'norm1.weight': 'norm1/gamma',
    'norm1.bias': 'norm1/beta',
    'norm2.weight': 'norm2/gamma',
    'norm2.bias': 'norm2/beta',
    'mlp.fc1.weight': { to: 'mlp/fc1/kernel', transform: torch.linear },
    'mlp.fc1.bias': 'mlp/fc1/bias',
    'mlp.fc2.weight': { to: 'mlp/fc2/kernel', transform: torch.linear },
    'mlp.fc2.bias': 'mlp/fc2/bias',
  };
}

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
