import { option, registerAttention } from '@attention-zoo/attention-core';
import { focusedCost } from '../shared/cost.js';
import { FOCUSED_OPTIONS } from '../shared/focused-layer.js';
import { FLATTEN_PAPER } from '../paper.js';
import { FLattenClsAttention } from './layer.js';

registerAttention({
  name: 'flatten-cls',
  family: 'focused-linear',
  summary: 'Focused Linear Attention for DeiT-style models: class token(s) + patch grid; the DWC runs on the patches only (paper-based, no official DeiT code).',
  paper: FLATTEN_PAPER,
  layer: FLattenClsAttention,
  // Class (and distillation) tokens before the grid tokens.
  options: { ...FOCUSED_OPTIONS, clsTokens: option.int(0, 16).nullable() },
  complexity: { time: 'O(N·d²·h + N·C·k²)', memory: 'O(N·C + h·d²)' },
  cost: ({ tokens, dim, numHeads, batch = 1, kernelSize = 5, clsTokens = 1 }) =>
    focusedCost({ tokens, keyTokens: tokens, dim, numHeads, kernelSize, batch, dwcTokens: Math.max(tokens - clsTokens, 1) }),
  // DeiT / timm `Attention` keys with FLatten's `scale`, `positional_encoding`, `dwc`.
  torchKeyMap: (layer) => layer.torchKeyMap(),
});
