import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runAsync } from './command.js';
import type { ReadmeExample } from './readme-examples.js';
import { ROOT } from './workspace.js';

/** What a user adds next to our packages to run the README examples: tfjs and its cpu backend. */
export const EXAMPLE_DEPS: Record<string, string> = {
  '@tensorflow/tfjs-core': '^4.22.0',
  '@tensorflow/tfjs-layers': '^4.22.0',
  '@tensorflow/tfjs-backend-cpu': '^4.22.0',
};
/** How a user runs a pasted TypeScript file (tsx), checks it (tsc) and runs a pasted test (vitest). */
export const EXAMPLE_DEV_DEPS: Record<string, string> = {
  typescript: '^5.9.3',
  tsx: '^4.23.15',
  vitest: '^4.1.12',
  '@types/node': '^20.19.43',
};

/** The file an example is pasted into, relative to the project. */
export function exampleFile(e: ReadmeExample): string {
  return `examples/${e.id}${e.test ? '.test' : ''}.ts`;
}

/**
 * Pastes every example into its own file of the project at `app` (whose package.json, with
 * `"type": "module"`, the caller writes), copies the files examples read beside it, and writes
 * the tsconfig a user of ESM packages has (strict, nodenext, skipLibCheck as every tfjs user
 * needs).
 */
export function writeExamples(app: string, examples: readonly ReadmeExample[], root: string = ROOT): void {
  mkdirSync(join(app, 'examples'), { recursive: true });
  for (const e of examples) {
    writeFileSync(join(app, exampleFile(e)), e.code);
    for (const f of e.files) copyFileSync(join(root, f), join(app, basename(f)));
  }
  writeFileSync(
    join(app, 'tsconfig.examples.json'),
    JSON.stringify(
      { compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] }, include: ['examples/**/*.ts'] },
      null,
      2,
    ),
  );
}

function indent(text: string): string {
  return text.trimEnd().replace(/^/gm, '      ');
}

/**
 * Type-checks the pasted examples with tsc, then runs each as a user would (`npx tsx file.ts`,
 * or `npx vitest run file.test.ts` for a test), from the project folder. Prints one line per
 * example with its output; returns the problems (empty when every example ran).
 */
export async function runExamples(app: string, examples: readonly ReadmeExample[]): Promise<string[]> {
  const problems: string[] = [];
  const bin = (name: string): string => join(app, 'node_modules/.bin', name);
  const tsc = await runAsync(bin('tsc'), ['-p', 'tsconfig.examples.json', '--pretty', 'false'], { cwd: app });
  const typeErrors = tsc.output.split('\n').filter((l) => /error TS\d+/.test(l));
  if (tsc.code !== 0 && typeErrors.length === 0) problems.push(`tsc failed without diagnostics:\n${indent(tsc.output)}`);
  for (const e of examples) {
    const file = exampleFile(e);
    const where = `${e.readme}:${e.line}`;
    const errors = typeErrors.filter((l) => l.startsWith(file));
    const r = e.test
      ? await runAsync(bin('vitest'), ['run', file, '--reporter=dot'], { cwd: app, env: { CI: 'true' } })
      : await runAsync(bin('tsx'), [file], { cwd: app });
    const ok = r.code === 0 && errors.length === 0;
    console.log(`${ok ? 'ok  ' : 'FAIL'}  ${where}  (${file})`);
    if (r.output.trim()) console.log(indent(r.output));
    for (const err of errors) console.log(`      ${err}`);
    if (r.code !== 0) problems.push(`${where}: exited with ${r.code}`);
    if (errors.length) problems.push(`${where}: ${errors.length} type error(s), first: ${errors[0]}`);
  }
  return problems;
}
