import type * as tf from '@tensorflow/tfjs-core';
import { RegistryError } from './errors.js';
import type { HostTensor } from './weights/safetensors.js';

/**
 * One reference-fixture case as a handler sees it (format: the fixture folder's README):
 * its `config`, and its tensors by name.
 */
export interface FixtureCase {
  /** Case name, e.g. `aft_local`. */
  name: string;
  /** The case's `variant`, e.g. `aft_local`, `flatten_swin_block`. */
  variant: string;
  kind: 'functional' | 'module' | 'model' | string;
  /** Constructor kwargs or function options, as stored. */
  config: Record<string, unknown>;
  /** `H`, `W` of spatial cases. */
  spatial?: { H: number; W: number };
  /** A stored tensor as a float32 tf tensor (disposed by the runner after the case). */
  tensor(name: string): tf.Tensor;
  /** A stored tensor on the host (indices, or values to load with `loadStateDict`). */
  hostTensor(name: string): HostTensor;
  /** The `params.<key>` entries as a PyTorch state_dict (keys without the prefix). */
  stateDict(): Map<string, HostTensor>;
}

/** Runs the fixture cases whose `variant` is listed, through the project's API. */
export interface FixtureHandler {
  /** The `variant` values of the cases it runs. */
  variants: readonly string[];
  run(fixture: FixtureCase): tf.Tensor | Promise<tf.Tensor>;
}

export interface RegisteredFixtureHandler extends FixtureHandler {
  /** Who registered it: a registry name, or a package for cases that are not one variant's (models, blocks). */
  owner: string;
}

const handlers: RegisteredFixtureHandler[] = [];

/**
 * Adds fixture handlers to the table the fixture runner reads. Variants pass theirs
 * in their descriptor (`fixtures`); a package registers cases that belong to no single
 * variant (a whole backbone) here. A case claimed twice is an error.
 */
export function registerFixtureHandlers(list: readonly FixtureHandler[], owner: string): void {
  for (const h of list) {
    if (handlers.some((r) => r.run === h.run)) continue;
    for (const v of h.variants) {
      const taken = handlers.find((r) => r.variants.includes(v));
      if (taken) throw new RegistryError(`fixture case '${v}' is already handled by ${taken.owner}; ${owner} cannot claim it too`);
    }
    handlers.push({ ...h, owner });
  }
}

/** Every registered fixture handler, in registration order. */
export function listFixtureHandlers(): RegisteredFixtureHandler[] {
  return [...handlers];
}

/** The handler for a case's `variant`, if any package registered one. */
export function fixtureHandlerFor(variant: string): RegisteredFixtureHandler | undefined {
  return handlers.find((h) => h.variants.includes(variant));
}
