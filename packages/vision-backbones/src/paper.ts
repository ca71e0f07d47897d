import type { PaperRef } from '@attention-zoo/attention-core';

/** Liu, Lin, Cao, Hu, Wei, Zhang, Lin, Guo. Swin Transformer: Hierarchical Vision Transformer using Shifted Windows. ICCV 2021. */
export const SWIN_PAPER: PaperRef = {
  title: 'Swin Transformer: Hierarchical Vision Transformer using Shifted Windows',
  authors: 'Liu, Lin, Cao, Hu, Wei, Zhang, Lin, Guo',
  year: 2021,
  url: 'https://arxiv.org/abs/2103.14030',
};

/** Dong, Bao, Chen, Zhang, Yu, Yuan, Chen, Guo. CSWin Transformer: A General Vision Transformer Backbone with Cross-Shaped Windows. CVPR 2022. */
export const CSWIN_PAPER: PaperRef = {
  title: 'CSWin Transformer: A General Vision Transformer Backbone with Cross-Shaped Windows',
  authors: 'Dong, Bao, Chen, Zhang, Yu, Yuan, Chen, Guo',
  year: 2022,
  url: 'https://arxiv.org/abs/2107.00652',
};
