import { option, registerAttention } from '@attention-zoo/attention-core';
import { focusedCost } from '../shared/cost.js';
import { FOCUSED_OPTIONS } from '../shared/focused-layer.js';
import { officialOptions, runOfficialModule } from '../shared/fixture-module.js';
import { FLATTEN_PAPER } from '../paper.js';
import { FLattenSwinBlock } from './block.js';
import { FLATTEN_SWIN_WINDOW, FLattenSwinAttention } from './layer.js';

registerAttention({
  name: 'flatten-swin',
  family: 'focused-linear',
  summary: 'Focused Linear Attention in (shifted) windows, as FLatten-Swin: per-window focused kernel, K^T V, DWC and positional encoding; no shifted-window mask.',
  paper: FLATTEN_PAPER,
  layer: FLattenSwinAttention,
  options: {
    ...FOCUSED_OPTIONS,
    // A window at least as large as the grid becomes the grid (Swin's clamp), never padded.
    windowSize: option.int(),
    shiftSize: option.int(0),
  },
  complexity: { time: 'O(N·d²·h + N·C·k²)', memory: 'O(N·C + nW·h·d²)' },
  // Per window the PVT-form count with n = N = ws²; summed over windows it is the same total.
  cost: ({ tokens, dim, numHeads, batch = 1, kernelSize = 5 }) => focusedCost({ tokens, keyTokens: tokens, dim, numHeads, kernelSize, batch }),
  torchKeyMap: (layer) => layer.torchKeyMap(),
  // SwinTransformerBlock's `attn_mask` of shifted blocks, which the focused linear attention never applies.
  torchBuffers: (layer): Record<string, number[]> => {
    const [h, w] = layer.grid!;
    const ws2 = layer.window * layer.window;
    return layer.shift ? { attn_mask: [(h * w) / ws2, ws2, ws2] } : {};
  },
  block: (layer, spec) => new FLattenSwinBlock({ ...spec, inputResolution: layer.grid!, attention: layer }).attentionBlock(),
  // Swin alternates W-MSA and SW-MSA: odd blocks of a stage shift by half a window.
  stageOptions: (spec, index) => {
    const ws = typeof spec['windowSize'] === 'number' ? spec['windowSize'] : FLATTEN_SWIN_WINDOW;
    return { ...spec, shiftSize: index % 2 === 1 ? Math.floor(ws / 2) : 0 };
  },
  fixtures: [
    // models/flatten_swin.py FocusedLinearAttention on [num_windows·B, 7·7, C]: one 7×7 window per sample.
    {
      variants: ['swin_window'],
      run: (f) => {
        const [wh, ww] = f.config['window_size'] as [number, number];
        return runOfficialModule(new FLattenSwinAttention({ ...officialOptions(f), grid: [wh, ww], windowSize: wh }), f);
      },
    },
    // models/flatten_swin.py SwinTransformerBlock with attn_type 'L', shift 0 and 3.
    {
      variants: ['swin_block_shift0', 'swin_block_shift3'],
      run: (f) =>
        runOfficialModule(
          new FLattenSwinBlock({
            ...officialOptions(f),
            inputResolution: f.config['input_resolution'] as [number, number],
            windowSize: f.config['window_size'] as number,
            shiftSize: f.config['shift_size'] as number,
            mlpRatio: f.config['mlp_ratio'] as number,
          }),
          f,
        ),
    },
  ],
});
