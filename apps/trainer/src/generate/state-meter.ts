import { stateBytes, type DecoderLM } from '@attention-zoo/attention-core';

/** What the meter saw: steps taken and the bytes of the newest and largest decoder state. */
export interface StateMeter {
  readonly steps: number;
  /** Bytes of the attention states after the newest step (undefined before the first). */
  readonly lastBytes: number | undefined;
  readonly peakBytes: number | undefined;
  /** Puts the layer's own `step` back. */
  stop(): void;
}

/**
 * Measures the attention states a `DecoderLM` holds while it generates. `generate` keeps its
 * state to itself (it disposes each one when the next replaces it), and every state passes
 * through this layer's `step`; so the meter wraps `step` on this one instance and measures
 * each state it returns — rather than copying `generate`'s sampling loop here, which would
 * have to stay token-for-token identical to core's for a seed to give the same text.
 */
export function meterStates(lm: DecoderLM): StateMeter {
  const step = lm.step;
  let steps = 0;
  let lastBytes: number | undefined;
  let peakBytes: number | undefined;
  lm.step = (ids, state, options) => {
    const r = step.call(lm, ids, state, options);
    steps++;
    lastBytes = stateBytes(r.state.blocks);
    peakBytes = Math.max(peakBytes ?? 0, lastBytes);
    return r;
  };
  return {
    get steps() {
      return steps;
    },
    get lastBytes() {
      return lastBytes;
    },
    get peakBytes() {
      return peakBytes;
    },
    stop: () => {
      delete (lm as Partial<DecoderLM>).step; // the prototype's step shows through again
    },
  };
}
