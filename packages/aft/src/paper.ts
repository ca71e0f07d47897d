import type { PaperRef } from '@attention-zoo/attention-core';

/** The paper of every AFT form (full, simple, local, conv). */
export const AFT_PAPER: PaperRef = {
  title: 'An Attention Free Transformer',
  authors: 'Zhai et al.',
  year: 2021,
  url: 'https://arxiv.org/abs/2105.14103',
};
