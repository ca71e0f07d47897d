import * as tf from '@tensorflow/tfjs-core';
import { CSwin, Pvt, Swin, type Backbone } from '@attention-zoo/vision-backbones';
import { num, type FixtureHandler } from './handler.js';
import type { Fixture } from '../fixture.js';

const PKG = '@attention-zoo/vision-backbones';

const list = (f: Fixture, key: string) => f.meta.config[key] as number[];
type Quad = [number, number, number, number];

/** Loads the case's official state_dict into the model, runs the NCHW input as NHWC images. */
function runModel(model: Backbone, f: Fixture): tf.Tensor {
  try {
    model.loadTorchStateDict(f.stateDict());
    return tf.tidy(() => model.apply(tf.transpose(f.tensor('input'), [0, 2, 3, 1])) as tf.Tensor);
  } finally {
    model.dispose();
  }
}

/** Official FLatten attn_type letters → the stage attentions: 'L' focused linear, 'S' the model's own softmax attention. */
const letters = (f: Fixture) => (f.meta.config['attn_type'] as string).split('');

/** Whole reduced models of LeapLabTHU/FLatten-Transformer (logits), built by this package's model classes. */
export const VISION_BACKBONES_HANDLERS: FixtureHandler[] = [
  // models/flatten_pvt.py PyramidVisionTransformer: 'L' stages FocusedLinearAttention(sr_ratio = la_sr_ratios[i]).
  {
    variants: ['pvt_reduced'],
    package: PKG,
    run: (f) => {
      const la = (f.meta.config['la_sr_ratios'] as string).split('').map(Number);
      const sr = list(f, 'sr_ratios');
      const k = num(f, 'kernel_size');
      const p = num(f, 'focusing_factor');
      return runModel(
        new Pvt({
          imageSize: num(f, 'img_size'),
          numClasses: num(f, 'num_classes'),
          embedDims: list(f, 'embed_dims') as Quad,
          numHeads: list(f, 'num_heads') as Quad,
          mlpRatios: list(f, 'mlp_ratios') as Quad,
          depths: list(f, 'depths') as Quad,
          qkvBias: f.meta.config['qkv_bias'] === true,
          finalNorm: false,
          attention: letters(f).map((t, i) => (t === 'L' ? { name: 'flatten', srRatio: la[i], kernelSize: k, focusingFactor: p } : { name: 'pvt-sra', srRatio: sr[i] })),
        }),
        f,
      );
    },
  },
  // models/flatten_swin.py FLattenSwinTransformer: 'L' stages focused linear windows, 'S' Swin WindowAttention.
  {
    variants: ['swin_reduced'],
    package: PKG,
    run: (f) => {
      const ws = num(f, 'window_size');
      return runModel(
        new Swin({
          imageSize: num(f, 'img_size'),
          numClasses: num(f, 'num_classes'),
          embedDim: num(f, 'embed_dim'),
          depths: list(f, 'depths'),
          numHeads: list(f, 'num_heads'),
          mlpRatio: num(f, 'mlp_ratio'),
          patchSize: num(f, 'patch_size'),
          qkvBias: f.meta.config['qkv_bias'] === true,
          attention: letters(f).map((t) =>
            t === 'L'
              ? { name: 'flatten-swin', windowSize: ws, kernelSize: num(f, 'kernel_size'), focusingFactor: num(f, 'focusing_factor') }
              : { name: 'swin-window', windowSize: ws <= 56 ? 7 : 12 },
          ),
        }),
        f,
      );
    },
  },
  // models/flatten_cswin.py CSWinTransformer: 'L' stages split = la_split_size (global), 'S' LePEAttention with split_size.
  {
    variants: ['cswin_reduced'],
    package: PKG,
    run: (f) => {
      const la = (f.meta.config['la_split_size'] as string).split('-').map(Number);
      const split = list(f, 'split_size');
      return runModel(
        new CSwin({
          imageSize: num(f, 'img_size'),
          numClasses: num(f, 'num_classes'),
          embedDim: num(f, 'embed_dim'),
          depths: list(f, 'depth') as Quad,
          numHeads: list(f, 'num_heads') as Quad,
          mlpRatio: num(f, 'mlp_ratio'),
          qkvBias: f.meta.config['qkv_bias'] === true,
          attention: letters(f).map((t, i) =>
            t === 'L' && la[i]! >= num(f, 'img_size') / 4 / 2 ** i
              ? { name: 'flatten-cswin', kernelSize: num(f, 'kernel_size'), focusingFactor: num(f, 'focusing_factor') }
              : { name: 'cswin-lepe', splitSize: split[i] },
          ),
        }),
        f,
      );
    },
  },
];
