export { handlerFor } from './handlers.js';
export type { CaseHandler } from './handlers.js';
export { FixtureError, loadFixture } from './fixture.js';
export type { Fixture, FixtureMeta } from './fixture.js';
export { compare } from './compare.js';
export { formatResult, listCases, runFixtures } from './run.js';
export type { CaseResult, Outcome, RunSummary } from './run.js';
export { SHARED_FIXTURES } from './paths.js';
