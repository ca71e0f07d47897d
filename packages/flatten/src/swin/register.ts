import { registerAttention } from '@attention-zoo/attention-core';
import { focusedCost } from '../layers/cost.js';
import { FLATTEN_PAPER } from '../layers/paper.js';
import { FLattenSwinAttention } from './layer.js';

registerAttention({
  name: 'flatten-swin',
  family: 'focused-linear',
  summary: 'Focused Linear Attention in (shifted) windows, as FLatten-Swin: per-window focused kernel, K^T V, DWC and positional encoding; no shifted-window mask.',
  paper: FLATTEN_PAPER,
  layer: FLattenSwinAttention,
  complexity: { time: 'O(N·d²·h + N·C·k²)', memory: 'O(N·C + nW·h·d²)' },
  // Per window the PVT-form count with n = N = ws²; summed over windows it is the same total.
  cost: ({ tokens, dim, numHeads, batch = 1, kernelSize = 5 }) => focusedCost({ tokens, keyTokens: tokens, dim, numHeads, kernelSize, batch }),
});
