import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { publishedPackages, ROOT } from './workspace.js';

/** A code block of a README that a user could paste into a file of their project and run. */
export interface ReadmeExample {
  /** The README, relative to the repository root. */
  readme: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** A vitest test file (it imports `vitest`) rather than a script. */
  test: boolean;
  /**
   * Files the example reads from its working directory, relative to the repository root,
   * named by an `<!-- example-files: a b -->` comment just above the fence: a user runs such an
   * example next to their own file, so the runner puts a copy of each beside it.
   */
  files: string[];
  /** A file-name-safe id: `attention-core-README-L23`. */
  id: string;
}

const RUNNABLE_LANGS = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs']);
const FILES_COMMENT = /^<!--\s*example-files:\s*(.*?)\s*-->$/;

/**
 * A block is a runnable example when its first line of code is an `import`: a whole module as a
 * user would paste it. Blocks that start otherwise are signatures or fragments (an API listing,
 * a line to add to a config) and are not run.
 */
function isRunnable(code: string): boolean {
  const first = code.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('//'));
  return first !== undefined && /^import\s/.test(first.trim());
}

/** Every runnable example in one Markdown file. */
export function examplesIn(markdown: string, readme: string): ReadmeExample[] {
  const lines = markdown.split('\n');
  const out: ReadmeExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})\s*([\w-]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const lang = open[2]!.toLowerCase();
    const start = i;
    let end = i + 1;
    while (end < lines.length && !lines[end]!.startsWith(fence)) end++;
    const code = lines.slice(start + 1, end).join('\n');
    i = end;
    if (!RUNNABLE_LANGS.has(lang) || !isRunnable(code)) continue;
    let above = start - 1;
    while (above >= 0 && lines[above]!.trim() === '') above--;
    const files = FILES_COMMENT.exec(lines[above]?.trim() ?? '')?.[1]?.split(/\s+/).filter(Boolean) ?? [];
    const slug = readme.replace(/^packages\//, '').replace(/\.md$/i, '').replace(/[^\w-]+/g, '-');
    out.push({ readme, line: start + 1, code: `${code}\n`, test: /from\s+['"]vitest['"]/.test(code), files, id: `${slug}-L${start + 1}` });
  }
  return out;
}

/** The READMEs a user reads: the root one and every published package's. */
export function readmePaths(root: string = ROOT): string[] {
  const paths = [join(root, 'README.md'), ...publishedPackages(root).map((p) => join(p.dir, 'README.md'))];
  return paths.filter((p) => existsSync(p));
}

/** Every runnable example of every README, in README order. */
export function readmeExamples(root: string = ROOT): ReadmeExample[] {
  return readmePaths(root).flatMap((p) => examplesIn(readFileSync(p, 'utf8'), relative(root, p)));
}
