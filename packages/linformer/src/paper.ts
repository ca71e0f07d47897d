import type { PaperRef } from '@attention-zoo/attention-core';

/** Wang, Li, Khabsa, Fang, Ma. Linformer: Self-Attention with Linear Complexity. 2020. */
export const LINFORMER_PAPER: PaperRef = {
  title: 'Linformer: Self-Attention with Linear Complexity',
  authors: 'Wang, Li, Khabsa, Fang, Ma',
  year: 2020,
  url: 'https://arxiv.org/abs/2006.04768',
};

/** Liu, Saleh, Pot, Goodrich, Sepassi, Kaiser, Shazeer. Generating Wikipedia by Summarizing Long Sequences. ICLR 2018 (memory-compressed attention, §4.2.3). */
export const MEMORY_COMPRESSED_PAPER: PaperRef = {
  title: 'Generating Wikipedia by Summarizing Long Sequences',
  authors: 'Liu, Saleh, Pot, Goodrich, Sepassi, Kaiser, Shazeer',
  year: 2018,
  url: 'https://arxiv.org/abs/1801.10198',
};

/** Wang, Xie, Li, Fan, Song, Liang, Lu, Luo, Shao. Pyramid Vision Transformer. ICCV 2021 (spatial-reduction attention, Eq. 3–4). */
export const PVT_PAPER: PaperRef = {
  title: 'Pyramid Vision Transformer: A Versatile Backbone for Dense Prediction without Convolutions',
  authors: 'Wang, Xie, Li, Fan, Song, Liang, Lu, Luo, Shao',
  year: 2021,
  url: 'https://arxiv.org/abs/2102.12122',
};
