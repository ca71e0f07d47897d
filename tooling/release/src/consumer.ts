// pnpm test:consumer — proves the packages work without the workspace, as a user gets them:
// build and `pnpm pack` every published package, install the tarballs with npm into a fresh
// project outside the repository (tfjs and vite come from the npm registry), then
//   1. Node ESM: import each package by name, check the registry names it adds, create every
//      registered variant and run a forward pass (consumer/node-smoke.mjs);
//   2. TypeScript: type-check a file importing every package (nodenext and bundler resolution);
//   3. browser: a page importing every package, bundled by `vite build` (tree-shaking honours
//      `sideEffects`, so a dropped registration shows here), opened in headless Chromium,
//      running every variant on the cpu backend;
//   4. the READMEs: every runnable example of the root README and every package README, pasted
//      into its own file as a user would, type-checked and run (readme-examples.ts).
// Fails — never skips — when Chromium is missing. `--keep` leaves the project for inspection;
// `--examples-only` runs step 4 alone.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { run } from './command.js';
import { EXAMPLE_DEPS, EXAMPLE_DEV_DEPS, runExamples, writeExamples } from './example-project.js';
import { expectedRegistry } from './expected-registry.js';
import { buildPackages, packAll } from './pack.js';
import { readmeExamples } from './readme-examples.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
/** What a user would add next to our packages: the tfjs pieces and their own build tools. */
const CONSUMER_DEV_DEPS = { vite: '^8.3.8', ...EXAMPLE_DEV_DEPS };

const templates = fileURLToPath(new URL('../consumer/', import.meta.url));
const keep = process.argv.includes('--keep');
const examplesOnly = process.argv.includes('--examples-only');

function step(s: string): void {
  console.log(`\n==> ${s}`);
}

/**
 * tsc with skipLibCheck off, so our packages' .d.ts files are checked as a user's compiler sees
 * them. tfjs 4.22's own declarations have errors under that setting (every tfjs user needs
 * skipLibCheck), so errors located in third-party declarations are set aside; any error in
 * node_modules/@attention-zoo/** or in the consumer's code counts.
 */
function ourTypeErrors(app: string, mode: string): string[] {
  const r = spawnSync(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${mode}.json`, '--pretty', 'false'], { cwd: app, encoding: 'utf8' });
  const errors = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /error TS\d+/.test(l));
  const ours = errors.filter((l) => !l.startsWith('node_modules/') || l.startsWith('node_modules/@attention-zoo/'));
  if (r.status !== 0 && errors.length === 0) return [`tsc failed without diagnostics: ${r.stdout}${r.stderr}`];
  return ours;
}

function serve(dir: string): Promise<{ server: Server; url: string }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json' };
  const server = createServer((req, res) => {
    const path = join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'index.html') : path;
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` })));
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH): the browser half of the consumer test cannot run`);

  step('expected registry names, from the workspace sources');
  const expected = await expectedRegistry();
  for (const [pkg, names] of Object.entries(expected)) console.log(`${pkg}: ${names.join(', ') || '(none)'}`);

  step('build and pack every published package');
  buildPackages();
  const work = mkdtempSync(join(tmpdir(), 'attention-zoo-consumer-'));
  const packed = packAll(join(work, 'tarballs'));
  for (const p of packed) console.log(`${p.tarball}`);

  step(`a fresh project outside the workspace: ${join(work, 'app')}`);
  const app = join(work, 'app');
  mkdirSync(app);
  const names = packed.map((p) => p.pkg.manifest.name);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'attention-zoo-consumer',
        private: true,
        type: 'module',
        dependencies: { ...Object.fromEntries(packed.map((p) => [p.pkg.manifest.name, `file:${p.tarball}`])), ...EXAMPLE_DEPS },
        devDependencies: CONSUMER_DEV_DEPS,
      },
      null,
      2,
    ),
  );
  for (const f of ['smoke.js', 'node-smoke.mjs', 'index.html', 'vite.config.js']) copyFileSync(join(templates, f), join(app, f));
  writeFileSync(join(app, 'expected.json'), JSON.stringify(expected, null, 2));
  const imports = names.map((n) => `import '${n}';`).join('\n');
  writeFileSync(
    join(app, 'main.js'),
    `// Bare imports, as an app registers the variants it wants; the bundler must keep them.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as core from '@attention-zoo/attention-core';
${imports}
import { smoke } from './smoke.js';

const expected = ${JSON.stringify(Object.values(expected).flat().sort())};
const out = document.getElementById('out');
try {
  await tf.setBackend('cpu');
  const r = await smoke(tf, core, expected);
  out.textContent = r.lines.join('\\n');
  window.__result = { names: r.names, lines: r.lines, problems: r.problems };
} catch (err) {
  window.__result = { names: [], lines: [], problems: [String(err && err.stack || err)] };
}
`,
  );
  // Type-check as a TypeScript user would, in both resolution modes (attw checks the tarballs'
  // entry points; this checks that the declarations hang together with tfjs's).
  const tsImports = names.map((n, i) => `import * as p${i} from '${n}';`).join('\n');
  writeFileSync(
    join(app, 'types-smoke.ts'),
    `import * as tf from '@tensorflow/tfjs-core';
import {
  createAttention,
  listAttentions,
  type RegisteredAttention,
  AttentionLayer,
} from '@attention-zoo/attention-core';
import { conformanceChecks } from '@attention-zoo/attention-core/testing';
${tsImports}
export const modules = [${names.map((_, i) => `p${i}`).join(', ')}];
const all: RegisteredAttention[] = listAttentions();
const layer: AttentionLayer = createAttention(all[0]!.name, { dim: 8, numHeads: 2 });
const y = layer.apply(tf.zeros([1, 4, 8])) as tf.Tensor;
export const shape: number[] = y.shape;
export const kit = conformanceChecks;
`,
  );
  for (const [mode, module] of [['nodenext', 'nodenext'], ['bundler', 'esnext']] as const) {
    writeFileSync(
      join(app, `tsconfig.${mode}.json`),
      JSON.stringify({ compilerOptions: { target: 'es2022', module, moduleResolution: mode, strict: true, noEmit: true, skipLibCheck: false, lib: ['es2022', 'dom'], types: [] }, files: ['types-smoke.ts'] }, null, 2),
    );
  }

  const examples = readmeExamples();
  writeExamples(app, examples);

  step('npm install (the tarballs, and tfjs + vite from the registry)');
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app });

  if (!examplesOnly) await runtimeChecks(app);

  step(`README examples: ${examples.length} pasted into files of the project, type-checked and run`);
  const problems = await runExamples(app, examples);
  for (const p of problems) console.error(`problem: ${p}`);
  if (problems.length) throw new Error(`${problems.length} README example problem(s)`);

  if (!keep) rmSync(work, { recursive: true, force: true });
  else console.log(`\nkept ${work}`);
  console.log(`\nconsumer test passed: ${names.length} packages from their tarballs, in Node, TypeScript and a bundled page; ${examples.length} README examples`);
}

/** Steps 1–3: Node ESM, TypeScript in both resolution modes, the bundled page in Chromium. */
async function runtimeChecks(app: string): Promise<void> {

  step('Node ESM: import each package, create every variant, forward pass');
  run(process.execPath, ['node-smoke.mjs'], { cwd: app });

  for (const mode of ['nodenext', 'bundler']) {
    step(`TypeScript (moduleResolution ${mode}): type-check a file importing every package`);
    const errors = ourTypeErrors(app, mode);
    for (const e of errors) console.error(e);
    if (errors.length) throw new Error(`type errors with moduleResolution ${mode}`);
    console.log('no type errors in the packages\' declarations or in code using them');
  }

  step('browser: vite build, then the page in headless Chromium');
  run(process.execPath, [join(app, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: app });
  const { server, url } = await serve(join(app, 'dist'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  let problems: string[];
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && errors.push(`console error: ${m.text()}`));
    page.on('response', (res) => res.status() >= 400 && errors.push(`HTTP ${res.status()} for ${res.url()}`));
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 300_000 });
    const r = (await page.evaluate(() => (window as unknown as { __result: unknown }).__result)) as { names: string[]; lines: string[]; problems: string[] };
    for (const l of r.lines) console.log(l);
    problems = [...r.problems, ...errors];
    console.log(`browser: ${r.names.length} variants, ${problems.length} problems`);
  } finally {
    await browser.close();
    server.close();
  }
  for (const p of problems) console.error(`problem: ${p}`);
  if (problems.length) throw new Error('the bundled page failed');
}

main().catch((err: Error) => {
  console.error(`\nconsumer test FAILED: ${err.message}`);
  process.exit(1);
});
