import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { examplesIn, readmeExamples, readmePaths } from '../src/readme-examples.js';
import { publishedPackages, ROOT } from '../src/workspace.js';

const fence = '```';

describe('README example extraction', () => {
  it('takes whole modules (first code line an import) and leaves signatures and shell lines', () => {
    const md = [
      '# x',
      `${fence}sh`,
      'npm install x',
      fence,
      `${fence}ts`,
      "// a comment first is fine",
      "import * as tf from '@tensorflow/tfjs-core';",
      'console.log(tf.version_core);',
      fence,
      `${fence}ts`,
      'createAttention(name, config)   // → the layer',
      fence,
      '<!-- example-files: packages/x/test/a.pth -->',
      '',
      `${fence}ts`,
      "import { it } from 'vitest';",
      fence,
    ].join('\n');
    const found = examplesIn(md, 'packages/x/README.md');
    expect(found.map((e) => [e.line, e.test, e.files, e.id])).toEqual([
      [5, false, [], 'x-README-L5'],
      [15, true, ['packages/x/test/a.pth'], 'x-README-L15'],
    ]);
    expect(found[0]!.code).toBe("// a comment first is fine\nimport * as tf from '@tensorflow/tfjs-core';\nconsole.log(tf.version_core);\n");
  });

  it('finds examples in the root README and in every published package README', () => {
    const examples = readmeExamples();
    const readmes = new Set(examples.map((e) => e.readme));
    expect(readmes.has('README.md')).toBe(true);
    for (const p of publishedPackages()) expect(readmes.has(`packages/${p.folder}/README.md`), p.folder).toBe(true);
  });

  it('names only files that exist', () => {
    for (const e of readmeExamples()) for (const f of e.files) expect(existsSync(join(ROOT, f)), `${e.readme}:${e.line} names ${f}`).toBe(true);
  });
});

// A default `npm init` project is CommonJS, where tsc answers an import of an ESM-only package
// with TS1479/TS1295: every README says so where it says how to install.
describe('READMEs say the packages are ESM-only', () => {
  for (const path of readmePaths()) {
    it(path.slice(ROOT.length), () => {
      const text = readFileSync(path, 'utf8');
      expect(/ESM-only/.test(text), 'says the package is ESM-only').toBe(true);
      expect(text.includes('"type": "module"'), 'shows the "type": "module" line of package.json').toBe(true);
    });
  }
});
