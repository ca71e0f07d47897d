// @attention-zoo/sparse-patterns — sparse attention computed only where the pattern is non-zero:
// Sparse Transformer (Child et al. 2019), Longformer (Beltagy et al. 2020), BigBird (Zaheer et al. 2020),
// Reformer (Kitaev et al. 2020), Sparse Sinkhorn attention (Tay et al. 2020).
// Importing the package registers: local, strided, sparse-fixed, longformer, bigbird, reformer-lsh, sinkhorn, mixed-sparse.
// Functional ops take q, k, v [batch, heads, tokens, headDim], heads-first like PyTorch.
export { SparseAttention } from './shared/sparse-layer.js';
export type { SparseAttentionConfig } from './shared/sparse-layer.js';
export * from './local/index.js';
export * from './strided/index.js';
export * from './sparse-fixed/index.js';
export * from './longformer/index.js';
export * from './bigbird/index.js';
export * from './reformer-lsh/index.js';
export * from './sinkhorn/index.js';
export * from './mixed-sparse/index.js';
