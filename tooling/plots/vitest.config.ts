import { attentionZooProject } from '@attention-zoo/vitest-config';

export default attentionZooProject('plots');
