// @attention-zoo/attention-core/testing — the contract every attention variant meets.
export { conformanceChecks } from './conformance.js';
export type { ConformanceCheck, ConformanceSpec } from './conformance.js';
export { denseSoftmaxReference } from './dense-reference.js';
export type { DenseSoftmaxReferenceOptions } from './dense-reference.js';
export { listFixtureHandlers, fixtureHandlerFor } from '../fixtures.js';
export type { FixtureCase, FixtureHandler, RegisteredFixtureHandler } from '../fixtures.js';
export { denseLinear, readProjections, readWeight } from './dense-linear.js';
