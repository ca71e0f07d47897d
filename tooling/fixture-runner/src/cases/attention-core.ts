import { eluFeatureMap, linearAttention } from '@attention-zoo/attention-core/ops';
import { qkv, type FixtureHandler } from './handler.js';

/** Cases computed by @attention-zoo/attention-core. */
export const CORE_HANDLERS: FixtureHandler[] = [
  // @attention-zoo/attention-core: the linear-attention primitive with φ = elu + 1
  // (Katharopoulos et al. 2020, Eq. 6; causal by the chunked prefix sum, Eq. 8–9).
  {
    variants: ['linear_elu', 'linear_elu_causal'],
    package: '@attention-zoo/attention-core',
    run: (f) => {
      const [q, k, v] = qkv(f);
      return linearAttention(eluFeatureMap(q), eluFeatureMap(k), v, { causal: f.meta.config['causal'] === true });
    },
  },
];
