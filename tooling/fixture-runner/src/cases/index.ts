import { CORE_HANDLERS } from './attention-core.js';
import type { FixtureHandler } from './handler.js';
import { SPARSE_HANDLERS } from './sparse-patterns.js';

export type { FixtureHandler } from './handler.js';

/**
 * The one table from fixture cases to the project's API: one file per package
 * in this folder, one line here. A case with no entry is reported as
 * `not-implemented`, never as a pass.
 */
export const HANDLERS: readonly FixtureHandler[] = [...CORE_HANDLERS, ...SPARSE_HANDLERS];

export function handlerFor(variant: string): FixtureHandler | undefined {
  return HANDLERS.find((h) => h.variants.includes(variant));
}
