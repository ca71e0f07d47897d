// The Generate page's decoding loop: core's `DecoderLM.step`, one token at a time, reporting for
// every new token the time it took and the bytes the attention state holds (`stateBytes`).
// It is `DecoderLM.generate` step for step (same prompt feed, core's seeded sampler: the unit test
// checks both give the same tokens), plus those two readings, which `generate` does not expose,
// and a checkpoint between steps so leaving the page stops it.
import * as tf from '@tensorflow/tfjs-core';
import { disposeState, sampleToken, stateBytes, uniformStream, type DecoderLM, type DecoderState, type GenerateOptions } from '@attention-zoo/attention-core';
import { checkpoint } from '../job.js';

/** One generated token and what producing it cost. */
export interface DecodedToken {
  /** 0 for the first new token. */
  index: number;
  id: number;
  /** Tokens the model had consumed (prompt + earlier new tokens) when it sampled this one. */
  position: number;
  /** Milliseconds for the step that produced it: the previous token through the model, read-back and sampling. */
  ms: number;
  /** Bytes of the attention state that produced it (every block's). */
  stateBytes: number;
}

/**
 * Continues `prompt` by `maxNewTokens` tokens, yielding each as it is sampled. Between steps it
 * lets the browser paint and throws `Cancelled` once `signal` is aborted; however it ends, the
 * state and logits are disposed (nothing leaks).
 */
export async function* decodeTokens(lm: DecoderLM, prompt: readonly number[], options: GenerateOptions, signal: AbortSignal): AsyncGenerator<DecodedToken> {
  if (prompt.length === 0) throw new Error('the prompt needs at least one character');
  const uniform = uniformStream(options.seed);
  let state: DecoderState = lm.initialState(1);
  let logits: tf.Tensor2D | undefined;
  try {
    let next = -1;
    let ms = 0;
    for (let i = 0; i < prompt.length + options.maxNewTokens; i++) {
      const id = i < prompt.length ? prompt[i]! : next;
      if (i >= prompt.length) yield { index: i - prompt.length, id, position: state.position, ms, stateBytes: stateBytes(state.blocks) };
      if (i === prompt.length + options.maxNewTokens - 1) break;
      await checkpoint(signal);
      const began = performance.now();
      const ids = tf.tensor1d([id], 'int32');
      const r = lm.step(ids, state, { disposeState: true });
      ids.dispose();
      logits?.dispose();
      logits = r.logits;
      state = r.state;
      if (i >= prompt.length - 1) {
        next = sampleToken(await logits.data(), options, uniform);
        ms = performance.now() - began;
      }
    }
  } finally {
    logits?.dispose();
    disposeState(state.blocks);
  }
}
