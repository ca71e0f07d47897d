import type { AttentionLayer } from '@attention-zoo/attention-core';
import { OnnxGraph } from './graph.js';

/** A layer's weight by path, read back from its backend. */
interface Weight {
  values: Float32Array;
  shape: number[];
}

type Mixing = (g: OnnxGraph, q: string, k: string, v: string, w: Weights) => string | Promise<string>;

interface Weights {
  get(path: string): Weight;
  layer: AttentionLayer;
  batch: number;
  tokens: number;
}

/**
 * The same layer as an ONNX graph with the same weights: input `x` `[B, N, C]` →
 * q/k/v projections → the variant's mixing → output projection, op for op the
 * computation our layer does (so outputs agree to float32 rounding). Variants
 * without an ONNX form here are `undefined` in `ONNX_LAYERS`.
 */
export async function onnxLayer(layer: AttentionLayer, batch: number, tokens: number): Promise<Uint8Array> {
  const variant = ONNX_LAYERS[layerVariant(layer)];
  if (!variant) throw new Error(`no ONNX form of ${layer.getClassName()}`);
  const read = new Map<string, Weight>();
  for (const path of layer.weightPaths()) {
    const t = layer.weight(path).read();
    read.set(path, { values: (await t.data()) as Float32Array, shape: t.shape });
  }
  const w: Weights = {
    get: (p) => {
      const x = read.get(p);
      if (!x) throw new Error(`${layer.name} has no weight '${p}'`);
      return x;
    },
    layer,
    batch,
    tokens,
  };
  const c = layer.dim;
  const g = new OnnxGraph(layer.name);
  const x = g.input('x', [batch, tokens, c]);
  const dense = (input: string, p: string) => {
    const kernel = w.get(`${p}/kernel`);
    const y = g.matMul(input, g.floats(kernel.values, kernel.shape, p));
    return layer.qkvBias || p === 'out' ? g.add(y, g.floats(w.get(`${p}/bias`).values, [c], p)) : y;
  };
  const mixed = await variant(g, dense(x, 'q'), dense(x, 'k'), dense(x, 'v'), w); // [B, N, C]
  g.output(dense(mixed, 'out'), [batch, tokens, c]);
  return g.encode();
}

/** The registry name a layer class stands for (the bench builds layers through the registry). */
function layerVariant(layer: AttentionLayer): string {
  return CLASS_TO_VARIANT[layer.getClassName()] ?? layer.getClassName();
}

const CLASS_TO_VARIANT: Record<string, string> = {
  'AttentionZoo>SoftmaxAttention': 'softmax',
  'AttentionZoo>LinearEluAttention': 'linear-elu',
  'AttentionZoo>AftSimple': 'aft-simple',
  'AttentionZoo>FLattenAttention': 'flatten',
  'AttentionZoo>LocalAttention': 'local',
};

/** `[B, N, C]` → `[B, h, N, d]`. */
function split(g: OnnxGraph, x: string, w: Weights): string {
  const { numHeads: h, headDim: d } = w.layer;
  return g.transpose(g.reshape(x, [w.batch, w.tokens, h, d]), [0, 2, 1, 3]);
}

/** `[B, h, N, d]` → `[B, N, C]`. */
function merge(g: OnnxGraph, x: string, w: Weights): string {
  return g.reshape(g.transpose(x, [0, 2, 1, 3]), [w.batch, w.tokens, w.layer.dim]);
}

/** φ(Q)(φ(K)ᵀV) / (φ(Q)·Σφ(K) + ε), K^T V first (Katharopoulos et al. 2020, Eq. 6). */
function linearMix(g: OnnxGraph, phiQ: string, phiK: string, v: string, eps: number): string {
  const kv = g.matMul(g.transpose(phiK, [0, 1, 3, 2]), v); // [B, h, d, dv]
  const ksum = g.transpose(g.reduceSum(phiK, [2]), [0, 1, 3, 2]); // [B, h, d, 1]
  return g.div(g.matMul(phiQ, kv), g.add(g.matMul(phiQ, ksum), g.scalar(eps)));
}

const option = (layer: AttentionLayer, key: string): number => {
  const v = (layer as unknown as Record<string, unknown>)[key];
  if (typeof v !== 'number') throw new Error(`${layer.name}: no numeric option '${key}'`);
  return v;
};

const ONNX_LAYERS: Record<string, Mixing | undefined> = {
  // softmax(q kᵀ · s) v, Vaswani et al. 2017, Eq. 1
  softmax: (g, q, k, v, w) => {
    const qs = g.mul(split(g, q, w), g.scalar(option(w.layer, 'scale')));
    const a = g.op('Softmax', [g.matMul(qs, g.transpose(split(g, k, w), [0, 1, 3, 2]))], { axis: -1 });
    return merge(g, g.matMul(a, split(g, v, w)), w);
  },

  'linear-elu': (g, q, k, v, w) => {
    const phi = (x: string) => g.add(g.op('Elu', [split(g, x, w)]), g.scalar(1));
    return merge(g, linearMix(g, phi(q), phi(k), split(g, v, w), option(w.layer, 'eps')), w);
  },

  // σ(Q) ⊙ Σ_t exp(K_t − max K) V_t / Σ_t exp(K_t − max K), Zhai et al. 2021, Eq. 5
  'aft-simple': (g, q, k, v) => {
    const ek = g.op('Exp', [g.sub(k, g.reduceMax(k, [1]))]);
    return g.mul(g.op('Sigmoid', [q]), g.div(g.reduceSum(g.mul(ek, v), [1]), g.reduceSum(ek, [1])));
  },

  // FLatten, PVT form, srRatio 1 (Han et al. 2023, Eq. 4, 6, 12), as packages/flatten computes it.
  flatten: (g, q, k, v, w) => {
    const { layer } = w;
    const c = layer.dim;
    const p = option(layer, 'focusingFactor');
    const temperature = g.op('Softplus', [g.floats(w.get('scale').values, [c], 'scale')]);
    const l2 = (x: string) => g.op('Sqrt', [g.reduceSum(g.mul(x, x), [-1])]);
    const phi = (x: string) => {
      const y = g.div(g.add(g.op('Relu', [x]), g.scalar(1e-6)), temperature);
      const m = g.reduceMax(y, [-1]);
      const unit = g.div(y, m);
      const norm = g.mul(l2(unit), m);
      let xp = unit;
      for (let i = 1; i < p; i++) xp = g.mul(xp, unit);
      return g.mul(xp, g.div(norm, l2(xp)));
    };
    const pos = w.get('positionalEncoding');
    const kp = g.add(k, g.floats(pos.values, pos.shape, 'pos'));
    const attn = merge(g, linearMix(g, split(g, phi(q), w), split(g, phi(kp), w), split(g, v, w), w.tokens * 1e-6), w);
    // DWC(V): one depthwise k×k conv over each head's [H, W, d] map, heads folded into the batch.
    const [gh, gw] = layer.grid!;
    const { numHeads: h, headDim: d } = layer;
    const kernel = w.get('dwc/kernel'); // [k, k, d, 1]
    const ks = kernel.shape[0]!;
    const oihw = new Float32Array(d * ks * ks); // [d, 1, k, k]
    for (let y = 0; y < ks; y++) for (let x = 0; x < ks; x++) for (let j = 0; j < d; j++) oihw[(j * ks + y) * ks + x] = kernel.values[(y * ks + x) * d + j]!;
    const maps = g.reshape(g.transpose(g.reshape(v, [w.batch, gh, gw, h, d]), [0, 3, 4, 1, 2]), [w.batch * h, d, gh, gw]);
    const pad = (ks - 1) / 2;
    const conv = g.op('Conv', [maps, g.floats(oihw, [d, 1, ks, ks], 'dwc'), g.floats(w.get('dwc/bias').values, [d], 'dwc')], {
      group: d, pads: [pad, pad, pad, pad], kernel_shape: [ks, ks],
    });
    const dwc = g.reshape(g.transpose(g.reshape(conv, [w.batch, h, d, w.tokens]), [0, 3, 1, 2]), [w.batch, w.tokens, c]);
    return g.add(attn, dwc);
  },

  // Sliding window |i − j| ≤ r in blocks of c = r tokens: query block t sees key blocks t−1, t, t+1.
  local: (g, q, k, v, w) => {
    const { layer, batch, tokens: n } = w;
    if (option(layer, 'dilation') !== 1 || layer.causal) throw new Error('the ONNX local layer is the non-causal, undilated window');
    const r = option(layer, 'radius');
    const c = Math.max(r, 1);
    const nb = Math.ceil(n / c);
    const bh = batch * layer.numHeads;
    const d = layer.headDim;
    const tokensOf = (x: string) => g.reshape(split(g, x, w), [bh, n, d]);
    const padTokens = (x: string, before: number, after: number) => g.op('Pad', [x, g.ints([0, before, 0, 0, after, 0])]);
    const blocks = (x: string) => g.reshape(padTokens(x, 0, nb * c - n), [bh, nb, c, d]);
    const neighbours = (x: string) => {
      const padded = g.reshape(padTokens(x, c, nb * c - n + c), [bh, nb + 2, c, d]);
      const shifted = [0, 1, 2].map((s) => g.op('Slice', [padded, g.ints([s]), g.ints([s + nb]), g.ints([1])]));
      return g.op('Concat', shifted, { axis: 2 }); // [BH, nb, 3c, d]
    };
    const qs = g.mul(blocks(tokensOf(q)), g.scalar(option(layer, 'scale')));
    const logits = g.matMul(qs, g.transpose(neighbours(tokensOf(k)), [0, 1, 3, 2])); // [BH, nb, c, 3c]
    const band = new Float32Array(c * 3 * c);
    for (let a = 0; a < c; a++) for (let s = 0; s < 3 * c; s++) band[a * 3 * c + s] = Math.abs(s - c - a) <= r ? 0 : -1e30;
    const real = new Float32Array(nb * 3 * c);
    for (let t = 0; t < nb; t++) for (let s = 0; s < 3 * c; s++) {
      const j = (t - 1) * c + s;
      real[t * 3 * c + s] = j >= 0 && j < n ? 0 : -1e30;
    }
    const masked = g.add(g.add(logits, g.floats(band, [1, c, 3 * c], 'band')), g.floats(real, [nb, 1, 3 * c], 'real'));
    const out = g.matMul(g.op('Softmax', [masked], { axis: -1 }), neighbours(tokensOf(v))); // [BH, nb, c, d]
    const cut = g.op('Slice', [g.reshape(out, [bh, nb * c, d]), g.ints([0]), g.ints([n]), g.ints([1])]);
    return merge(g, g.reshape(cut, [batch, layer.numHeads, n, d]), w);
  },
};

/** Registry names the bench can compare with onnxruntime. */
export const ONNX_VARIANTS = Object.keys(ONNX_LAYERS);
