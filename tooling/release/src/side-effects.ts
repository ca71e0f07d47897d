import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import ts from 'typescript';

/**
 * Which modules of a package have side effects a bundler must keep.
 *
 * A module has a side effect of its own when a top-level statement runs something — in this
 * project `registerAttention(...)` and core's `registerLayerClass(...)`, which make a variant or a
 * layer class reachable by name and by `tf.loadLayersModel` — or when it has a bare `import './x.js'`.
 * A module that re-exports one of those (`export … from`, or the bare import itself) is
 * side-effectful too: bundlers drop a module declared side-effect-free whose exports go unused,
 * and its re-exported modules with it, so every index on the path from the entry point to a
 * registration must be declared, not only the registration. A module that imports a binding
 * (`import { X } from './layer.js'`) and uses it keeps that module alive whenever it is itself
 * kept, so it does not need declaring on that account.
 */
export interface SideEffect {
  /** Path relative to the package's `src/`, with `/`, e.g. `softmax/register.ts`. */
  file: string;
  /** Why: the statement, or the effectful module it imports. */
  reason: string;
}

function sourceFiles(srcDir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name) && !/\.(test|spec)\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  if (existsSync(srcDir)) walk(srcDir);
  return out.sort();
}

/** `./x.js` → the `.ts` file it is compiled from (or `./x/index.ts`). */
function resolveRelative(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  const candidates = [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base + '.ts', join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

interface Parsed {
  own?: string;
  /** Relative modules re-exported (`export … from`) or imported bare: the paths bundlers follow only for a kept module. */
  imports: string[];
}

function parse(file: string): Parsed {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const imports: string[] = [];
  let own: string | undefined;
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier)) {
      if (s.importClause?.isTypeOnly) continue;
      const spec = s.moduleSpecifier.text;
      if (!s.importClause) {
        own ??= `import '${spec}'`;
        if (spec.startsWith('.')) imports.push(spec);
      }
    } else if (ts.isExportDeclaration(s) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier)) {
      if (s.isTypeOnly) continue;
      if (s.moduleSpecifier.text.startsWith('.')) imports.push(s.moduleSpecifier.text);
    } else if (ts.isExpressionStatement(s)) {
      own ??= s.getText(sf).split('\n')[0]!.slice(0, 80);
    }
  }
  return { own, imports };
}

/** The modules of `<pkgDir>/src` that have side effects, each with the reason. */
export function sideEffectfulModules(pkgDir: string): SideEffect[] {
  const srcDir = join(pkgDir, 'src');
  const files = sourceFiles(srcDir);
  const parsed = new Map(files.map((f) => [f, parse(f)]));
  const found = new Map<string, string>();
  for (const [f, p] of parsed) if (p.own) found.set(f, p.own);
  // Close upwards: modules that re-export an effectful module are effectful.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [f, p] of parsed) {
      if (found.has(f)) continue;
      for (const spec of p.imports) {
        const target = resolveRelative(f, spec);
        if (target && found.has(target)) {
          found.set(f, `re-exports ${spec}`);
          changed = true;
          break;
        }
      }
    }
  }
  const rel = (f: string): string => relative(srcDir, f).split('\\').join('/');
  return [...found].map(([f, reason]) => ({ file: rel(f), reason })).sort((a, b) => a.file.localeCompare(b.file));
}

/**
 * Whether a package-relative path (`./dist/x.js`) is declared by a `sideEffects` array. Patterns
 * follow webpack's reading: one without a `/` matches the file name anywhere, one with a `/` is
 * relative to the package root.
 */
export function declaredSideEffect(patterns: readonly string[], path: string): boolean {
  const p = path.replace(/^\.\//, '');
  return patterns.some((pat) => {
    const glob = pat.includes('/') ? pat.replace(/^\.\//, '') : `**/${pat}`;
    return picomatch(glob, { dot: true })(p);
  });
}

/** The `sideEffects` entries a package needs for one source module: its source and its build output. */
export function requiredEntries(file: string): [string, string] {
  return [`./src/${file}`, `./dist/${file.replace(/\.tsx?$/, '.js')}`];
}
