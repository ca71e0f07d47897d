import type { PaperRef } from '@attention-zoo/attention-core';

/** Linear Transformer: φ(x) = elu(x) + 1 (linear-elu). */
export const LINEAR_TRANSFORMER_PAPER: PaperRef = {
  title: 'Transformers are RNNs: Fast Autoregressive Transformers with Linear Attention',
  authors: 'Katharopoulos, Vyas, Pappas, Fleuret',
  year: 2020,
  url: 'https://arxiv.org/abs/2006.16236',
};

/** Performer FAVOR+ (performer). */
export const PERFORMER_PAPER: PaperRef = {
  title: 'Rethinking Attention with Performers',
  authors: 'Choromanski et al.',
  year: 2021,
  url: 'https://arxiv.org/abs/2009.14794',
};

/** Efficient Attention (efficient-attention). */
export const EFFICIENT_ATTENTION_PAPER: PaperRef = {
  title: 'Efficient Attention: Attention with Linear Complexities',
  authors: 'Shen, Zhang, Zhao, Yi, Li',
  year: 2021,
  url: 'https://arxiv.org/abs/1812.01243',
};

/** cosFormer (cosformer). */
export const COSFORMER_PAPER: PaperRef = {
  title: 'cosFormer: Rethinking Softmax in Attention',
  authors: 'Qin, Sun, Deng, Li, Wei, Lv, Yan, Kong, Zhong',
  year: 2022,
  url: 'https://arxiv.org/abs/2202.08791',
};

/** Hydra attention (hydra). */
export const HYDRA_PAPER: PaperRef = {
  title: 'Hydra Attention: Efficient Attention with Many Heads',
  authors: 'Bolya, Fu, Dai, Zhang, Hoffman',
  year: 2022,
  url: 'https://arxiv.org/abs/2209.07484',
};
