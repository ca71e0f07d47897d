// pnpm variants:sync [--check] — rewrites tooling/variants' generated list of variant packages
// from packages/*/package.json; --check only says whether it is up to date (exit 1 if not).
import { staleVariantFiles, SYNC_COMMAND, syncVariants, VARIANTS_MANIFEST } from './generate.js';

const check = process.argv.includes('--check');
const files = check ? staleVariantFiles() : syncVariants();
if (files.length === 0) console.log('variants: up to date with packages/*');
else if (check) console.error(`variants: stale: ${files.join(', ')} — run \`${SYNC_COMMAND}\``);
else {
  console.log(`variants: wrote ${files.join(', ')}`);
  if (files.includes(VARIANTS_MANIFEST)) console.log('then: pnpm install   # links the packages into the workspace');
}
process.exitCode = check && files.length > 0 ? 1 : 0;
