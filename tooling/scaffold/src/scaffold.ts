import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { requiredEntries, sideEffectfulModules } from '@attention-zoo/release';
import { syncVariants } from '@attention-zoo/variants/generate';
import { names, packageFolder, type Names } from './names.js';
import * as pkgT from './templates/package.js';
import * as v from './templates/variant.js';

export interface ScaffoldOptions {
  /** Repository root. */
  root: string;
  /** Registry name, kebab-case. */
  name: string;
  /** A package folder under packages/ (existing or new), or the registry family of an existing package. */
  family: string;
}

export interface ScaffoldResult {
  pkg: string;
  folder: string;
  newPackage: boolean;
  /** Repository-relative paths. */
  created: string[];
  changed: string[];
  nextSteps: string[];
}

type Json = Record<string, unknown>;
const readJson = (p: string): Json => JSON.parse(readFileSync(p, 'utf8')) as Json;

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Registry `family` values used in a package's sources. */
function familiesIn(pkgDir: string): string[] {
  return tsFiles(join(pkgDir, 'src')).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/^\s*family:\s*'([^']+)'/gm)].map((m) => m[1]!));
}

function packageDirs(root: string): string[] {
  const base = join(root, 'packages');
  return readdirSync(base).filter((d) => existsSync(join(base, d, 'package.json'))).map((d) => join(base, d));
}

/** Scaffolds a variant; throws before writing anything if the name is taken. */
export function scaffoldVariant(o: ScaffoldOptions): ScaffoldResult {
  const n: Names = names(o.name);
  const root = o.root;
  packageFolder(o.family);
  let folder = o.family;
  if (!existsSync(join(root, 'packages', folder, 'package.json'))) {
    const owner = packageDirs(root).find((d) => familiesIn(d).includes(o.family));
    if (owner) folder = owner.split(/[\\/]/).pop()!;
  }
  if (folder === 'attention-core') {
    throw new Error(`attention-core holds the common interface and the softmax baseline, not variants: use a family package (--family <folder>), or a new one`);
  }
  const dir = join(root, 'packages', folder);
  const newPackage = !existsSync(join(dir, 'package.json'));
  const pkg = newPackage ? `@attention-zoo/${folder}` : (readJson(join(dir, 'package.json')).name as string);
  for (const d of packageDirs(root)) {
    for (const f of tsFiles(join(d, 'src'))) {
      if (new RegExp(`^\\s*name:\\s*'${n.kebab}'`, 'm').test(readFileSync(f, 'utf8'))) {
        throw new Error(`the registry name '${n.kebab}' is taken (${relative(root, f)}); pick another`);
      }
    }
  }
  if (existsSync(join(dir, 'src', n.kebab))) throw new Error(`${relative(root, join(dir, 'src', n.kebab))} already exists`);
  const family = newPackage ? o.family : (familiesIn(dir)[0] ?? o.family);
  const ctx: v.VariantContext = { n, pkg, family };

  const created: string[] = [];
  const changed: string[] = [];
  const write = (path: string, text: string): void => {
    const existed = existsSync(path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    (existed ? changed : created).push(relative(root, path));
  };
  const edit = (path: string, fn: (text: string) => string): void => write(path, fn(readFileSync(path, 'utf8')));
  const editJson = (path: string, fn: (j: Json) => void): void =>
    edit(path, (t) => {
      const j = JSON.parse(t) as Json;
      fn(j);
      return JSON.stringify(j, null, 2) + '\n';
    });

  // 1. A new package: manifest, configs, README, LICENSE, index, README-examples test.
  if (newPackage) {
    const rootManifest = readJson(join(root, 'package.json'));
    const core = readJson(join(root, 'packages/attention-core/package.json'));
    const homepage = String(rootManifest.homepage ?? '').replace(/#readme$/, '');
    const pc: pkgT.PackageContext = {
      folder,
      pkg,
      repoUrl: String((rootManifest.repository as Json | undefined)?.url ?? ''),
      homepageBase: homepage,
      bugsUrl: String((rootManifest.bugs as Json | undefined)?.url ?? ''),
      nodeEngine: String((rootManifest.engines as Json | undefined)?.node ?? '>=20'),
      devDependencies: core.devDependencies as Record<string, string>,
      peerDependencies: core.peerDependencies as Record<string, string>,
    };
    write(join(dir, 'package.json'), pkgT.manifest(pc));
    write(join(dir, 'tsconfig.json'), pkgT.tsconfig);
    write(join(dir, 'tsconfig.build.json'), pkgT.tsconfigBuild);
    write(join(dir, 'vitest.config.ts'), pkgT.vitestConfig(pc));
    write(join(dir, 'README.md'), pkgT.readme(pc));
    write(join(dir, 'src/index.ts'), pkgT.index(pc));
    write(join(dir, 'test/readme-examples.test.ts'), pkgT.readmeExamplesTest);
    copyFileSync(join(root, 'LICENSE'), join(dir, 'LICENSE'));
    created.push(relative(root, join(dir, 'LICENSE')));
  }

  // 2. The variant folder: op, layer, registration; the package index re-exports it; its paper in paper.ts.
  const paper = join(dir, 'src/paper.ts');
  if (!existsSync(paper)) write(paper, v.paperModule(ctx));
  else {
    edit(paper, (t) => {
      const typed = /import[^;]*\bPaperRef\b[^;]*;/.test(t) ? t : `import type { PaperRef } from '@attention-zoo/attention-core';\n${t}`;
      return `${typed.trimEnd()}\n\n${v.paperConstant(ctx)}`;
    });
  }
  const src = join(dir, 'src', n.kebab);
  write(join(src, 'op.ts'), v.op(ctx));
  write(join(src, 'layer.ts'), v.layer(ctx));
  write(join(src, 'register.ts'), v.register(ctx));
  write(join(src, 'index.ts'), v.variantIndex(ctx));
  edit(join(dir, 'src/index.ts'), (t) => `${t.trimEnd()}\nexport * from './${n.kebab}/index.js';\n`);

  // 3. Tests: the conformance kit with a dense reference, on cpu and webgpu.
  write(join(dir, 'test', `${n.kebab}.conformance.test.ts`), v.conformanceTest(ctx));
  write(join(dir, 'test', `${n.kebab}.reference.ts`), v.reference(ctx));

  // 4. README section with a runnable example (the package's README-examples test runs it).
  const exampleSource = v.example(ctx);
  write(join(dir, 'examples', `${n.kebab}.ts`), exampleSource);
  edit(join(dir, 'README.md'), (t) => {
    const section = v.readmeSection(ctx, exampleSource);
    return t.includes(pkgT.VARIANTS_MARKER) ? t.replace(pkgT.VARIANTS_MARKER, `${section}\n${pkgT.VARIANTS_MARKER}`) : `${t.trimEnd()}\n\n${section}`;
  });

  // 5. sideEffects, derived from the sources (the registration and every module on the way to it).
  editJson(join(dir, 'package.json'), (j) => {
    j.sideEffects = sideEffectfulModules(dir).flatMap((e) => requiredEntries(e.file));
  });

  // 6. Discovery: tooling/variants' generated list of packages, which the tour, the benchmark,
  // the trainer, the fixture runner and the demo import, is rewritten from packages/*.
  changed.push(...syncVariants(root));

  // 7. A changeset: the user-visible change, for the changelog.
  write(join(root, '.changeset', newPackage ? `${folder}-first-release.md` : `${folder}-${n.kebab}.md`), v.changeset(ctx, newPackage));

  const nextSteps = [
    ...(newPackage ? ['pnpm install                                   # links the new package into the workspace'] : []),
    `pnpm exec vitest run --project ${folder} ${n.kebab}    # the conformance kit, cpu and webgpu`,
    `pnpm start --backend cpu --only ${n.kebab}      # the tour runs it in a Transformer`,
    `pnpm bench --variants ${n.kebab} --backends cpu --tokens 256,512   # the benchmark measures it`,
    `then replace the placeholder mixing in packages/${folder}/src/${n.kebab}/op.ts and its dense reference, and fill in the TODOs`,
  ];
  return { pkg, folder, newPackage, created, changed, nextSteps };
}
