import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { aftConv, aftFull, aftLocal, aftSimple } from '@attention-zoo/aft';

// [batch, tokens, channels] (or heads-first [batch, heads, tokens, headDim]): AFT mixes each channel alone.
const [q, k, v] = [1, 2, 3].map((seed) => tf.randomNormal([2, 64, 32], 0, 1, 'float32', seed));
const w = tf.mul(tf.randomNormal([64, 64], 0, 1, 'float32', 4), 0.1) as tf.Tensor2D; // pair-wise biases w[t, t']

const full = aftFull(q!, k!, v!, w, { causal: true }); // σ(Q) ⊙ Σ_{t'≤t} exp(K + w)V / Σ_{t'≤t} exp(K + w)
const simple = aftSimple(q!, tf.add(k!, 1000), v!); // max-subtracted: no overflow even for K ≈ 1000
const local = aftLocal(q!, k!, v!, w, { windowSize: 8 }); // w inside |t − t'| < 8, 0 outside

// AFT-conv, heads-first: q, v [batch, heads, tokens, headDim], k [batch, heads, tokens, 1], w [heads, s, s].
const [qh, vh] = [5, 6].map((seed) => tf.randomNormal([2, 4, 64, 8], 0, 1, 'float32', seed) as tf.Tensor4D);
const kh = tf.randomNormal([2, 4, 64, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
const conv = aftConv(qh!, kh, vh!, tf.zeros([4, 3, 3]), { grid: [8, 8] });
console.log(full.shape, simple.shape, local.shape, conv.shape);
