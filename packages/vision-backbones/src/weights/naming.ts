/**
 * A checkpoint's key naming: how its keys read as the official repository's names, which the
 * models' `torchKeyMap` is written in. A checkpoint's naming is chosen by its keys (`chooseNaming`).
 */
export interface TorchNaming {
  /** `official`, `timm`, … (reported by `loadTorchStateDict`). */
  name: string;
  /** Where the names come from. */
  source: string;
  /** The official name of one of this naming's keys (unchanged where both namings agree). */
  toOfficial(key: string): string;
}

export const officialNaming = (source: string): TorchNaming => ({ name: 'official', source, toOfficial: (k) => k });

export interface ChosenNaming {
  naming: TorchNaming;
  /** The checkpoint's tensors under their official names. */
  renamed: Map<string, string>;
  /** How many keys each naming would place (the choice's evidence, for errors). */
  scores: { name: string; matched: number }[];
}

/**
 * Picks the naming under which the most checkpoint keys land on a key the model knows
 * (its key map and its recomputed buffers); ties go to the first listed (the official one).
 */
export function chooseNaming(keys: readonly string[], namings: readonly TorchNaming[], known: ReadonlySet<string>): ChosenNaming {
  let best: { naming: TorchNaming; renamed: Map<string, string>; matched: number } | undefined;
  const scores: { name: string; matched: number }[] = [];
  for (const naming of namings) {
    const renamed = new Map(keys.map((k) => [k, naming.toOfficial(k)]));
    const matched = [...renamed.values()].filter((k) => known.has(k)).length;
    scores.push({ name: naming.name, matched });
    if (!best || matched > best.matched) best = { naming, renamed, matched };
  }
  return { naming: best!.naming, renamed: best!.renamed, scores };
}
