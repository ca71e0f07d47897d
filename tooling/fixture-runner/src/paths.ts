import { fileURLToPath } from 'node:url';

/**
 * The repository's copy of the shared reference fixtures (made with the papers'
 * official PyTorch code), so tests and CI on a fresh clone do not depend on a
 * folder outside the repository. `test/vendored.test.ts` keeps it identical to
 * `../shared/fixtures` wherever that exists.
 */
export const SHARED_FIXTURES = fileURLToPath(new URL('../fixtures/shared', import.meta.url));
