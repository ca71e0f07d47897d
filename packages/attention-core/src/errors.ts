/**
 * Error types a user can catch by kind. Every message names the layer (or
 * file), the offending value and what was expected, so the fix is obvious
 * from the message alone.
 */

/** A constructor option is invalid (e.g. `dim` not divisible by `numHeads`). */
export class AttentionConfigError extends Error {
  override name = 'AttentionConfigError';
}

/** A call received tensors of the wrong rank, width, length or shape. */
export class AttentionInputError extends Error {
  override name = 'AttentionInputError';
}

/** `checkNumerics: true` found NaN or ±Inf in an input or output. */
export class NumericsError extends Error {
  override name = 'NumericsError';
}

/** A safetensors file is truncated, malformed or uses an unsupported dtype. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/**
 * A PyTorch checkpoint (`torch.save` zip archive) is truncated, malformed, in
 * a format this reader does not take (pre-1.6 legacy, TorchScript), or asks the
 * unpickler for anything beyond plain data and tensors (which is refused, never run).
 */
export class TorchCheckpointError extends Error {
  override name = 'TorchCheckpointError';
}

/** A state_dict does not fit the layer it is loaded into. */
export class WeightLoadError extends Error {
  override name = 'WeightLoadError';
}

/** A registry lookup or registration failed. */
export class RegistryError extends Error {
  override name = 'RegistryError';
}

export function shapeToString(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d == null ? 'null' : String(d))).join(', ')}]`;
}
