import * as tf from '@tensorflow/tfjs-core';
import { torch, type HostTensor } from '@attention-zoo/attention-core/weights';
import {
  dwcBranch,
  FLattenAttention,
  FLattenCSwinAttention,
  FlattenCSwinBlock,
  FLattenSwinAttention,
  FlattenSwinBlock,
  focusedLinearAttention,
} from '@attention-zoo/flatten';
import { num, type FixtureHandler } from './handler.js';
import type { Fixture } from '../fixture.js';

const PKG = '@attention-zoo/flatten';

function grid(f: Fixture): [number, number] {
  if (!f.meta.spatial) throw new Error(`${f.meta.name}: no spatial {H, W}`);
  return [f.meta.spatial.H, f.meta.spatial.W];
}

/** Builds a layer on the case's input, loads the case's state_dict with the official keys, runs it. */
function runModule(
  layer: { apply: (x: tf.Tensor) => unknown; loadTorchStateDict: (sd: Map<string, HostTensor>) => unknown; dispose: () => unknown },
  f: Fixture,
): tf.Tensor {
  try {
    layer.loadTorchStateDict(f.stateDict());
    return layer.apply(f.tensor('input')) as tf.Tensor;
  } finally {
    layer.dispose();
  }
}

/** Cases computed by @attention-zoo/flatten (FLatten, Han et al. 2023; official code LeapLabTHU/FLatten-Transformer). */
export const FLATTEN_HANDLERS: FixtureHandler[] = [
  // Focused linear attention core: φ_p over all C, then per head φ(Q)(φ(K)ᵀV/n)·z (Eq. 4, 6).
  {
    variants: ['flatten_focused'],
    package: PKG,
    run: (f) =>
      focusedLinearAttention(f.tensor('q') as tf.Tensor3D, f.tensor('k') as tf.Tensor3D, f.tensor('v') as tf.Tensor3D, {
        heads: num(f, 'heads'),
        focusingFactor: num(f, 'focusing_factor'),
        scale: f.tensor('scale') as tf.Tensor1D,
      }),
  },
  // DWC rank-restoration branch (Eq. 10-12): one depthwise conv shared by all heads.
  {
    variants: ['flatten_dwc'],
    package: PKG,
    run: (f) => {
      const [kernel] = torch.depthwiseConv2d(f.host.get('weight')!);
      return dwcBranch(f.tensor('v') as tf.Tensor3D, tf.tensor4d(kernel!.data as Float32Array, kernel!.shape as [number, number, number, number]), f.tensor('bias') as tf.Tensor1D, {
        heads: num(f, 'heads'),
        grid: [num(f, 'H'), num(f, 'W')],
      });
    },
  },
  // models/flatten_pvt.py FocusedLinearAttention, forward(x, H, W), sr_ratio 1 and 2.
  {
    variants: ['pvt_sr1', 'pvt_sr2'],
    package: PKG,
    run: (f) =>
      runModule(
        new FLattenAttention({
          dim: num(f, 'dim'),
          numHeads: num(f, 'num_heads'),
          qkvBias: f.meta.config['qkv_bias'] === true,
          srRatio: num(f, 'sr_ratio'),
          focusingFactor: num(f, 'focusing_factor'),
          kernelSize: num(f, 'kernel_size'),
          grid: grid(f),
        }),
        f,
      ),
  },
  // models/flatten_swin.py FocusedLinearAttention on [num_windows·B, 7·7, C]: one 7×7 window per sample.
  {
    variants: ['swin_window'],
    package: PKG,
    run: (f) => {
      const [wh, ww] = f.meta.config['window_size'] as [number, number];
      return runModule(
        new FLattenSwinAttention({
          dim: num(f, 'dim'),
          numHeads: num(f, 'num_heads'),
          qkvBias: f.meta.config['qkv_bias'] === true,
          grid: [wh, ww],
          windowSize: wh,
          focusingFactor: num(f, 'focusing_factor'),
          kernelSize: num(f, 'kernel_size'),
        }),
        f,
      );
    },
  },
  // models/flatten_swin.py SwinTransformerBlock with attn_type 'L', shift 0 and 3.
  {
    variants: ['swin_block_shift0', 'swin_block_shift3'],
    package: PKG,
    run: (f) =>
      runModule(
        new FlattenSwinBlock({
          dim: num(f, 'dim'),
          numHeads: num(f, 'num_heads'),
          inputResolution: f.meta.config['input_resolution'] as [number, number],
          windowSize: num(f, 'window_size'),
          shiftSize: num(f, 'shift_size'),
          mlpRatio: num(f, 'mlp_ratio'),
          qkvBias: f.meta.config['qkv_bias'] === true,
          focusingFactor: num(f, 'focusing_factor'),
          kernelSize: num(f, 'kernel_size'),
        }),
        f,
      ),
  },
  // models/flatten_cswin.py FocusedLinearAttention (idx=-1, whole map, with LePE) on projected qkv [3, B, L, C].
  {
    variants: ['cswin_global'],
    package: PKG,
    run: (f) => {
      const [h, w] = grid(f);
      const layer = new FLattenCSwinAttention({
        dim: num(f, 'dim'),
        numHeads: num(f, 'num_heads'),
        grid: [h, w],
        focusingFactor: num(f, 'focusing_factor'),
        kernelSize: num(f, 'kernel_size'),
      });
      try {
        layer.loadTorchStateDict(f.stateDict(), { keyMap: layer.innerTorchKeyMap() });
        const qkv = f.tensor('qkv');
        const [q, k, v] = tf.unstack(qkv, 0) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
        return layer.attendProjected(q, k, v);
      } finally {
        layer.dispose();
      }
    },
  },
  // models/flatten_cswin.py CSWinBlock with attn_type 'L' (reso = split_size: one global branch).
  {
    variants: ['cswin_block'],
    package: PKG,
    run: (f) =>
      runModule(
        new FlattenCSwinBlock({
          dim: num(f, 'dim'),
          numHeads: num(f, 'num_heads'),
          reso: num(f, 'reso'),
          mlpRatio: num(f, 'mlp_ratio'),
          qkvBias: f.meta.config['qkv_bias'] === true,
          focusingFactor: num(f, 'focusing_factor'),
          kernelSize: num(f, 'kernel_size'),
        }),
        f,
      ),
  },
];
