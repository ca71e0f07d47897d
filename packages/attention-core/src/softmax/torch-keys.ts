import { torch, type StateDictKeyMap } from '../weights/state-dict.js';

/**
 * Key maps from PyTorch modules to `SoftmaxAttention` weights, for `loadStateDict`.
 * - `timm`: timm's / DeiT's `Attention` (fused `qkv`, `proj`);
 * - `multiheadAttention`: `torch.nn.MultiheadAttention` (`in_proj_*`, `out_proj.*`).
 */
export const softmaxKeyMaps = {
  timm: ({ qkvBias = true } = {}): StateDictKeyMap => ({
    'qkv.weight': { to: ['q/kernel', 'k/kernel', 'v/kernel'], transform: torch.linearSplit(3) },
    ...(qkvBias ? { 'qkv.bias': { to: ['q/bias', 'k/bias', 'v/bias'], transform: torch.split(3) } } : {}),
    'proj.weight': { to: 'out/kernel', transform: torch.linear },
    'proj.bias': 'out/bias',
  }),
  multiheadAttention: ({ qkvBias = true } = {}): StateDictKeyMap => ({
    in_proj_weight: { to: ['q/kernel', 'k/kernel', 'v/kernel'], transform: torch.linearSplit(3) },
    ...(qkvBias ? { in_proj_bias: { to: ['q/bias', 'k/bias', 'v/bias'], transform: torch.split(3) } } : {}),
    'out_proj.weight': { to: 'out/kernel', transform: torch.linear },
    'out_proj.bias': 'out/bias',
  }),
};
