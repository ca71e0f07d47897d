import { z } from 'zod';
import { AttentionConfigError } from '../errors.js';

/**
 * Strict options: every key a layer takes is declared with a zod schema — the shared keys
 * here, a variant's own in its descriptor (`options` in register.ts). A key nobody declares
 * is an error naming the closest declared key, because a misspelt `casual: true` that is
 * silently ignored builds a non-causal model.
 */

/** The longest sequence (and widest window, stride, block) a layer accepts: 2²⁰ tokens. */
export const MAX_TOKENS = 2 ** 20;

/** A variant's declared options: key → zod schema of its value (each key is optional). */
export type OptionSchemas = Record<string, z.ZodType>;

/** Common option kinds, so every variant bounds its sizes alike. */
export const option = {
  /** An integer in [min, max] (a count, a width, a size in tokens); `max` defaults to `MAX_TOKENS`. */
  int: (min = 1, max = MAX_TOKENS) => z.int().min(min).max(max),
  /** A probability-like rate in [0, 1). */
  rate: () => z.number().min(0).lt(1),
  /** A finite number > 0. */
  positive: () => z.number().positive().refine(Number.isFinite, 'expected a finite number'),
};

const rate = option.rate();
const positiveInt = z.int().positive();

/** The keys of `AttentionConfig`, each with its type and range. */
const SHARED_OPTIONS = {
  dim: option.int(1, 2 ** 16),
  numHeads: option.int(1, 2 ** 12),
  qkvBias: z.boolean(),
  dropout: rate,
  projDropout: rate,
  causal: z.boolean(),
  grid: z.tuple([positiveInt.max(MAX_TOKENS), positiveInt.max(MAX_TOKENS)]).nullable(),
  maxTokens: option.int().nullable(),
  checkNumerics: z.boolean(),
  seed: z.number().refine(Number.isFinite, 'expected a finite number').nullable(),
} satisfies OptionSchemas;

/**
 * Keys of tfjs' `Layer` config: a layer's `getConfig()` holds them, and tfjs' deserializer
 * adds `customObjects`, so `fromConfig` must take them back. Only float32 layers exist here.
 */
const LAYER_OPTIONS = {
  name: z.string(),
  trainable: z.boolean(),
  dtype: z.literal('float32'),
  batchInputShape: z.array(z.int().nonnegative().nullable()),
  customObjects: z.record(z.string(), z.unknown()),
} satisfies OptionSchemas;

/** Every key any attention layer takes besides its variant keys. */
export const BASE_OPTION_KEYS: readonly string[] = [...Object.keys(SHARED_OPTIONS), ...Object.keys(LAYER_OPTIONS)];

/** Levenshtein distance, for "did you mean" (short keys, so the O(a·b) table is fine). */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

/** The declared key closest to `key`, when it is close enough to be a typo. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(key, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

function show(value: unknown): string {
  try {
    return typeof value === 'number' && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}

const LENIENT_HINT =
  "to pass one config to several variants, use createAttention(name, config, { lenient: true }) or pickOptions(name, config)";

/**
 * Checks `config` against the shared options and `variant`'s: an unknown key is an error
 * naming the closest declared key, a value of the wrong type or out of range an error naming
 * the key, the value and what is expected. `variant` undefined (a layer class that is not
 * registered) checks the shared keys only.
 */
export function checkOptions(who: string, config: Record<string, unknown>, variant: OptionSchemas | undefined): void {
  const schemas: OptionSchemas = { ...SHARED_OPTIONS, ...LAYER_OPTIONS, ...(variant ?? {}) };
  if (variant) {
    const known = Object.keys(schemas);
    for (const key of Object.keys(config)) {
      if (key in schemas) continue;
      const near = closestKey(key, known);
      const own = Object.keys(variant);
      throw new AttentionConfigError(
        `${who}: unknown option \`${key}\`${near ? ` (did you mean \`${near}\`?)` : ''}; ` +
          `its own options: ${own.length ? own.map((k) => `\`${k}\``).join(', ') : '(none)'}, besides the shared ${Object.keys(SHARED_OPTIONS).join(', ')}; ${LENIENT_HINT}`,
      );
    }
  }
  for (const [key, schema] of Object.entries(schemas)) {
    const value = config[key];
    if (value === undefined) continue;
    const r = schema.safeParse(value);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      const at = [key, ...issue.path.map(String)].join('.');
      throw new AttentionConfigError(`${who}: option \`${at}\` = ${show(value)} is invalid: ${issue.message}`);
    }
  }
}

/** The keys `variant` takes: the shared and layer keys, then its own. */
export function declaredKeys(variant: OptionSchemas): string[] {
  return [...BASE_OPTION_KEYS, ...Object.keys(variant)];
}

/** `config` without the keys `variant` does not declare: the lenient path for a config shared across variants. */
export function pickDeclared<C extends Record<string, unknown>>(config: C, variant: OptionSchemas): Partial<C> {
  const keys = new Set(declaredKeys(variant));
  return Object.fromEntries(Object.entries(config).filter(([k]) => keys.has(k))) as Partial<C>;
}

export { z };
