import { getAttention, SoftmaxAttention, type AttentionLayer } from '@attention-zoo/attention-core';
import { FLattenAttention, FLattenClsAttention, FLattenCSwinAttention, FLattenSwinAttention } from '@attention-zoo/flatten';
import { CSwinAttention } from '../attention/cswin-attention.js';
import { PvtAttention } from '../attention/spatial-reduction.js';
import { SwinWindowAttention } from '../attention/window-attention.js';

/**
 * Forward MACs of one attention layer (projections included) on `tokens` tokens, batch 1,
 * counted as fvcore does: matmuls, linears and convolutions; softmax, norms and
 * element-wise ops are not counted. `registryName` is the attention's registry name (for
 * the registry's cost model when the layer is not one of the papers' own).
 */
export function attentionFlops(attn: AttentionLayer, tokens: number, registryName: string): number {
  const c = attn.dim;
  const n = tokens;
  if (attn instanceof PvtAttention) {
    const s = attn.srRatio;
    const nr = s > 1 ? n / (s * s) : n;
    return 2 * n * c * c + 2 * nr * c * c + (s > 1 ? nr * c * c * s * s : 0) + 2 * n * nr * c; // q, proj; kv; sr conv; QKᵀ, AV
  }
  if (attn instanceof SwinWindowAttention) {
    const ws2 = attn.window * attn.window;
    return 4 * n * c * c + 2 * n * ws2 * c; // qkv, proj; QKᵀ and AV inside ws² windows
  }
  if (attn instanceof CSwinAttention) {
    let mix = 0;
    for (let b = 0; b < attn.branches; b++) {
      const [hs, ws] = attn.stripe(b);
      mix += 2 * n * hs * ws * (c / attn.branches);
    }
    return 4 * n * c * c + mix + 9 * n * c; // qkv, proj; stripes; LePE 3×3 depthwise
  }
  const heads = attn.numHeads;
  const d = getAttention(registryName);
  if (attn instanceof FLattenSwinAttention) {
    const ws2 = attn.window * attn.window;
    return (n / ws2) * d.cost({ tokens: ws2, dim: c, numHeads: heads, kernelSize: attn.kernelSize }).flops;
  }
  if (attn instanceof FLattenAttention) return d.cost({ tokens: n, dim: c, numHeads: heads, srRatio: attn.srRatio, linear: attn.linear ? 1 : 0, kernelSize: attn.kernelSize }).flops;
  if (attn instanceof FLattenCSwinAttention) return d.cost({ tokens: n, dim: c, numHeads: heads, kernelSize: attn.kernelSize }).flops;
  if (attn instanceof FLattenClsAttention) return d.cost({ tokens: n, dim: c, numHeads: heads, kernelSize: attn.kernelSize, clsTokens: attn.clsTokens ?? 0 }).flops;
  if (attn instanceof SoftmaxAttention) return d.cost({ tokens: n, dim: c, numHeads: heads }).flops;
  const cfg = attn.getConfig() as Record<string, unknown>;
  const numeric: Record<string, number> = {};
  for (const [k, v] of Object.entries(cfg)) if (typeof v === 'number') numeric[k] = v;
  return d.cost({ ...numeric, tokens: n, dim: c, numHeads: heads }).flops;
}
