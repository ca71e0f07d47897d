/** tfjs kernel names. Inputs x [rows, C], sp [C] (softplus of the scale), optional pos [n, C]; output φ [rows, C]. */
export const FOCUS = 'AttentionZooFocus';
/** Inputs x, sp, dy, optional pos; outputs dx [rows, C] and the per-element terms of dsp [rows, C]. */
export const FOCUS_GRAD = 'AttentionZooFocusGrad';

export interface FocusAttrs {
  /** Focusing factor p, an integer 1 … 8 for the kernels. */
  p: number;
}
