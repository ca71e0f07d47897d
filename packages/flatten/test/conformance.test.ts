import * as tf from '@tensorflow/tfjs-core';
import { it } from 'vitest';
import type { AttentionCallOptions, AttentionLayer } from '@attention-zoo/attention-core';
import { conformanceChecks } from '@attention-zoo/attention-core/testing';
import { backendSuite, testBackends } from '@attention-zoo/test-utils';
import '@attention-zoo/flatten';
import { FLattenClsAttention, FLattenSwinAttention } from '@attention-zoo/flatten';
import { hostFocusedReference, swinWindows, type HostWindow } from './host-reference.js';

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

/** The host float64 reference of each form, on the layer's own weights. */
function reference(windows: (layer: AttentionLayer) => HostWindow[], lepe = false) {
  return async (layer: AttentionLayer, x: tf.Tensor3D, options: AttentionCallOptions) => {
    const l = layer as AttentionLayer & { focusingFactor: number };
    const { data, shape } = await hostFocusedReference(layer, x, windows(layer), {
      p: l.focusingFactor,
      causal: layer.causal,
      lepe,
      keyPaddingMask: options.keyPaddingMask,
    });
    return tf.tensor(Float32Array.from(data), shape);
  };
}

const whole = (layer: AttentionLayer): HostWindow[] => [{ tokens: range(layer.grid![0] * layer.grid![1]), grid: layer.grid! }];

const forms = [
  { name: 'flatten', config: { dim: 16, numHeads: 2, grid: [4, 4] as [number, number] }, denseReference: reference(whole) },
  {
    name: 'flatten-swin',
    // 2×2 windows shifted by 1: four windows with wrap-around, no shifted-window mask.
    config: { dim: 16, numHeads: 2, grid: [4, 4] as [number, number], windowSize: 2, shiftSize: 1, kernelSize: 3 },
    denseReference: reference((l) => {
      const s = l as FLattenSwinAttention;
      return swinWindows(4, 4, s.window, s.shift);
    }),
  },
  { name: 'flatten-cswin', config: { dim: 16, numHeads: 2, grid: [4, 4] as [number, number] }, denseReference: reference(whole, true) },
  {
    name: 'flatten-cls',
    config: { dim: 16, numHeads: 2, grid: [4, 4] as [number, number] },
    tokens: 17,
    denseReference: reference((l) => [{ tokens: range(17), grid: l.grid!, cls: (l as FLattenClsAttention).clsTokens! }]),
  },
];

for (const backend of await testBackends(['cpu', 'wasm', 'webgpu'])) {
  for (const form of forms) {
    backendSuite(`${form.name} conformance`, backend, () => {
      for (const check of conformanceChecks(form)) it(check.name, check.run);
    });
  }
}
