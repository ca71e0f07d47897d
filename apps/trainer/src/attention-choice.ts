import { listAttentions } from '@attention-zoo/attention-core';
import { didYouMean, UsageError } from './args.js';

/** The attention `pnpm train` uses when none is named (FLatten, the project's headline variant). */
export const DEFAULT_ATTENTION = 'flatten';
/** Used instead of the default while the `flatten` package is not registered. */
export const FALLBACK_ATTENTION = 'softmax';

export interface AttentionChoice {
  name: string;
  fallback?: { requested: string; reason: string };
}

/**
 * The attention to train: the one asked for (it must be registered), or the
 * default, falling back — visibly, the run header says so — when the default
 * is not registered in this build.
 */
export function chooseAttention(requested: string | undefined): AttentionChoice {
  if (requested) {
    checkAttention(requested);
    return { name: requested };
  }
  if (listAttentions().some((d) => d.name === DEFAULT_ATTENTION)) return { name: DEFAULT_ATTENTION };
  return {
    name: FALLBACK_ATTENTION,
    fallback: {
      requested: DEFAULT_ATTENTION,
      reason: `the default attention '${DEFAULT_ATTENTION}' is not registered in this build (its package is not loaded); using '${FALLBACK_ATTENTION}' instead`,
    },
  };
}

/** Refuses a name that is not registered, with the closest registered one and the whole list. */
export function checkAttention(name: string): void {
  const names = listAttentions().map((d) => d.name);
  if (!names.includes(name)) throw new UsageError(`unknown attention '${name}'${didYouMean(name, names)}; registered: ${names.join(', ')}`);
}
