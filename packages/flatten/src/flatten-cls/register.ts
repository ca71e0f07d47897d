import { registerAttention } from '@attention-zoo/attention-core';
import { focusedCost } from '../shared/cost.js';
import { FLATTEN_PAPER } from '../paper.js';
import { FLattenClsAttention } from './layer.js';

registerAttention({
  name: 'flatten-cls',
  family: 'focused-linear',
  summary: 'Focused Linear Attention for DeiT-style models: class token(s) + patch grid; the DWC runs on the patches only (paper-based, no official DeiT code).',
  paper: FLATTEN_PAPER,
  layer: FLattenClsAttention,
  complexity: { time: 'O(N·d²·h + N·C·k²)', memory: 'O(N·C + h·d²)' },
  cost: ({ tokens, dim, numHeads, batch = 1, kernelSize = 5, clsTokens = 1 }) =>
    focusedCost({ tokens, keyTokens: tokens, dim, numHeads, kernelSize, batch, dwcTokens: Math.max(tokens - clsTokens, 1) }),
  // DeiT / timm `Attention` keys with FLatten's `scale`, `positional_encoding`, `dwc`.
  torchKeyMap: (layer) => layer.torchKeyMap(),
});
