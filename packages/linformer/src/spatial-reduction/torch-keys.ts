import { torch, type StateDictKeyMap } from '@attention-zoo/attention-core/weights';

/**
 * Key maps from the official PVT / PVTv2 `Attention` (whai362/PVT) to
 * `SpatialReductionAttention` weights, for `loadStateDict`: `q`, `kv` (split into
 * k and v), `proj`, `sr` (Conv2d → HWIO), `norm`. PVT's default is `qkv_bias=False`.
 */
export const spatialReductionKeyMaps = {
  pvt: ({ qkvBias = false, reduces = true } = {}): StateDictKeyMap => ({
    'q.weight': { to: 'q/kernel', transform: torch.linear },
    'kv.weight': { to: ['k/kernel', 'v/kernel'], transform: torch.linearSplit(2) },
    ...(qkvBias ? { 'q.bias': 'q/bias', 'kv.bias': { to: ['k/bias', 'v/bias'], transform: torch.split(2) } } : {}),
    'proj.weight': { to: 'out/kernel', transform: torch.linear },
    'proj.bias': 'out/bias',
    ...(reduces
      ? {
          'sr.weight': { to: 'sr/kernel', transform: torch.conv2d },
          'sr.bias': 'sr/bias',
          'norm.weight': 'norm/gamma',
          'norm.bias': 'norm/beta',
        }
      : {}),
  }),
};
