import type { PaperRef } from '@attention-zoo/attention-core';

/** Han, Pan, Han, Song, Huang. FLatten Transformer: Vision Transformer using Focused Linear Attention. ICCV 2023. */
export const FLATTEN_PAPER: PaperRef = {
  title: 'FLatten Transformer: Vision Transformer using Focused Linear Attention',
  authors: 'Han, Pan, Han, Song, Huang',
  year: 2023,
  url: 'https://arxiv.org/abs/2308.00442',
};
