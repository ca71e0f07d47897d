// @attention-zoo/linformer — low-rank and compressed attention: Linformer (Wang et al. 2020),
// memory-compressed attention (Liu et al. 2018), PVT spatial-reduction attention (Wang et al. 2021;
// linear form: PVTv2, Wang et al. 2022).
export * from './linformer/index.js';
export * from './compressed/index.js';
export * from './spatial-reduction/index.js';
