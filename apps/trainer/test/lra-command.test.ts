import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import '@attention-zoo/variants'; // every published package's registrations, as the CLI loads them
import { useBackend } from '@attention-zoo/test-utils';
import { getTask, main, refusalReason } from '../src/index.js';
import { registerMeanValues, tmp } from './helpers.js';

/**
 * The data and budget flags that make the tasks take seconds: few examples, few steps, short ListOps.
 * Pathfinder is left out of the run (always 1,024 tokens: minutes for softmax on the cpu backend).
 */
const TINY = [
  '--examples', '16,8,8', '--min-length', '4', '--max-length', '24', '--pairs', '2',
  '--train-limit', '8', '--val-limit', '4', '--test-limit', '4',
  '--dim', '16', '--depth', '1', '--heads', '2', '--mlp-ratio', '1', '--batch', '4', '--steps', '2', '--warmup', '1',
  '--log-every', '1', '--eval-every', '2', '--checkpoint-every', '2', '--backend', 'cpu', '--quiet',
];

describe('pnpm train lra (tiny sizes)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('refuses a variant a task cannot use, with the reason: no causal form for mqar, no key-padding mask for the padded tasks', () => {
    const noMask = registerMeanValues('test-causal-no-mask', { causal: true });
    expect(refusalReason(getTask('mqar'), 'linformer')).toMatch(/no causal form/);
    expect(refusalReason(getTask('lra-listops'), noMask)).toMatch(/no key-padding mask/);
    expect(refusalReason(getTask('pathfinder'), noMask)).toMatch(/no key-padding mask/);
    expect(refusalReason(getTask('mqar'), noMask)).toBeUndefined();
    expect(refusalReason(getTask('lra-listops'), 'softmax')).toBeUndefined();
  });

  it('runs every task for every attention and writes one table row per attention × task, the plot, and the refused pairs with their reasons', async () => {
    const noMask = registerMeanValues('test-causal-no-mask', { causal: true });
    const dir = dirname(tmp('lra-command'));
    const out = join(dir, 'docs', 'lra.md');
    const argv = ['lra', '--attention', `softmax,linformer,${noMask}`, '--tasks', 'lra-listops,mqar', ...TINY, '--runs-dir', join(dir, 'runs'), '--out', out];
    expect(await main(argv)).toBe(0);

    const md = readFileSync(out, 'utf8');
    const rows = md.split('\n').filter((l) => /^\| (softmax|linformer|test-causal-no-mask) \| (lra-listops|pathfinder|mqar) \|/.test(l));
    expect(rows).toHaveLength(6); // 3 attentions × 2 tasks
    const row = (a: string, t: string) => rows.find((l) => l.startsWith(`| ${a} | ${t} |`))!;
    for (const [a, t] of [['softmax', 'lra-listops'], ['softmax', 'mqar'], ['linformer', 'lra-listops'], [noMask, 'mqar']]) {
      expect(row(a!, t!)).toMatch(/\| \d+\.\d\d% \(4\) \| \d+\.\d s \| \d+\.\d MiB \| \d+\.\d MiB \| 2 \|/); // accuracy on 4 test examples, time, memory, 2 steps
    }
    expect(row('linformer', 'mqar')).toMatch(/refused: no causal form, and mqar is causal/);
    expect(row(noMask, 'lra-listops')).toMatch(/refused: no key-padding mask, and lra-listops masks its padding/);

    // The exact command, the machine, the budget, the plot beside the Markdown, the published numbers.
    expect(md).toContain(`pnpm train lra --attention softmax,linformer,${noMask} --tasks lra-listops,mqar --examples 16,8,8`);
    expect(md).toMatch(/## Machine\n\n- CPU: .+ × \d+ logical cores/);
    expect(md).toMatch(/- backend: cpu/);
    expect(md).toMatch(/\| lra-listops \| 16\/8\/8 expressions, 4 < length < 24 tokens.*2 steps × batch 4; dim 16, depth 1, 2 heads/);
    expect(md).toContain('![test accuracy per attention and task](lra.svg)');
    expect(md).toMatch(/Transformer \(softmax\) \| 36\.37 \| 71\.40/);
    expect(md).toMatch(/Zoology/);
    const svg = readFileSync(join(dir, 'docs', 'lra.svg'), 'utf8');
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
    expect(svg.match(/aria-roledescription="bar"/g)).toHaveLength(4); // one bar per trained pair, none for the refused ones
    const json = JSON.parse(readFileSync(join(dir, 'docs', 'lra.json'), 'utf8')) as { results: { task: string; rows: { attention: string; refused?: string }[] }[] };
    expect(json.results.map((r) => r.task)).toEqual(['lra-listops', 'mqar']);
    expect(json.results[1]!.rows.find((r) => r.attention === 'linformer')!.refused).toMatch(/no causal form/);

    // Each task went through compare: its table and run folders under the runs folder, none for the refused pairs.
    const [runs] = readdirSync(join(dir, 'runs'));
    expect(runs).toMatch(/^lra-3-/);
    for (const t of ['lra-listops', 'mqar']) expect(existsSync(join(dir, 'runs', runs!, t, 'compare.md'))).toBe(true);
    expect(existsSync(join(dir, 'runs', runs!, 'mqar', 'linformer'))).toBe(false);
    expect(existsSync(join(dir, 'runs', runs!, 'mqar', 'softmax', 'summary.json'))).toBe(true);
  }, 180_000);

  it('rejects an unknown task or an empty attention list before any training', async () => {
    await expect(main(['lra', '--attention', 'softmax', '--tasks', 'pathfindr', '--backend', 'cpu'])).rejects.toThrow(/unknown task 'pathfindr'; did you mean 'pathfinder'\?/);
    await expect(main(['lra', '--backend', 'cpu'])).rejects.toThrow(/lra needs --attention/);
    await expect(main(['lra', '--attention', 'softmax', '--task', 'mqar'])).rejects.toThrow(/unknown option '--task'/);
  });
});
