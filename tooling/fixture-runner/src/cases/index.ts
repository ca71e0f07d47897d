import { AFT_HANDLERS } from './aft.js';
import { CORE_HANDLERS } from './attention-core.js';
import { LINEAR_ATTENTION_HANDLERS } from './linear-attention.js';
import { SPARSE_HANDLERS } from './sparse-patterns.js';
import { SYNTHESIZER_HANDLERS } from './synthesizer.js';
import { fixtureHandlerFor } from '@attention-zoo/attention-core/testing';
// Packages whose variants (and whole models) register their fixture cases when imported.
import '@attention-zoo/linformer';
import '@attention-zoo/vision-backbones'; // and the flatten and aft forms its models use
import type { FixtureHandler } from './handler.js';

export type { FixtureHandler } from './handler.js';

/**
 * The one table from fixture cases to the project's API: one file per package
 * in this folder, one line here. A case with no entry is reported as
 * `not-implemented`, never as a pass.
 */
export const HANDLERS: readonly FixtureHandler[] = [
  ...CORE_HANDLERS,
  ...AFT_HANDLERS,
  ...LINEAR_ATTENTION_HANDLERS,
  ...SPARSE_HANDLERS,
  ...SYNTHESIZER_HANDLERS,
];

/** The handler of a case: the one a package registered (`fixtures` in a descriptor), else one of this folder's. */
export function handlerFor(variant: string): { owner: string; run: FixtureHandler['run'] } | undefined {
  const registered = fixtureHandlerFor(variant);
  if (registered) return { owner: registered.owner, run: registered.run as FixtureHandler['run'] };
  const local = HANDLERS.find((h) => h.variants.includes(variant));
  return local && { owner: local.package, run: local.run };
}
