import * as tf from '@tensorflow/tfjs-core';
import { input as symbolicInput, layers, type LayerVariable } from '@tensorflow/tfjs-layers';
import { AttentionConfigError, AttentionInputError, NumericsError, shapeToString } from '../errors.js';
import { canReadSync, checkFiniteLater, checkFiniteNow } from '../numerics.js';
import { dense } from '../ops/dense.js';
import { mergeHeads, splitHeads } from '../ops/heads.js';
import { checkKeyPaddingMask, flushMaskChecks, keyPaddingReal } from '../ops/masks.js';
import {
  resolveAttentionConfig,
  type AttentionCapabilities,
  type AttentionConfig,
  type ResolvedAttentionConfig,
} from './config.js';
import { DEFAULT_CAPABILITIES } from './capabilities.js';
import { disposeState, type AttentionState, type AttentionStepOptions, type AttentionStepResult } from './incremental.js';
import { PathWeights, type InitSpec } from './path-weights.js';
import { declaredOptionsOf } from '../registry.js';
import { defaultLayerName } from '../blocks/layer-name.js';

type Shape = (number | null)[];

/** What a variant's mixing step sees besides q, k, v. */
export interface MixContext {
  training: boolean;
  /** `[batch, keyTokens]` float 0/1, 1 = real key. */
  keyPaddingMask?: tf.Tensor2D;
  /** Query-side tokens `[batch, tokens, dim]`, as given. */
  x: tf.Tensor3D;
  /** Key/value-side tokens (the same tensor as `x` in self-attention). */
  context: tf.Tensor3D;
  /** Seed for this call's dropout, derived from `seed` when one is configured. */
  seed?: number;
}

/** Options of an eager call (`apply(x, options)`) and of `attentionMap`, besides the input tokens. */
export interface AttentionCallOptions {
  /** Key/value tokens `[batch, keyTokens, dim]` for cross-attention. */
  context?: tf.Tensor3D;
  /** `[batch, keyTokens]`: 1 (or true) = real key, 0 = padding. */
  keyPaddingMask?: tf.Tensor2D;
  training?: boolean;
}

/** The projections a variant may use; each one it lists gets a `[dim, dim]` kernel (and bias). */
export type Projection = 'q' | 'k' | 'v';

const NAME_RE = /^[A-Za-z0-9][-A-Za-z0-9._/]*$/;

/** `AttentionZoo>SoftmaxAttention` → `softmax_attention`, `softmax_attention_1`, … */
function defaultVariantName(className: string): string {
  const bare = className.slice(className.lastIndexOf('>') + 1);
  return defaultLayerName(bare.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase());
}

/**
 * Base class of every attention layer: `[batch, tokens, dim]` → `[batch, tokens, dim]`.
 *
 * It owns what every variant repeats — the q/k/v and output projections, head
 * split and merge, dropout, input and NaN/Inf checks, weights named by path,
 * `getConfig` — so a variant writes only its mixing step:
 * - `mix(q, k, v, ctx)` on heads-first `[batch, heads, tokens, headDim]` tensors, or
 * - `mixTokens(x, context, ctx)` for variants that need the whole width
 *   (focusing over all channels, a convolution on the token grid).
 *
 * Weights (by path): `q/kernel [dim, dim]`, `q/bias [dim]`, likewise `k`, `v`
 * for the projections the variant uses, then `out/kernel`, `out/bias`, then
 * the variant's own (`buildMixing`). Inside a block the paths gain a prefix
 * (`attn/q/kernel`).
 *
 * Calls: `layer.apply(x)`, `layer.apply(x, { context, keyPaddingMask, training })`,
 * or, in a functional model, `layer.apply([x, context])` / `layer.apply([x, context, mask])`.
 */
export abstract class AttentionLayer extends layers.Layer {
  /** What this variant can do; subclasses override. Read by the registry and the conformance kit. */
  static capabilities: AttentionCapabilities = DEFAULT_CAPABILITIES;

  readonly dim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly qkvBias: boolean;
  readonly dropout: number;
  readonly projDropout: number;
  readonly causal: boolean;
  readonly grid: [number, number] | undefined;
  readonly maxTokens: number | undefined;
  readonly checkNumerics: boolean;
  readonly seed: number | undefined;

  /** NaN/Inf checks still waiting for data (webgpu, where read-back is asynchronous). */
  private pendingNumerics: Promise<void>[] = [];
  private lateNumerics: NumericsError[] = [];

  private readonly paths: PathWeights;
  private callCount = 0;

  constructor(config: AttentionConfig) {
    const className = (new.target as unknown as { className: string }).className;
    const name = config?.name ?? defaultVariantName(className);
    if (typeof name !== 'string' || !NAME_RE.test(name)) {
      throw new AttentionConfigError(
        `${className}: name must start with a letter or digit and use only letters, digits, '-', '_', '.', '/'; got ${JSON.stringify(name)}`,
      );
    }
    super({ name, trainable: config?.trainable ?? true });
    const who = `${className.slice(className.lastIndexOf('>') + 1)} '${name}'`;
    const r: ResolvedAttentionConfig = resolveAttentionConfig(who, config, this.capabilities, declaredOptionsOf(new.target));
    this.dim = r.dim;
    this.numHeads = r.numHeads;
    this.headDim = r.headDim;
    this.qkvBias = r.qkvBias;
    this.dropout = r.dropout;
    this.projDropout = r.projDropout;
    this.causal = r.causal;
    this.grid = r.grid;
    this.maxTokens = r.maxTokens;
    this.checkNumerics = r.checkNumerics;
    this.seed = r.seed;
    this.paths = new PathWeights(() => this.who, this.addWeight.bind(this), this.seed);
  }

  get capabilities(): AttentionCapabilities {
    return (this.constructor as typeof AttentionLayer).capabilities;
  }

  /** `SoftmaxAttention 'attn'`: how errors name this layer. */
  protected get who(): string {
    const cls = this.getClassName();
    return `${cls.slice(cls.lastIndexOf('>') + 1)} '${this.name}'`;
  }

  // ---- what a variant provides -------------------------------------------------

  /** The input projections this variant uses (default q, k, v). */
  protected projections(): readonly Projection[] {
    return ['q', 'k', 'v'];
  }

  /** Creates the variant's own weights with `addPathWeight`; called once from `build`. */
  protected buildMixing(_inputShape: Shape): void {}

  /** The variant's mixing step on heads-first tensors → `[batch, heads, tokens, headDim]`. */
  protected mix(_q: tf.Tensor4D, _k: tf.Tensor4D, _v: tf.Tensor4D, _ctx: MixContext): tf.Tensor4D {
    throw new Error(`${this.who}: a variant must implement mix() or mixTokens()`);
  }

  /** Attention weights `[batch, heads, queries, keys]` for `attentionMap` (variants with a map). */
  protected mixWeights(_q: tf.Tensor4D, _k: tf.Tensor4D, _ctx: MixContext): tf.Tensor4D {
    throw new Error(`${this.who}: attentionMap is not defined for this variant`);
  }

  /**
   * Incremental decoding, for variants that declare `incremental`: the state before the
   * first token, tensors by name (running sums, an empty cache, a zeroed window buffer).
   */
  protected initialMixState(_batch: number): Record<string, tf.Tensor> {
    throw new Error(`${this.who}: a variant that declares incremental must implement initialMixState()`);
  }

  /**
   * One decoding step on heads-first q, k, v of the new token `[batch, heads, 1, headDim]`:
   * the new token's mixed value `[batch, heads, 1, headDim]` and the next state's tensors.
   * `position` is the new token's index (0 for the first).
   */
  protected stepMix(
    _q: tf.Tensor4D,
    _k: tf.Tensor4D,
    _v: tf.Tensor4D,
    _state: Readonly<Record<string, tf.Tensor>>,
    _position: number,
  ): { out: tf.Tensor4D; tensors: Record<string, tf.Tensor> } {
    throw new Error(`${this.who}: a variant that declares incremental must implement stepMix() or stepTokens()`);
  }

  /**
   * One decoding step on the new token `[batch, 1, dim]` before the output projection.
   * Default: project q/k/v, split heads, `stepMix`, merge heads. Variants that mix over
   * the whole width (as `mixTokens`) override this instead.
   */
  protected stepTokens(
    x: tf.Tensor3D,
    state: Readonly<Record<string, tf.Tensor>>,
    position: number,
  ): { mixed: tf.Tensor3D; tensors: Record<string, tf.Tensor> } {
    const { q, k, v } = this.projectHeads(x, x);
    const { out, tensors } = this.stepMix(q, k, v, state, position);
    return { mixed: mergeHeads(out), tensors };
  }

  /** The variant's own config keys, merged into `getConfig()`. */
  protected variantConfig(): Record<string, unknown> {
    return {};
  }

  /**
   * Token mixing on `[batch, tokens, dim]` before the output projection.
   * Default: project q/k/v, split heads, `mix`, merge heads. Variants that need
   * the whole width override this instead of `mix`.
   */
  protected mixTokens(x: tf.Tensor3D, context: tf.Tensor3D, ctx: MixContext): tf.Tensor3D {
    const { q, k, v } = this.projectHeads(x, context);
    return mergeHeads(this.mix(q, k, v, ctx));
  }

  // ---- helpers for variants ----------------------------------------------------

  /** Applies projection `p` (`q`, `k` or `v`) to `[batch, tokens, dim]`. */
  protected project(p: Projection, x: tf.Tensor3D): tf.Tensor3D {
    const kernel = this.weight(`${p}/kernel`).read() as tf.Tensor2D;
    const bias = this.qkvBias ? (this.weight(`${p}/bias`).read() as tf.Tensor1D) : undefined;
    return dense(x, kernel, bias) as tf.Tensor3D;
  }

  /** q from `x`, k and v from `context`, each split into heads. */
  protected projectHeads(x: tf.Tensor3D, context: tf.Tensor3D): { q: tf.Tensor4D; k: tf.Tensor4D; v: tf.Tensor4D } {
    const h = this.numHeads;
    return {
      q: splitHeads(this.project('q', x), h),
      k: splitHeads(this.project('k', context), h),
      v: splitHeads(this.project('v', context), h),
    };
  }

  /**
   * Adds a weight under `path` (e.g. `dwc/kernel`), named `<prefix><path>` so
   * nested layers keep unique names in a model. Kernels are Glorot-uniform and
   * the rest zeros unless an initializer is given; seeded when `seed` is set.
   */
  protected addPathWeight(path: string, shape: number[], init?: InitSpec, trainable = true): LayerVariable {
    return this.paths.add(path, shape, init, trainable);
  }

  /** The weight at `path` (`q/kernel`, `out/bias`, …). */
  weight(path: string): LayerVariable {
    return this.paths.get(path);
  }

  /** Weight paths in creation order, e.g. `['q/kernel', 'q/bias', …]`. */
  weightPaths(): string[] {
    return this.paths.paths();
  }

  /** Prefix for weight names when this layer lives inside another (set by the parent before `build`). */
  setWeightPrefix(prefix: string): void {
    if (this.built) throw new Error(`${this.who}: setWeightPrefix must be called before the layer is built`);
    this.paths.setPrefix(prefix);
  }

  /**
   * How many dropout seeds this layer has drawn: each call's seed derives from it. Training
   * resumed in a new process sets it back to the saved count, so the resumed calls draw the
   * masks an uninterrupted run would (the trainer's checkpoints do).
   */
  get seedCounter(): number {
    return this.callCount;
  }

  set seedCounter(n: number) {
    if (!Number.isInteger(n) || n < 0) throw new Error(`${this.who}: seedCounter must be a non-negative integer, got ${n}`);
    this.callCount = n;
  }

  /** A per-call dropout seed: reproducible across runs, different across steps. */
  protected nextSeed(): number | undefined {
    return this.seed === undefined ? undefined : this.seed + 104729 * ++this.callCount;
  }

  // ---- incremental decoding ----------------------------------------------------

  /**
   * The decoding state before the first token, for a batch of `batchSize` sequences
   * (variants with `capabilities.incremental`, built with `causal: true`). Builds the
   * layer if needed. Dispose it (or the last state `step` returned) with `disposeState`.
   */
  initialState(batchSize: number): AttentionState {
    const kind = this.checkIncremental('initialState');
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new AttentionInputError(`${this.who}: initialState(batchSize) needs a positive integer, got ${JSON.stringify(batchSize)}`);
    }
    if (!this.built) {
      // A symbolic call builds the weights under this layer's name scope and computes nothing.
      const tokens = this.grid ? this.grid[0] * this.grid[1] : (this.maxTokens ?? null);
      this.apply(symbolicInput({ shape: [tokens, this.dim] }));
    }
    const tensors = tf.tidy(() => this.initialMixState(batchSize));
    return { kind, batch: batchSize, position: 0, tensors };
  }

  /**
   * Decodes one token: `x` `[batch, 1, dim]` is the token at `state.position`; returns its
   * output `[batch, 1, dim]` (what the parallel causal forward gives at that position) and
   * the next state. The given state stays valid unless `{ disposeState: true }`.
   * Inference only: no dropout.
   */
  step(x: tf.Tensor3D, state: AttentionState, options: AttentionStepOptions = {}): AttentionStepResult {
    const kind = this.checkIncremental('step');
    const expect = `[batch=${state?.batch}, 1, dim=${this.dim}]`;
    if (state == null || state.kind !== kind || !state.tensors) {
      throw new AttentionInputError(`${this.who}: step(x, state) needs a state from initialState() or a previous step()`);
    }
    if (!(x instanceof tf.Tensor) || x.rank !== 3 || x.shape[0] !== state.batch || x.shape[1] !== 1 || x.shape[2] !== this.dim) {
      throw new AttentionInputError(`${this.who}: step input must be one token ${expect}, got ${shapeToString((x as tf.Tensor)?.shape ?? [])}`);
    }
    if (Object.values(state.tensors).some((t) => t.isDisposed)) {
      throw new AttentionInputError(`${this.who}: step was given a state whose tensors are disposed (pass the state the last step returned)`);
    }
    const limit = this.grid ? this.grid[0] * this.grid[1] : this.maxTokens;
    if (limit !== undefined && state.position >= limit) {
      throw new AttentionInputError(`${this.who}: position ${state.position} is past the last token this layer was built for (${limit})`);
    }
    const { output, tensors } = tf.tidy(() => {
      const { mixed, tensors } = this.stepTokens(x, state.tensors, state.position); // [B, 1, dim]
      const output = dense(mixed, this.weight('out/kernel').read() as tf.Tensor2D, this.weight('out/bias').read() as tf.Tensor1D) as tf.Tensor3D;
      return { output, tensors };
    });
    const next: AttentionState = { kind, batch: state.batch, position: state.position + 1, tensors };
    if (options.disposeState) disposeState(state, next);
    return { output, state: next };
  }

  private checkIncremental(what: string) {
    const kind = this.capabilities.incremental;
    if (kind === undefined) {
      throw new AttentionConfigError(`${this.who}: ${what}: this variant has no incremental (token-by-token) form; decode by re-running the causal forward on the prefix`);
    }
    if (!this.causal) throw new AttentionConfigError(`${this.who}: ${what}: token-by-token decoding needs a layer built with causal: true`);
    return kind;
  }

  // ---- tf.layers.Layer --------------------------------------------------------

  override build(inputShape: Shape | Shape[]): void {
    const shapes = (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as Shape[];
    for (const [i, s] of shapes.slice(0, 2).entries()) {
      const what = i === 0 ? 'input' : 'context';
      if (s.length !== 3 || (s[2] != null && s[2] !== this.dim)) {
        throw new AttentionInputError(
          `${this.who}: ${what} must be [batch, tokens, dim=${this.dim}], got ${shapeToString(s)}`,
        );
      }
    }
    for (const [i, s] of shapes.slice(0, 2).entries()) {
      if (s[1] === 0) throw new AttentionInputError(this.noTokens(i === 0 ? 'input' : 'context', s));
    }
    const d = this.dim;
    try {
      for (const p of this.projections()) {
        this.addPathWeight(`${p}/kernel`, [d, d]);
        if (this.qkvBias) this.addPathWeight(`${p}/bias`, [d]);
      }
      this.addPathWeight('out/kernel', [d, d]);
      this.addPathWeight('out/bias', [d]);
      this.buildMixing(shapes[0]!);
    } catch (err) {
      // A failed build (an option that sizes a weight beyond the limit, a shape the variant
      // refuses) leaves no variable behind, and the layer unbuilt.
      for (const w of this.weights) w.dispose();
      // tfjs keeps the variables in two lists and their names in a third, private ones, so they are reset by name.
      Object.assign(this, { _trainableWeights: [], _nonTrainableWeights: [], _addedWeightNames: [] });
      this.paths.clear();
      throw err;
    }
    this.built = true;
  }

  private noTokens(what: string, shape: readonly (number | null)[]): string {
    return `${this.who}: ${what} has 0 tokens (shape ${shapeToString(shape)}); attention needs at least one query and one key token`;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const { x, context, keyPaddingMask } = this.unpack(inputs, kwargs);
    const training = kwargs['training'] === true;
    this.checkInputs(x, context, keyPaddingMask);
    // An empty batch has an empty output (no computation to do, and some kernels refuse size 0).
    if (x.shape[0] === 0) return tf.zeros(x.shape);
    if (this.checkNumerics) {
      this.numericsCheck(x, 'input');
      if (context !== x) this.numericsCheck(context, 'context');
    }
    const y = this.naming(() =>
      tf.tidy(() => {
        const mask = keyPaddingMask && keyPaddingReal(keyPaddingMask); // float 0/1, safe for fused kernels
        const ctx: MixContext = { training, keyPaddingMask: mask, x, context, seed: this.nextSeed() };
        const mixed = this.mixTokens(x, context, ctx); // [B, N, dim]
        let out = dense(mixed, this.weight('out/kernel').read() as tf.Tensor2D, this.weight('out/bias').read() as tf.Tensor1D);
        if (training && this.projDropout > 0) out = tf.dropout(out, this.projDropout, undefined, this.nextSeed());
        return out;
      }),
    );
    if (this.checkNumerics) {
      try {
        this.numericsCheck(y, 'output');
      } catch (err) {
        y.dispose();
        throw err;
      }
    }
    return y;
  }

  /**
   * The attention weights `[batch, heads, queries, keys]` this layer applies to
   * its values for input `x` (with the same options as a call). Dense: for
   * visualisation and analysis at small N. Throws for variants without a map.
   */
  attentionMap(x: tf.Tensor3D, options: Omit<AttentionCallOptions, 'training'> = {}): tf.Tensor4D {
    if (this.capabilities.attentionMap === 'none') {
      throw new Error(`${this.who}: attentionMap is not defined for this variant`);
    }
    const context = options.context ?? x;
    this.ensureBuilt(x, context);
    this.checkInputs(x, context, options.keyPaddingMask);
    return this.naming(() =>
      tf.tidy(() => {
        const mask = options.keyPaddingMask && keyPaddingReal(options.keyPaddingMask);
        const ctx: MixContext = { training: false, keyPaddingMask: mask, x, context };
        return this.computeAttentionMap(x, context, ctx);
      }),
    );
  }

  /** Runs `body`; an input or config error from a variant's op gains this layer's name. */
  private naming<T>(body: () => T): T {
    try {
      return body();
    } catch (err) {
      if ((err instanceof AttentionInputError || err instanceof AttentionConfigError) && !err.message.includes(this.who)) {
        const Named = err instanceof AttentionInputError ? AttentionInputError : AttentionConfigError;
        throw new Named(`${this.who}: ${err.message}`);
      }
      throw err;
    }
  }

  /** Default map: project q and k, split heads, `mixWeights`. */
  protected computeAttentionMap(x: tf.Tensor3D, context: tf.Tensor3D, ctx: MixContext): tf.Tensor4D {
    const q = splitHeads(this.project('q', x), this.numHeads);
    const k = splitHeads(this.project('k', context), this.numHeads);
    return this.mixWeights(q, k, ctx);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const own: Record<string, unknown> = {
      dim: this.dim,
      numHeads: this.numHeads,
      qkvBias: this.qkvBias,
      dropout: this.dropout,
      projDropout: this.projDropout,
      causal: this.causal,
      grid: this.grid,
      maxTokens: this.maxTokens,
      checkNumerics: this.checkNumerics,
      seed: this.seed,
      ...this.variantConfig(),
    };
    for (const key of Object.keys(own)) if (own[key] === undefined) delete own[key];
    return { ...super.getConfig(), ...(own as tf.serialization.ConfigDict) };
  }

  // ---- internals ----------------------------------------------------------------

  private ensureBuilt(x: tf.Tensor3D, context: tf.Tensor3D): void {
    if (!this.built) {
      // Building through apply() names the weights under this layer's scope, as a call would.
      tf.dispose(this.apply(context === x ? x : [x, context]) as tf.Tensor);
    }
  }

  private unpack(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: Record<string, unknown>,
  ): { x: tf.Tensor3D; context: tf.Tensor3D; keyPaddingMask?: tf.Tensor2D } {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length < 1 || list.length > 3) {
      throw new AttentionInputError(`${this.who}: expected x, [x], [x, context] or [x, context, keyPaddingMask]; got ${list.length} tensors`);
    }
    const x = list[0] as tf.Tensor3D;
    const context = (list[1] ?? (kwargs['context'] as tf.Tensor3D | undefined) ?? x) as tf.Tensor3D;
    const keyPaddingMask = (list[2] ?? kwargs['keyPaddingMask']) as tf.Tensor2D | undefined;
    return { x, context, keyPaddingMask };
  }

  /** The checks every call makes; each error names the layer, the argument and the expected shape. */
  protected checkInputs(x: tf.Tensor, context: tf.Tensor, keyPaddingMask?: tf.Tensor): void {
    const expect = `[batch, tokens, dim=${this.dim}]`;
    if (!(x instanceof tf.Tensor)) throw new AttentionInputError(`${this.who}: input must be a tf.Tensor ${expect}`);
    if (x.rank !== 3) throw new AttentionInputError(`${this.who}: input must have rank 3 ${expect}, got shape ${shapeToString(x.shape)}`);
    if (x.shape[2] !== this.dim) {
      throw new AttentionInputError(`${this.who}: input width ${x.shape[2]} does not match dim ${this.dim}; expected ${expect}, got ${shapeToString(x.shape)}`);
    }
    const [batch, tokens] = x.shape as number[];
    if (tokens === 0) throw new AttentionInputError(this.noTokens('input', x.shape));
    if (context !== x) {
      if (!this.capabilities.crossAttention) {
        throw new AttentionInputError(`${this.who}: this variant does not support cross-attention (a separate context)`);
      }
      if (context.rank !== 3 || context.shape[0] !== batch || context.shape[2] !== this.dim) {
        throw new AttentionInputError(
          `${this.who}: context must be [batch=${batch}, keyTokens, dim=${this.dim}], got ${shapeToString(context.shape)}`,
        );
      }
    }
    const keyTokens = context.shape[1]!;
    if (keyTokens === 0) throw new AttentionInputError(this.noTokens('context', context.shape));
    if (keyPaddingMask != null) {
      if (!this.capabilities.keyPaddingMask) {
        const why = this.capabilities.noKeyPaddingMaskReason;
        throw new AttentionInputError(`${this.who}: this variant does not support a key-padding mask${why ? `: ${why}` : ''}`);
      }
      checkKeyPaddingMask(keyPaddingMask, batch!, keyTokens, this.who);
    }
    if (this.maxTokens !== undefined) {
      for (const [what, n] of [['input', tokens], ['context', keyTokens]] as const) {
        if (n! > this.maxTokens) {
          throw new AttentionInputError(`${this.who}: ${what} has ${n} tokens, more than maxTokens ${this.maxTokens}`);
        }
      }
    }
    if (this.capabilities.needsGrid && this.grid) this.checkGridTokens(tokens!);
    if (this.causal && tokens !== keyTokens && !this.capabilities.crossAttention) {
      throw new AttentionInputError(`${this.who}: causal attention needs as many keys as queries`);
    }
  }

  /**
   * Spatial variants: the input must hold height × width tokens, row-major (after the class
   * tokens, for variants that declare `classTokens`). A variant with other rules overrides this.
   */
  protected checkGridTokens(tokens: number): void {
    const [h, w] = this.grid!;
    if (this.capabilities.classTokens && tokens > h * w) return;
    if (tokens !== h * w) {
      throw new AttentionInputError(
        `${this.who}: input has ${tokens} tokens but grid [${h}, ${w}] holds ${h * w}; tokens must be height × width in row-major order`,
      );
    }
  }

  private numericsCheck(t: tf.Tensor, what: string): void {
    const label = `${this.who}: ${what}`;
    if (canReadSync()) {
      checkFiniteNow(t, label);
      return;
    }
    this.pendingNumerics.push(
      checkFiniteLater(t, label).then((err) => {
        if (!err) return;
        console.error(`[checkNumerics] ${err.message}`);
        this.lateNumerics.push(err);
      }),
    );
  }

  /**
   * With `checkNumerics: true` on webgpu the NaN/Inf checks run when the data
   * arrives (read-back there is asynchronous); each problem is logged as soon
   * as it is found, and this waits for the pending checks and throws the first
   * `NumericsError`. On other backends calls throw at once and this resolves.
   * It also awaits `flushMaskChecks()`: key-padding mask values (0/1 only) are checked on
   * webgpu the same deferred way, whether or not `checkNumerics` is on, and a bad mask throws
   * an `AttentionInputError` from here.
   */
  async flushNumerics(): Promise<void> {
    await Promise.all(this.pendingNumerics.splice(0));
    const found = this.lateNumerics.splice(0);
    await flushMaskChecks(); // a bad key-padding mask found on webgpu since the last flush (any layer or op): the cause, thrown first
    if (found.length > 0) {
      const more = found.length > 1 ? ` (and ${found.length - 1} more problem${found.length > 2 ? 's' : ''})` : '';
      throw new NumericsError(found[0]!.message + more);
    }
  }

}
