// @attention-zoo/linformer — low-rank and compressed attention: Linformer,
// memory-compressed attention, PVT spatial-reduction attention.
export * from './linformer/index.js';
export * from './compressed/index.js';
export * from './spatial-reduction/index.js';
