import { option, registerAttention, z } from '@attention-zoo/attention-core';
import { softmaxKeyMaps } from '@attention-zoo/attention-core/weights';
import { SWIN_PAPER } from '../paper.js';
import { SWIN_WINDOW, SwinWindowAttention } from './layer.js';

registerAttention({
  name: 'swin-window',
  family: 'window',
  summary: "Swin's (shifted) window attention: softmax attention inside ws×ws windows with a relative position bias; shifted windows masked across regions.",
  paper: SWIN_PAPER,
  layer: SwinWindowAttention,
  options: {
    // A window at least as large as the grid becomes the grid (Swin's clamp), never padded.
    windowSize: option.int(),
    // 'half': ⌊windowSize/2⌋, the shifted blocks of Swin.
    shiftSize: z.union([option.int(0), z.literal('half')]),
  },
  complexity: { time: 'O(N·ws²·d)', memory: 'O(N·ws²)' },
  // fvcore / Swin's `flops()`: qkv and proj 4·N·C², QKᵀ and AV N·ws²·C each (bias and mask not counted).
  cost: ({ tokens: n, dim: c, numHeads: h, batch = 1, windowSize = SWIN_WINDOW }) => {
    const m = Math.min(windowSize * windowSize, n);
    return { flops: batch * (4 * n * c * c + 2 * n * m * c), activationBytes: 4 * batch * (5 * n * c + 2 * h * n * m) };
  },
  // The window in use (after the clamp to the grid), not the one asked for.
  costShape: (layer) => ({ windowSize: layer.window }),
  // The official `WindowAttention`: `qkv`, `proj`, `relative_position_bias_table`.
  torchKeyMap: (layer) => ({ ...softmaxKeyMaps.timm({ qkvBias: layer.qkvBias }), relative_position_bias_table: 'relativePositionBiasTable' }),
  // Buffers of the official block, recomputed here: the bias index, and the SW-MSA mask of shifted blocks.
  torchBuffers: (layer): Record<string, number[]> => {
    const [h, w] = layer.grid!;
    const n = layer.window * layer.window;
    return { 'attn.relative_position_index': [n, n], ...(layer.shift ? { attn_mask: [(h * w) / n, n, n] } : {}) };
  },
  // Swin alternates W-MSA and SW-MSA: odd blocks of a stage shift by half a window.
  stageOptions: (spec, index) => ({ ...spec, shiftSize: index % 2 === 1 ? 'half' : 0 }),
});
