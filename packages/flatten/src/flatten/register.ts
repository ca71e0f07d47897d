import * as tf from '@tensorflow/tfjs-core';
import { option, registerAttention, z } from '@attention-zoo/attention-core';
import { torch } from '@attention-zoo/attention-core/weights';
import { focusedCost } from '../shared/cost.js';
import { dwcBranch } from '../shared/dwc.js';
import { FOCUSED_OPTIONS } from '../shared/focused-layer.js';
import { officialOptions, runOfficialModule } from '../shared/fixture-module.js';
import { FLATTEN_PAPER } from '../paper.js';
import { FLattenAttention, PVT_V2_POOL } from './layer.js';
import { focusedLinearAttention } from './op.js';

registerAttention({
  name: 'flatten',
  family: 'focused-linear',
  summary: 'Focused Linear Attention (PVT form): focused ReLU kernel over all channels, K^T V first, plus a depthwise-conv rank restoration of V.',
  paper: FLATTEN_PAPER,
  layer: FLattenAttention,
  options: {
    ...FOCUSED_OPTIONS,
    // PVT's spatial-reduction ratio of K/V (official `sr_ratio`); at most the grid side (checked by the layer).
    srRatio: option.int(),
    // PVT-v2's linear SRA: K/V pooled to 7×7.
    linear: z.boolean(),
  },
  complexity: { time: 'O(N·d²·h + N·C·k²)', memory: 'O(N·C + h·d²)' },
  cost: ({ tokens, dim, numHeads, batch = 1, srRatio = 1, linear = 0, kernelSize = 5, keyTokens }) => {
    const reduced = linear ? PVT_V2_POOL * PVT_V2_POOL : Math.floor(tokens / (srRatio * srRatio));
    const n = keyTokens ?? reduced;
    // sr: Conv2d(C, C, sr, stride sr) on the reduced grid (n outputs × C·sr² MACs each); `linear`: a 1×1 conv.
    const reductionFlops = linear ? n * dim * dim : srRatio > 1 ? n * dim * dim * srRatio * srRatio : 0;
    return focusedCost({ tokens, keyTokens: n, dim, numHeads, kernelSize, batch, reductionFlops });
  },
  // The official PVT `FocusedLinearAttention`: `q`, `kv`, `proj`, `scale`, `positional_encoding`, `dwc`, and `sr`, `norm`.
  torchKeyMap: (layer) => layer.torchKeyMap(),
  fixtures: [
    // Focused linear attention core: φ_p over all C, then per head φ(Q)(φ(K)ᵀV/n)·z (Eq. 4, 6).
    {
      variants: ['flatten_focused'],
      run: (f) =>
        focusedLinearAttention(f.tensor('q') as tf.Tensor3D, f.tensor('k') as tf.Tensor3D, f.tensor('v') as tf.Tensor3D, {
          numHeads: f.config['heads'] as number,
          focusingFactor: f.config['focusing_factor'] as number,
          scale: f.tensor('scale') as tf.Tensor1D,
        }),
    },
    // DWC rank-restoration branch (Eq. 10–12): one depthwise conv shared by all heads.
    {
      variants: ['flatten_dwc'],
      run: (f) => {
        const [kernel] = torch.depthwiseConv2d(f.hostTensor('weight'));
        return dwcBranch(f.tensor('v') as tf.Tensor3D, tf.tensor4d(kernel!.data as Float32Array, kernel!.shape as [number, number, number, number]), f.tensor('bias') as tf.Tensor1D, {
          numHeads: f.config['heads'] as number,
          grid: [f.config['H'] as number, f.config['W'] as number],
        });
      },
    },
    // models/flatten_pvt.py FocusedLinearAttention, forward(x, H, W), sr_ratio 1 and 2.
    {
      variants: ['pvt_sr1', 'pvt_sr2'],
      run: (f) => runOfficialModule(new FLattenAttention({ ...officialOptions(f), srRatio: f.config['sr_ratio'] as number, grid: [f.spatial!.H, f.spatial!.W] }), f),
    },
  ],
});
