import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// The shipped module (src/kernels/wasm/binary.ts) is what assembly/ compiles to: a kernel edited
// without rebuilding would otherwise test and ship the old code.
it('src/kernels/wasm/binary.ts is what assembly/ compiles to', () => {
  const script = fileURLToPath(new URL('../scripts/build-wasm.mjs', import.meta.url));
  expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
}, 120_000);
