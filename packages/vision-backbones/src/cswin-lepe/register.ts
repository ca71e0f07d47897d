import { option, registerAttention } from '@attention-zoo/attention-core';
import { softmaxKeyMaps, torch, type StateDictKeyMap } from '@attention-zoo/attention-core/weights';
import { CSWIN_PAPER } from '../paper.js';
import { CSWIN_SPLIT, CSwinAttention } from './layer.js';

registerAttention({
  name: 'cswin-lepe',
  family: 'window',
  summary: "CSwin's cross-shaped window attention: half of the heads in vertical, half in horizontal stripes of width sw, plus LePE (a depthwise 3×3 conv on V).",
  paper: CSWIN_PAPER,
  layer: CSwinAttention,
  // Stripe width; a stripe at least as wide as the grid becomes the whole map (one branch), never padded.
  options: { splitSize: option.int() },
  complexity: { time: 'O(N·sw·(H + W)·d)', memory: 'O(N·sw·(H + W))' },
  // fvcore: qkv and proj 4·N·C², QKᵀ and AV over each branch's stripe (hs·ws keys), LePE 9·N·C.
  // Without the grid (gridHeight, gridWidth) the map is taken as square.
  cost: ({ tokens: n, dim: c, numHeads: h, batch = 1, splitSize = CSWIN_SPLIT, gridHeight, gridWidth }) => {
    const gh = gridHeight ?? Math.sqrt(n);
    const gw = gridWidth ?? n / gh;
    const stripes = splitSize >= Math.min(gh, gw) ? [gh * gw] : [gh * splitSize, splitSize * gw];
    const keys = stripes.reduce((a, s) => a + s, 0) / stripes.length; // keys per query, averaged over the branches' channels
    return { flops: batch * (4 * n * c * c + 2 * n * keys * c + 9 * n * c), activationBytes: 4 * batch * (6 * n * c + 2 * h * n * keys) };
  },
  costShape: (layer) => ({ splitSize: layer.splitSize, gridHeight: layer.grid![0], gridWidth: layer.grid![1] }),
  // As the keys sit in `CSWinBlock`: the block's `qkv` and `proj`, and each branch's `attns.{b}.get_v`.
  torchKeyMap: (layer) => {
    const map: StateDictKeyMap = { ...softmaxKeyMaps.timm({ qkvBias: layer.qkvBias }) };
    for (let b = 0; b < layer.branches; b++) {
      map[`attns.${b}.get_v.weight`] = { to: `lepe${b}/kernel`, transform: torch.depthwiseConv2d };
      map[`attns.${b}.get_v.bias`] = `lepe${b}/bias`;
    }
    return map;
  },
  torchKeyPrefix: '',
});
