// pnpm new-variant <name> --family <family>
import { fileURLToPath } from 'node:url';
import { scaffoldVariant } from './scaffold.js';

const USAGE = `usage: pnpm new-variant <name> --family <family>

Scaffolds the attention variant <name> (kebab-case registry name) in packages/<family>:
the folder src/<name>/ (op.ts, layer.ts, register.ts with its fixture handler, index.ts),
its paper in src/paper.ts, a README section with a runnable example, a conformance-kit
test with a dense reference, sideEffects and a changeset. <family> is a package folder
(existing, or new: then the package is created and \`pnpm variants:sync\` adds it to the
generated list the tour, benchmark, trainer, fixture runner and demo import) or the
registry family of an existing package. See CONTRIBUTING.md.`;

function main(argv: string[]): number {
  const args = argv.filter((a) => a !== '--');
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const i = args.findIndex((a) => a === '--family' || a.startsWith('--family='));
  const family = i < 0 ? undefined : args[i]!.includes('=') ? args[i]!.split('=')[1] : args[i + 1];
  const rest = args.filter((_, j) => i < 0 || (j !== i && (args[i]!.includes('=') || j !== i + 1)));
  const unknown = rest.filter((a) => a.startsWith('-'));
  if (rest.length !== 1 || !family || unknown.length) {
    console.error(`${unknown.length ? `unknown option ${unknown.join(' ')}\n\n` : ''}${USAGE}`);
    return 2;
  }
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  try {
    const r = scaffoldVariant({ root, name: rest[0]!, family });
    console.log(`${r.newPackage ? 'created package' : 'added to'} ${r.pkg}: variant '${rest[0]}'\n`);
    for (const f of r.created) console.log(`  created  ${f}`);
    for (const f of r.changed) console.log(`  changed  ${f}`);
    console.log(`\nnext:\n${r.nextSteps.map((s) => `  ${s}`).join('\n')}`);
    return 0;
  } catch (err) {
    console.error(`new-variant: ${(err as Error).message}`);
    return 1;
  }
}

process.exit(main(process.argv.slice(2)));
