import * as tf from '@tensorflow/tfjs-core';
import { registerAttention } from '@attention-zoo/attention-core';
import { focusedCost } from '../shared/cost.js';
import { FOCUSED_OPTIONS } from '../shared/focused-layer.js';
import { officialOptions, runOfficialModule } from '../shared/fixture-module.js';
import { FLATTEN_PAPER } from '../paper.js';
import { FLattenCSwinBlock } from './block.js';
import { FLattenCSwinAttention } from './layer.js';
import { LEPE_KERNEL } from './op.js';

registerAttention({
  name: 'flatten-cswin',
  family: 'focused-linear',
  summary: "Focused Linear Attention as in FLatten-CSwin: global focused linear attention plus DWC and CSwin's LePE (depthwise 3×3 on V).",
  paper: FLATTEN_PAPER,
  layer: FLattenCSwinAttention,
  options: FOCUSED_OPTIONS,
  complexity: { time: 'O(N·d²·h + N·C·k²)', memory: 'O(N·C + h·d²)' },
  cost: ({ tokens, dim, numHeads, batch = 1, kernelSize = 5 }) =>
    focusedCost({ tokens, keyTokens: tokens, dim, numHeads, kernelSize, batch, extraConvFlops: tokens * dim * LEPE_KERNEL * LEPE_KERNEL }),
  torchKeyMap: (layer) => layer.torchKeyMap(),
  // CSWinBlock keeps `qkv` and `proj` itself; the attention's own keys sit under `attns.0.`.
  torchKeyPrefix: '',
  block: (layer, spec) => new FLattenCSwinBlock({ ...spec, grid: layer.grid!, attention: layer }).attentionBlock(),
  fixtures: [
    // models/flatten_cswin.py FocusedLinearAttention (idx=-1, whole map, with LePE) on projected qkv [3, B, L, C].
    {
      variants: ['cswin_global'],
      run: (f) => {
        const layer = new FLattenCSwinAttention({ ...officialOptions(f), grid: [f.spatial!.H, f.spatial!.W] });
        try {
          layer.loadTorchStateDict(f.stateDict(), { keyMap: layer.innerTorchKeyMap() });
          const [q, k, v] = tf.unstack(f.tensor('qkv'), 0) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
          return layer.attendProjected(q, k, v);
        } finally {
          layer.dispose();
        }
      },
    },
    // models/flatten_cswin.py CSWinBlock with attn_type 'L' (reso = split_size: one global branch).
    {
      variants: ['cswin_block'],
      run: (f) =>
        runOfficialModule(
          new FLattenCSwinBlock({ ...officialOptions(f), reso: f.config['reso'] as number, mlpRatio: f.config['mlp_ratio'] as number }),
          f,
        ),
    },
  ],
});
