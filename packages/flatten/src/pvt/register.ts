import { registerAttention } from '@attention-zoo/attention-core';
import { focusedCost } from '../layers/cost.js';
import { FLATTEN_PAPER } from '../layers/paper.js';
import { FLattenAttention, PVT_V2_POOL } from './layer.js';

registerAttention({
  name: 'flatten',
  family: 'focused-linear',
  summary: 'Focused Linear Attention (PVT form): focused ReLU kernel over all channels, K^T V first, plus a depthwise-conv rank restoration of V.',
  paper: FLATTEN_PAPER,
  layer: FLattenAttention,
  complexity: { time: 'O(N·d²·h + N·C·k²)', memory: 'O(N·C + h·d²)' },
  cost: ({ tokens, dim, numHeads, batch = 1, srRatio = 1, linear = 0, kernelSize = 5, keyTokens }) => {
    const reduced = linear ? PVT_V2_POOL * PVT_V2_POOL : Math.floor(tokens / (srRatio * srRatio));
    const n = keyTokens ?? reduced;
    // sr: Conv2d(C, C, sr, stride sr) on the reduced grid (n outputs × C·sr² MACs each); `linear`: a 1×1 conv.
    const reductionFlops = linear ? n * dim * dim : srRatio > 1 ? n * dim * dim * srRatio * srRatio : 0;
    return focusedCost({ tokens, keyTokens: n, dim, numHeads, kernelSize, batch, reductionFlops });
  },
});
