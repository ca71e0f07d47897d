import type { PaperRef } from '@attention-zoo/attention-core';

/** Sparse Transformer: the strided and fixed patterns (strided, sparse-fixed, mixed-sparse). */
export const SPARSE_TRANSFORMER_PAPER: PaperRef = {
  title: 'Generating Long Sequences with Sparse Transformers',
  authors: 'Child, Gray, Radford, Sutskever',
  year: 2019,
  url: 'https://arxiv.org/abs/1904.10509',
};

/** Longformer: sliding (dilated) windows and global tokens (local, longformer). */
export const LONGFORMER_PAPER: PaperRef = {
  title: 'Longformer: The Long-Document Transformer',
  authors: 'Beltagy, Peters, Cohan',
  year: 2020,
  url: 'https://arxiv.org/abs/2004.05150',
};

/** BigBird: window + global + random blocks (bigbird). */
export const BIGBIRD_PAPER: PaperRef = {
  title: 'Big Bird: Transformers for Longer Sequences',
  authors: 'Zaheer et al.',
  year: 2020,
  url: 'https://arxiv.org/abs/2007.14062',
};

/** Reformer: LSH attention (reformer-lsh). */
export const REFORMER_PAPER: PaperRef = {
  title: 'Reformer: The Efficient Transformer',
  authors: 'Kitaev, Kaiser, Levskaya',
  year: 2020,
  url: 'https://arxiv.org/abs/2001.04451',
};

/** Sparse Sinkhorn attention (sinkhorn). */
export const SINKHORN_PAPER: PaperRef = {
  title: 'Sparse Sinkhorn Attention',
  authors: 'Tay, Bahri, Yang, Metzler, Juan',
  year: 2020,
  url: 'https://arxiv.org/abs/2002.11296',
};
