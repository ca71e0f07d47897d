import { readmeExamplesSuite } from '@attention-zoo/test-utils';

readmeExamplesSuite(new URL('..', import.meta.url), { minExamples: 5 });
