// Which code computes a fixture case: the handler a package registered in core's table (a
// variant's descriptor `fixtures`, or `registerFixtureHandlers` for whole models).
import type * as tf from '@tensorflow/tfjs-core';
import '@attention-zoo/variants'; // every published package: its registrations fill core's table
import { fixtureHandlerFor } from '@attention-zoo/attention-core/testing';
import type { Fixture } from './fixture.js';

export interface CaseHandler {
  /** Who computes the case: a registry name, or a package for cases of whole models. */
  owner: string;
  run(fixture: Fixture): tf.Tensor | Promise<tf.Tensor>;
}

/** The handler of a case's `variant`; none: the case is not implemented. */
export function handlerFor(variant: string): CaseHandler | undefined {
  const registered = fixtureHandlerFor(variant);
  return registered && { owner: registered.owner, run: registered.run };
}
