import * as tf from '@tensorflow/tfjs-core';
import { registerFixtureHandlers, type FixtureCase, type FixtureHandler } from '@attention-zoo/attention-core';
import type { Backbone } from '../core/backbone.js';
import { CSwin } from './cswin.js';
import { Pvt } from './pvt.js';
import { Swin } from './swin.js';

type Quad = [number, number, number, number];

const num = (f: FixtureCase, key: string) => f.config[key] as number;
const list = <T extends number[]>(f: FixtureCase, key: string) => f.config[key] as T;

/** Loads the case's official state_dict into the model, runs the NCHW input as NHWC images. */
function runModel(model: Backbone, f: FixtureCase): tf.Tensor {
  try {
    model.loadTorchStateDict(f.stateDict());
    return tf.tidy(() => model.apply(tf.transpose(f.tensor('input'), [0, 2, 3, 1])) as tf.Tensor);
  } finally {
    model.dispose();
  }
}

/** Official FLatten attn_type letters → the stage attentions: 'L' focused linear, 'S' the model's own softmax attention. */
const letters = (f: FixtureCase) => (f.config['attn_type'] as string).split('');

/** The options every reduced official model of the cases shares. */
const common = (f: FixtureCase) => ({ imageSize: num(f, 'img_size'), numClasses: num(f, 'num_classes'), qkvBias: f.config['qkv_bias'] === true });

/**
 * Whole reduced models of LeapLabTHU/FLatten-Transformer (logits), built by this package's model classes:
 * cases of no single variant, so the package registers them (`pnpm fixtures`).
 */
const MODEL_FIXTURES: FixtureHandler[] = [
  // models/flatten_pvt.py PyramidVisionTransformer: 'L' stages FocusedLinearAttention(sr_ratio = la_sr_ratios[i]), 'S' PVT's SRA.
  {
    variants: ['pvt_reduced'],
    run: (f) => {
      const la = (f.config['la_sr_ratios'] as string).split('').map(Number);
      const sr = list(f, 'sr_ratios');
      const [k, p] = [num(f, 'kernel_size'), num(f, 'focusing_factor')];
      const attention = letters(f).map((t, i) => (t === 'L' ? { name: 'flatten', srRatio: la[i], kernelSize: k, focusingFactor: p } : { name: 'spatial-reduction', srRatio: sr[i] }));
      const sizes = { embedDims: list<Quad>(f, 'embed_dims'), numHeads: list<Quad>(f, 'num_heads'), mlpRatios: list<Quad>(f, 'mlp_ratios'), depths: list<Quad>(f, 'depths') };
      // FLatten's PatchEmbed passes the model's norm_layer (ε 1e-6); PVT's own uses nn.LayerNorm (1e-5)
      return runModel(new Pvt({ ...common(f), ...sizes, finalNorm: false, patchEmbedEpsilon: 1e-6, attention }), f);
    },
  },
  // models/flatten_swin.py FLattenSwinTransformer: 'L' stages focused linear windows, 'S' Swin WindowAttention.
  {
    variants: ['swin_reduced'],
    run: (f) => {
      const ws = num(f, 'window_size');
      const attention = letters(f).map((t) =>
        t === 'L'
          ? { name: 'flatten-swin', windowSize: ws, kernelSize: num(f, 'kernel_size'), focusingFactor: num(f, 'focusing_factor') }
          : { name: 'swin-window', windowSize: ws <= 56 ? 7 : 12 },
      );
      const sizes = { embedDim: num(f, 'embed_dim'), depths: list(f, 'depths'), numHeads: list(f, 'num_heads'), mlpRatio: num(f, 'mlp_ratio'), patchSize: num(f, 'patch_size') };
      return runModel(new Swin({ ...common(f), ...sizes, attention }), f);
    },
  },
  // models/flatten_cswin.py CSWinTransformer: 'L' stages split = la_split_size (global), 'S' LePEAttention with split_size.
  {
    variants: ['cswin_reduced'],
    run: (f) => {
      const la = (f.config['la_split_size'] as string).split('-').map(Number);
      const split = list(f, 'split_size');
      const attention = letters(f).map((t, i) =>
        t === 'L' && la[i]! >= num(f, 'img_size') / 4 / 2 ** i
          ? { name: 'flatten-cswin', kernelSize: num(f, 'kernel_size'), focusingFactor: num(f, 'focusing_factor') }
          : { name: 'cswin-lepe', splitSize: split[i] },
      );
      const sizes = { embedDim: num(f, 'embed_dim'), depths: list<Quad>(f, 'depth'), numHeads: list<Quad>(f, 'num_heads'), mlpRatio: num(f, 'mlp_ratio') };
      return runModel(new CSwin({ ...common(f), ...sizes, attention }), f);
    },
  },
];

registerFixtureHandlers(MODEL_FIXTURES, '@attention-zoo/vision-backbones');
