// Its op is core's linearAttention with eluFeatureMap (@attention-zoo/attention-core/ops), so no op.ts here.
export { LinearEluAttention } from './layer.js';
export type { LinearEluAttentionConfig } from './layer.js';
import './register.js';
