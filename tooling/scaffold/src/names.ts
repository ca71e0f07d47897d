/** The spellings of one variant name, from its kebab-case registry name. */
export interface Names {
  /** Registry name and folder, kebab-case: `toy-mix`. */
  kebab: string;
  /** Fixture `variant` spelling: `toy_mix`. */
  snake: string;
  /** Functional op: `toyMixAttention`. */
  op: string;
  /** Layer class: `ToyMixAttention`. */
  layer: string;
  /** Prefix for option/config types: `ToyMix`. */
  pascal: string;
  /** Its paper's constant in the package's paper.ts: `TOY_MIX_PAPER`. */
  paper: string;
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function names(kebab: string): Names {
  if (!KEBAB.test(kebab)) throw new Error(`variant name must be lower-case kebab-case like 'aft-local', got '${kebab}'`);
  const stem = kebab.replace(/-attention$/, '') || kebab;
  const parts = stem.split('-');
  const pascal = parts.map((p) => p[0]!.toUpperCase() + p.slice(1)).join('');
  const camel = pascal[0]!.toLowerCase() + pascal.slice(1);
  const snake = kebab.replace(/-/g, '_');
  return { kebab, snake, op: `${camel}Attention`, layer: `${pascal}Attention`, pascal, paper: `${snake.toUpperCase()}_PAPER` };
}

export function packageFolder(family: string): string {
  if (!KEBAB.test(family)) throw new Error(`--family must be lower-case kebab-case (a package folder such as 'aft', or a registry family), got '${family}'`);
  return family;
}
