/** tfjs kernel names: inputs x [rows, in], w [in, out], optional bias [out] → [rows, out]. */
export const DENSE = 'AttentionZooDense';
/** Inputs x, w, dy; outputs dx, dW, db. */
export const DENSE_GRAD = 'AttentionZooDenseGrad';
