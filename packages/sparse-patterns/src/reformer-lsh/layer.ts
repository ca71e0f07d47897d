import * as tf from '@tensorflow/tfjs-core';
import {
  AttentionConfigError,
  AttentionLayer,
  defineCapabilities,
  type AttentionConfig,
  type MixContext,
  type Projection,
} from '@attention-zoo/attention-core';
import { mergeHeads, splitHeads } from '@attention-zoo/attention-core/ops';
import { keyValid, mergeBatchHeads } from '../shared/blocks.js';
import { checkInt } from '../shared/checks.js';
import { checkBuckets, hashBuckets, lshRotations } from './hashing.js';
import { lshAttention } from './op.js';

export interface LshAttentionConfig extends AttentionConfig {
  /** c: tokens per chunk of the sorted sequence; N must be a multiple. Default 16. */
  chunkLength?: number;
  /** n_buckets, even. Default 8 (the paper picks ≈ 2N/c). */
  numBuckets?: number;
  /** Hash rounds n_rounds. Default 2 (paper: 1–8; more rounds approach full attention). */
  numHashes?: number;
  /** Seed of the random rotations (fixed per layer). Default `seed`, else drawn once at construction and kept in the config. */
  hashSeed?: number;
  /** Logit scale; default headDim^-½. */
  scale?: number;
}

/**
 * Reformer LSH attention (Kitaev et al. 2020): shared-QK attention restricted
 * to the chunk of a token's hash bucket and the chunk before, over several
 * hash rounds. The layer has q and v projections only (the key is the
 * normalised query). See `lshAttention` for the computation; memory O(R·N·c).
 * No incremental form (no `step`): the chunks are cut from the sequence sorted by bucket,
 * so which earlier keys a token sees depends on where later tokens hash.
 */
export class LshAttention extends AttentionLayer {
  static className = 'AttentionZoo>LshAttention';
  static override capabilities = defineCapabilities({ causal: true, keyPaddingMask: true, variableLength: false, attentionMap: 'exact' });

  readonly chunkLength: number;
  readonly numBuckets: number;
  readonly numHashes: number;
  readonly hashSeed: number;
  readonly scale: number;
  private rotationValues?: Float32Array;

  constructor(config: LshAttentionConfig) {
    super(config);
    this.chunkLength = checkInt(this.who, 'chunkLength', config.chunkLength ?? 16, 1);
    this.numBuckets = checkBuckets(this.who, config.numBuckets ?? 8);
    this.numHashes = checkInt(this.who, 'numHashes', config.numHashes ?? 2, 1);
    this.hashSeed = config.hashSeed ?? this.seed ?? Math.floor(Math.random() * 2 ** 31);
    if (!Number.isInteger(this.hashSeed)) throw new AttentionConfigError(`${this.who}: hashSeed must be an integer, got ${config.hashSeed}`);
    this.scale = config.scale ?? 1 / Math.sqrt(this.headDim);
    if (!(this.scale > 0 && Number.isFinite(this.scale))) throw new AttentionConfigError(`${this.who}: scale must be a positive finite number, got ${config.scale}`);
  }

  protected override projections(): readonly Projection[] {
    return ['q', 'v'];
  }

  /** This layer's rotations `[heads, headDim, numHashes, numBuckets/2]`, reproducible from `hashSeed`. */
  rotations(): tf.Tensor4D {
    this.rotationValues ??= lshRotations({ numHeads: this.numHeads, headDim: this.headDim, numHashes: this.numHashes, numBuckets: this.numBuckets, seed: this.hashSeed });
    return tf.tensor4d(this.rotationValues, [this.numHeads, this.headDim, this.numHashes, this.numBuckets / 2]);
  }

  /**
   * The bucket of every token in every head and round for input `x`:
   * int32 `[batch, heads, numHashes, tokens]`; padding (keyPaddingMask 0) gets
   * bucket `numBuckets`. For visualisation.
   */
  bucketAssignment(x: tf.Tensor3D, keyPaddingMask?: tf.Tensor2D): tf.Tensor4D {
    if (!this.built) tf.dispose(this.apply(x) as tf.Tensor);
    this.checkInputs(x, x, keyPaddingMask);
    return tf.tidy(() => {
      const [b, n] = x.shape;
      const q = mergeBatchHeads(splitHeads(this.project('q', x), this.numHeads));
      const valid = keyPaddingMask ? keyValid(tf.cast(keyPaddingMask, 'float32') as tf.Tensor2D, b, this.numHeads, n, n) : undefined;
      return tf.cast(tf.reshape(hashBuckets(q, this.rotations(), this.numHeads, valid), [b, this.numHeads, this.numHashes, n]), 'int32') as tf.Tensor4D;
    });
  }

  private attend(q: tf.Tensor4D, v: tf.Tensor4D, ctx: MixContext, train: boolean): tf.Tensor4D {
    return lshAttention(q, v, {
      chunkLength: this.chunkLength,
      numBuckets: this.numBuckets,
      numHashes: this.numHashes,
      rotations: this.rotations(),
      causal: this.causal,
      scale: this.scale,
      keyPaddingMask: ctx.keyPaddingMask,
      ...(train ? { dropout: this.dropout, training: ctx.training, seed: ctx.seed } : {}),
    });
  }

  protected override mixTokens(x: tf.Tensor3D, _context: tf.Tensor3D, ctx: MixContext): tf.Tensor3D {
    const h = this.numHeads;
    return mergeHeads(this.attend(splitHeads(this.project('q', x), h), splitHeads(this.project('v', x), h), ctx, true));
  }

  /** Exactly the weights the chunked computation applies: run it with the identity as values (small N only). */
  protected override computeAttentionMap(x: tf.Tensor3D, _context: tf.Tensor3D, ctx: MixContext): tf.Tensor4D {
    const [b, n] = x.shape;
    const q = splitHeads(this.project('q', x), this.numHeads);
    const identity = tf.broadcastTo(tf.reshape(tf.eye(n), [1, 1, n, n]), [b, this.numHeads, n, n]) as tf.Tensor4D;
    return this.attend(q, identity, ctx, false);
  }

  protected override variantConfig(): Record<string, unknown> {
    return { chunkLength: this.chunkLength, numBuckets: this.numBuckets, numHashes: this.numHashes, hashSeed: this.hashSeed, scale: this.scale };
  }
}
