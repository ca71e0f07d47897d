import type { PaperRef } from '@attention-zoo/attention-core';

/** Every Synthesizer form (dense, random, factorized, mixtures). */
export const SYNTHESIZER_PAPER: PaperRef = {
  title: 'Synthesizer: Rethinking Self-Attention in Transformer Models',
  authors: 'Tay, Bahri, Metzler, Juan, Zhao, Zheng',
  year: 2021,
  url: 'https://arxiv.org/abs/2005.00743',
};
