import * as tf from '@tensorflow/tfjs-core';
import { fusedBackend, runFused } from '../registry.js';
import { AFT_SIMPLE, AFT_SIMPLE_GRAD, type AftSimpleAttrs } from './names.js';
import { aftSimpleReference, runningMaxScan } from './reference.js';
import './wasm.js';
import './webgpu.js';

export { aftSimpleReference, runningMaxScan };

/**
 * AFT-simple (Zhai et al. 2021, Eq. 5), Y_t = σ(Q_t) ⊙ Σ_t' softmax_t'(K) ⊙ V_t' (causal: t' ≤ t), on
 * q, k, v `[..., T, C]`: one fused kernel per backend (wasm: C a multiple of 4) with its
 * gradient kernel, or the stock chain. Inputs assumed checked.
 */
export function aftSimpleKernel(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, options: { causal?: boolean } = {}): tf.Tensor {
  const [t, c] = q.shape.slice(-2) as [number, number];
  const l = q.size / (t * c);
  const to3 = (x: tf.Tensor) => tf.reshape(x, [l, t, c]) as tf.Tensor3D;
  const backend = fusedBackend(AFT_SIMPLE);
  if (!backend || (backend === 'wasm' && c % 4 !== 0)) return tf.tidy(() => tf.reshape(aftSimpleReference(to3(q), to3(k), to3(v), options), q.shape));
  const attrs: AftSimpleAttrs = { causal: options.causal ?? false };
  const fused = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [a, b, d] = args as tf.Tensor3D[];
    const [y, stats] = runFused<tf.Tensor[]>(AFT_SIMPLE, { q: a!, k: b!, v: d! }, attrs);
    save([a!, b!, d!, stats!]);
    stats!.dispose();
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sq, sk, sv, ss] = saved as tf.Tensor3D[];
        return runFused<tf.Tensor[]>(AFT_SIMPLE_GRAD, { q: sq!, k: sk!, v: sv!, stats: ss!, dy: dy as tf.Tensor }, attrs);
      },
    };
  });
  return tf.tidy(() => tf.reshape(fused(to3(q), to3(k), to3(v)), q.shape));
}
