// Which code computes a fixture case: the handler a package registered in core's table (a
// variant's descriptor `fixtures`, or `registerFixtureHandlers` for whole models).
import type * as tf from '@tensorflow/tfjs-core';
import '@attention-zoo/variants'; // every published package: its registrations fill core's table
import { fixtureHandlerFor } from '@attention-zoo/attention-core/testing';
// Tables not yet moved into their packages' descriptors; this import goes with the last of them.
import { HANDLERS as CASE_FILE_HANDLERS } from './cases/index.js';
import type { Fixture } from './fixture.js';

export interface CaseHandler {
  /** Who computes the case: a registry name, or a package for cases of whole models. */
  owner: string;
  run(fixture: Fixture): tf.Tensor | Promise<tf.Tensor>;
}

/** The handler of a case's `variant`; none: the case is not implemented. */
export function handlerFor(variant: string): CaseHandler | undefined {
  const registered = fixtureHandlerFor(variant);
  if (registered) return { owner: registered.owner, run: registered.run };
  const local = CASE_FILE_HANDLERS.find((h) => h.variants.includes(variant));
  return local && { owner: local.package, run: local.run };
}
