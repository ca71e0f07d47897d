import { registerAttention } from '@attention-zoo/attention-core';
import { focusedCost } from '../layers/cost.js';
import { FLATTEN_PAPER } from '../layers/paper.js';
import { FLattenCSwinAttention, LEPE_KERNEL } from './layer.js';

registerAttention({
  name: 'flatten-cswin',
  family: 'focused-linear',
  summary: "Focused Linear Attention as in FLatten-CSwin: global focused linear attention plus DWC and CSwin's LePE (depthwise 3×3 on V).",
  paper: FLATTEN_PAPER,
  layer: FLattenCSwinAttention,
  complexity: { time: 'O(N·d²·h + N·C·k²)', memory: 'O(N·C + h·d²)' },
  cost: ({ tokens, dim, numHeads, batch = 1, kernelSize = 5 }) =>
    focusedCost({ tokens, keyTokens: tokens, dim, numHeads, kernelSize, batch, extraConvFlops: tokens * dim * LEPE_KERNEL * LEPE_KERNEL }),
});
