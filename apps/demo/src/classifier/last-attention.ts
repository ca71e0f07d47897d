// Finding the last attention layer of a loaded model and the tokens it sees.
import * as tf from '@tensorflow/tfjs-core';
import { model as functionalModel, type LayersModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { AttentionLayer, TransformerBlock, TransformerEncoder } from '@attention-zoo/attention-core';
import { layerNorm } from '@attention-zoo/attention-core/ops';

export interface LastAttention {
  /** The attention layer of the last attention-bearing layer. */
  attention: AttentionLayer;
  /** Where it sits: `encoder_1 › block 2 › attn`, … */
  path: string;
  /** The `[batch, tokens, dim]` input the attention receives for a model input. Caller disposes. */
  tokensFor(input: tf.Tensor): tf.Tensor3D;
}

/** The input of a block's attention: LayerNorm(norm1) of the block input (pre-norm block). */
function blockAttentionInput(block: TransformerBlock, x: tf.Tensor): tf.Tensor3D {
  const w = (p: string) => block.weight(p).read() as tf.Tensor1D;
  return layerNorm(x, w('norm1/gamma'), w('norm1/beta'), block.layerNormEpsilon) as tf.Tensor3D;
}

/**
 * The last layer of `m` that holds attention — an attention layer itself, a
 * `TransformerBlock` or a `TransformerEncoder` (its last block) — with a
 * function computing that attention's input tokens. Null when there is none.
 */
export function lastAttention(m: LayersModel): LastAttention | null {
  for (let i = m.layers.length - 1; i >= 0; i--) {
    const l = m.layers[i]!;
    if (!(l instanceof AttentionLayer || l instanceof TransformerBlock || l instanceof TransformerEncoder)) continue;
    // The sub-model from the model input to this layer's (first) input.
    const inbound = l.getInputAt(0);
    const upTo = functionalModel({ inputs: m.inputs, outputs: (Array.isArray(inbound) ? inbound[0] : inbound) as SymbolicTensor });
    const before = (input: tf.Tensor) => upTo.predict(input) as tf.Tensor3D;
    if (l instanceof AttentionLayer) return { attention: l, path: l.name, tokensFor: before };
    if (l instanceof TransformerBlock) {
      return { attention: l.attn, path: `${l.name} › attn`, tokensFor: (input) => tf.tidy(() => blockAttentionInput(l, before(input))) };
    }
    const blocks = l.blocks;
    const last = blocks[blocks.length - 1]!;
    return {
      attention: last.attn,
      path: `${l.name} › block ${blocks.length} › attn`,
      tokensFor: (input) =>
        tf.tidy(() => {
          let x: tf.Tensor = before(input);
          for (const b of blocks.slice(0, -1)) x = b.call(x, {}) as tf.Tensor;
          return blockAttentionInput(last, x);
        }),
    };
  }
  return null;
}

/**
 * What the drawing's tokens receive from the attention, averaged over heads:
 * with a class token (N = h·w + 1) the class token's row over the patches,
 * otherwise the mean over queries of each key's column. `[h·w]`, sums to 1
 * per query for softmax-like maps.
 */
export function attentionOverGrid(map: Float32Array, heads: number, n: number, grid: [number, number]): Float32Array {
  const cells = grid[0] * grid[1];
  const cls = n === cells + 1;
  if (!cls && n !== cells) throw new Error(`the attention has ${n} tokens, which is neither the ${grid[0]}×${grid[1]} grid nor the grid plus a class token`);
  const out = new Float32Array(cells);
  for (let h = 0; h < heads; h++) {
    const a = map.subarray(h * n * n, (h + 1) * n * n);
    if (cls) for (let j = 0; j < cells; j++) out[j] += a[j + 1]! / heads;
    else for (let q = 0; q < n; q++) for (let j = 0; j < n; j++) out[j] += a[q * n + j]! / (heads * n);
  }
  return out;
}
