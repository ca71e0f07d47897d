import { attentionZooProject } from '@attention-zoo/test-utils/vitest';

export default attentionZooProject('fixture-runner');
