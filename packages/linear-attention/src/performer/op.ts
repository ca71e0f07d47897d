import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';
import { checkQKV, linearAttention, shiftedExp } from '@attention-zoo/attention-core/ops';

export interface FavorFeatureOptions {
  /**
   * Queries are stabilised by their own row maximum, keys by one maximum over
   * all (real) keys and features — constants that cancel in the ratio.
   */
  isQuery: boolean;
  /** Added to every feature after the exponential (official `numerical_stabilizer`); default 1e-6. */
  numericalStabilizer?: number;
  /** Keys only: `[batch, keys]`, 1 = real key. Padded keys are left out of the key maximum. */
  keyPaddingMask?: tf.Tensor2D;
  /**
   * Keys only. `'max'` (default, official code): c = the maximum of ωx′ over
   * all keys and features. `'bound'` (causal use): c = max(0, max_r ‖ω_r‖²/2 − 60),
   * which depends on ω alone — see `performerAttention`.
   */
  keyShift?: 'max' | 'bound';
}

/**
 * ω_r·x′ − ‖x′‖²/2 ≤ ‖ω_r‖²/2 for every x′ (AM–GM), so with this shift no key
 * feature exceeds e⁶⁰ ≈ 1e26: sums over any realistic N stay finite in
 * float32. It is 0 unless some ‖ω_r‖² > 120 (head widths beyond ~100).
 */
function boundShift(projection: tf.Tensor2D): tf.Tensor {
  return tf.relu(tf.sub(tf.max(tf.div(tf.sum(tf.square(projection), 1), 2)), 60));
}

/**
 * Positive random features for the softmax kernel, FAVOR+ (Choromanski et al.
 * 2021, Lemma 1, Eq. 7 with h(x) = exp(−‖x‖²/2)):
 *
 *   φ(x) = m^-½ · (exp(ωx′ − ‖x′‖²/2 − c) + ε),   x′ = x · d^-¼
 *
 * so that E[φ(q)ᵀφ(k)] ∝ exp(qᵀk/√d). The shift c (official code) is the
 * row maximum of ωx′ for a query and the maximum of ωx′ over all keys and
 * features for keys; both cancel exactly in D⁻¹φ(Q)(φ(K)ᵀV) when ε = 0.
 * x `[B, H, N, d]`, ω `[m, d]` → `[B, H, N, m]`.
 */
export function favorFeatureMap(x: tf.Tensor4D, projection: tf.Tensor2D, options: FavorFeatureOptions): tf.Tensor4D {
  const [b, h, n, d] = x.shape;
  checkProjection(projection, d, 'favorFeatureMap');
  const m = projection.shape[0];
  const eps = options.numericalStabilizer ?? 1e-6;
  if (!(eps >= 0) || !Number.isFinite(eps)) throw new AttentionInputError(`favorFeatureMap: numericalStabilizer must be a finite number ≥ 0, got ${eps}`);
  const mask = options.keyPaddingMask;
  if (mask && (options.isQuery || mask.rank !== 2 || mask.shape[0] !== b || mask.shape[1] !== n)) {
    throw new AttentionInputError(
      options.isQuery
        ? 'favorFeatureMap: a keyPaddingMask applies to keys only (isQuery: false)'
        : `favorFeatureMap: keyPaddingMask must be [batch, keys] = [${b}, ${n}], got [${mask.shape.join(', ')}]`,
    );
  }
  return tf.tidy(() => {
    const xs = tf.mul(x, d ** -0.25); // x′ = x·d^-¼, [B, H, N, d]
    const a = tf.reshape(tf.matMul(tf.reshape(xs, [b * h * n, d]), projection, false, true), [b, h, n, m]); // ωx′, [B, H, N, m]
    const diag = tf.div(tf.sum(tf.square(xs), -1, true), 2); // ‖x′‖²/2, [B, H, N, 1]
    let shifted: tf.Tensor4D;
    if (options.isQuery) {
      shifted = shiftedExp(a, 3).exp as tf.Tensor4D; // exp(ωx′ − max_m ωx′)
    } else if (options.keyShift === 'bound') {
      const keep = options.keyPaddingMask ? tf.reshape(tf.cast(options.keyPaddingMask, 'float32'), [b, 1, n, 1]) : undefined;
      const e = tf.exp(tf.sub(a, boundShift(projection)));
      shifted = (keep ? tf.mul(e, keep) : e) as tf.Tensor4D;
    } else {
      // Padded keys go to −1e30 so they neither set the maximum nor keep weight.
      const keep = options.keyPaddingMask ? tf.reshape(tf.cast(options.keyPaddingMask, 'float32'), [b, 1, n, 1]) : undefined;
      const masked = keep ? tf.add(a, tf.mul(tf.sub(keep, 1), 1e30)) : a;
      shifted = shiftedExp(masked, [2, 3]).exp as tf.Tensor4D; // exp(ωx′ − max_{N,m} ωx′)
    }
    return tf.mul(tf.add(tf.mul(shifted, tf.exp(tf.neg(diag))), eps), 1 / Math.sqrt(m)) as tf.Tensor4D;
  });
}

function checkProjection(projection: tf.Tensor, d: number, who: string): void {
  if (!(projection instanceof tf.Tensor) || projection.rank !== 2 || projection.shape[1] !== d) {
    const got = projection instanceof tf.Tensor ? `[${projection.shape.join(', ')}]` : String(projection);
    throw new AttentionInputError(`${who}: projection must be [numFeatures, headDim=${d}], got ${got}`);
  }
  if (projection.shape[0] < 1) throw new AttentionInputError(`${who}: projection needs at least 1 feature (row), got 0`);
}

export interface PerformerAttentionOptions {
  /** The random projection ω `[m, headDim]`, shared by all heads (see `orthogonalRandomFeatures`). */
  projection: tf.Tensor2D;
  causal?: boolean;
  /** ε added to every feature (official `numerical_stabilizer`), default 1e-6. */
  numericalStabilizer?: number;
  /**
   * Added to the normaliser D. Default 1e-30: the official code adds nothing;
   * this only turns 0/0 into 0 for a sample whose keys are all padding
   * (with ε > 0, D ≥ ε² for any real key, so it changes nothing else).
   */
  eps?: number;
  chunkSize?: number;
  keyPaddingMask?: tf.Tensor2D;
}

/**
 * Performer attention, FAVOR+ (Choromanski et al. 2021, Eq. 4 / §2.2 and
 * Algorithm 1): out = D⁻¹(φ(Q)(φ(K)ᵀV)), D = diag(φ(Q)φ(K)ᵀ1), with the
 * positive orthogonal random features of `favorFeatureMap`. Causal: prefix
 * sums over j ≤ i by core's chunked scan (§2.6), never an N×N tensor.
 *
 * Causal keys are not shifted by their maximum over all positions, as the
 * official code does: with ε > 0 that makes token i depend on later keys (a
 * large later key shrinks every earlier key's features until ε dominates
 * them). They are shifted by a bound that depends on ω alone (see
 * `keyShift: 'bound'`), so the prefix sums stay finite and strictly causal.
 * q, k `[B, H, N|M, d]`, v `[B, H, M, dv]` → `[B, H, N, dv]`.
 */
export function performerAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, options: PerformerAttentionOptions): tf.Tensor4D {
  const { dk } = checkQKV(q, k, v, 'performerAttention');
  checkProjection(options.projection, dk, 'performerAttention');
  return tf.tidy(() => {
    const phiQ = favorFeatureMap(q, options.projection, { isQuery: true, numericalStabilizer: options.numericalStabilizer });
    const phiK = favorFeatureMap(k, options.projection, {
      isQuery: false,
      numericalStabilizer: options.numericalStabilizer,
      keyPaddingMask: options.keyPaddingMask,
      keyShift: options.causal ? 'bound' : 'max',
    });
    return linearAttention(phiQ, phiK, v, {
      causal: options.causal,
      eps: options.eps ?? 1e-30,
      chunkSize: options.chunkSize,
      keyPaddingMask: options.keyPaddingMask,
    });
  });
}
