import type * as tf from '@tensorflow/tfjs-core';

/**
 * How a variant decodes one token at a time (`capabilities.incremental`):
 * - `recurrent`: a fixed-size state (running sums), O(1) memory per token;
 * - `window`: a buffer of the last w tokens' keys/values, O(w) memory;
 * - `cache`: every past key and value (softmax's KV cache), O(t) memory at position t.
 */
export type IncrementalKind = 'recurrent' | 'window' | 'cache';

/**
 * What a causal layer keeps between decoding steps: its tensors by name and the number of
 * tokens consumed. Immutable: `step` returns a new state; the caller disposes the old one
 * with `disposeState` (or passes `{ disposeState: true }` to `step`).
 */
export interface AttentionState {
  readonly kind: IncrementalKind;
  readonly batch: number;
  /** Tokens consumed so far (the position of the next token). */
  readonly position: number;
  readonly tensors: Readonly<Record<string, tf.Tensor>>;
}

/** `step`'s result: the output token `[batch, 1, dim]` and the state after it. */
export interface AttentionStepResult {
  output: tf.Tensor3D;
  state: AttentionState;
}

export interface AttentionStepOptions {
  /** Dispose the given state's tensors that the new state does not keep. Default false. */
  disposeState?: boolean;
}

/** Anything that holds attention states (one layer's, or a block stack's list of them). */
export type StateTree = AttentionState | readonly StateTree[] | { readonly [key: string]: StateTree | number | string };

function collect(tree: unknown, into: Set<tf.Tensor>): Set<tf.Tensor> {
  if (tree == null || typeof tree !== 'object') return into;
  if (Array.isArray(tree)) {
    for (const t of tree) collect(t, into);
    return into;
  }
  const s = tree as Partial<AttentionState>;
  if (s.tensors && typeof s.kind === 'string') {
    for (const t of Object.values(s.tensors)) into.add(t);
    return into;
  }
  for (const v of Object.values(tree)) collect(v, into);
  return into;
}

/** Every tensor a state (or a list or record of states) holds. */
export function stateTensors(state: StateTree): tf.Tensor[] {
  return [...collect(state, new Set())];
}

/**
 * Disposes a state's tensors. With `keep`, the tensors that `keep` still holds survive
 * (a step may carry a tensor into the new state unchanged).
 */
export function disposeState(state: StateTree, keep?: StateTree): void {
  const kept = keep ? collect(keep, new Set()) : undefined;
  for (const t of collect(state, new Set())) if (!kept?.has(t) && !t.isDisposed) t.dispose();
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, string: 0 };

/** Bytes of device memory a state holds (what the conformance kit and `pnpm bench --mode decode` report). */
export function stateBytes(state: StateTree): number {
  let n = 0;
  for (const t of collect(state, new Set())) n += t.size * (BYTES[t.dtype] ?? 4);
  return n;
}
