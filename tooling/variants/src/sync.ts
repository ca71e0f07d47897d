// pnpm variants:sync [--check] — rewrites tooling/variants' generated list of variant packages
// from packages/*/package.json; --check only says whether it is up to date (exit 1 if not).
import { staleVariantFiles, SYNC_COMMAND, syncVariants } from './generate.js';

const check = process.argv.includes('--check');
const files = check ? staleVariantFiles() : syncVariants();
if (files.length === 0) console.log('variants: up to date with packages/*');
else if (check) console.error(`variants: stale: ${files.join(', ')} — run \`${SYNC_COMMAND}\``);
else console.log(`variants: wrote ${files.join(', ')}\nthen: pnpm install   # links a new package into the workspace`);
process.exitCode = check && files.length > 0 ? 1 : 0;
