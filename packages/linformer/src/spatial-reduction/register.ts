import { option, registerAttention, z } from '@attention-zoo/attention-core';
import { PVT_PAPER } from '../paper.js';
import { SpatialReductionAttention } from './layer.js';
import { spatialReductionKeyMaps } from './torch-keys.js';

registerAttention({
  name: 'spatial-reduction',
  family: 'low-rank',
  summary: 'PVT spatial-reduction attention: keys and values from the token grid shrunk by a stride-R conv + LayerNorm (or, PVTv2 linear, pooled to P×P); class tokens without reduction.',
  paper: PVT_PAPER,
  layer: SpatialReductionAttention,
  options: {
    // Side of the strided reduction conv; at most the grid side (checked by the layer).
    srRatio: option.int(),
    // PVT-v2's linear SRA: average-pool K/V to poolSize × poolSize.
    linear: z.boolean(),
    poolSize: option.int(),
    layerNormEpsilon: option.positive().max(1),
  },
  complexity: { time: 'O(N²·d/R²)', memory: 'O(N²/R²)' },
  // MACs as fvcore counts them (matmuls, linears, convs; pooling, norms and GELU not counted).
  cost: ({ tokens: n, dim: d, numHeads: h, batch = 1, srRatio = 2, linear, poolSize = 7 }) => {
    const reduces = linear || srRatio > 1;
    const m = linear ? poolSize * poolSize : Math.max(1, Math.floor(n / (srRatio * srRatio)));
    // sr: Conv2d(C, C, R, stride R), R²·C² per reduced token (C² for the linear form's 1×1 conv).
    const conv = !reduces ? 0 : linear ? m * d * d : m * srRatio * srRatio * d * d;
    return {
      // q and proj on N tokens, the conv, kv on M, QKᵀ and AV (N·M·C each).
      flops: batch * (2 * n * d * d + conv + 2 * m * d * d + 2 * n * m * d),
      activationBytes: 4 * batch * ((3 * n + 3 * m) * d + 2 * h * n * m),
    };
  },
  // The official PVT / PVTv2 `Attention`: `q`, `kv`, `proj`, and `sr`, `norm` when reducing.
  torchKeyMap: (layer) => spatialReductionKeyMaps.pvt({ qkvBias: layer.qkvBias, reduces: layer.reduces }),
});
