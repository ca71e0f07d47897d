// pnpm train [train|eval|compare|export|listops-eval] [options] — see `pnpm train --help`.
import { releaseBackend } from '@attention-zoo/backends';
import { configFromArgs, parseArgs, UsageError, type ParsedArgs } from './args.js';
import { chooseAttention } from './attention-choice.js';
import { BackendArgError, chooseBackend } from './backend-choice.js';
import { compare } from './commands/compare.js';
import { evalRun } from './commands/eval.js';
import { exportRun } from './commands/export.js';
import { helpText, USAGE } from './commands/help.js';
import { listopsEval } from './commands/listops-eval.js';
import { defaultRunDir } from './run-folder.js';
import { Progress, type OutputMode } from './train/progress.js';
import { readRunConfig, runTraining } from './train/run.js';

function outputMode(p: ParsedArgs): OutputMode {
  if (p.switches.has('--json')) return 'json';
  if (p.switches.has('--quiet')) return 'quiet';
  return process.stdout.isTTY && !p.switches.has('--no-bar') ? 'bar' : 'lines';
}

async function backend(p: ParsedArgs, fallback = 'auto'): Promise<{ name: string; header: string[] }> {
  try {
    return await chooseBackend(p.values.get('--backend')?.[0] ?? fallback);
  } catch (err) {
    if (err instanceof BackendArgError) throw new UsageError(err.message);
    throw err;
  }
}

function one(p: ParsedArgs, what: string): string {
  if (p.positionals.length !== 1) throw new UsageError(`${p.command} needs exactly one ${what}\n\n${USAGE}`);
  return p.positionals[0]!;
}

export async function main(argv: string[]): Promise<number> {
  const p = parseArgs(argv);
  if (p.command === 'listops-eval') {
    const r = listopsEval(one(p, 'TSV file'), (l) => console.log(l));
    return r.mismatched === 0 ? 0 : 1;
  }
  await import('@attention-zoo/variants'); // every published package: its registrations run
  const progress = new Progress(outputMode(p));

  if (p.command === 'help') {
    console.log(await helpText());
    return 0;
  }
  if (p.command === 'eval') {
    const run = one(p, 'run folder');
    const split = (p.values.get('--split')?.[0] ?? 'test') as 'test' | 'validation';
    if (split !== 'test' && split !== 'validation') throw new UsageError(`--split must be test or validation, got '${split}'`);
    const b = await backend(p, readRunConfig(run).backend);
    b.header.forEach((l) => progress.info(l));
    const r = await evalRun(run, split);
    progress.event({ kind: 'eval', run, split, ...r });
    progress.result(`${split} accuracy ${(100 * r.accuracy).toFixed(2)}%, loss ${r.loss.toFixed(4)} (${r.n} examples) — ${run} ${r.checkpoint}`);
    return 0;
  }
  if (p.command === 'export') {
    const run = one(p, 'run folder');
    await backend(p, 'cpu');
    const out = p.values.get('--out')?.[0] ?? `${run.replace(/\/+$/, '')}/export`;
    const meta = await exportRun(run, out);
    progress.event({ kind: 'export', out, metadata: meta });
    progress.result(`exported ${meta.task} · ${meta.attention} (step ${meta.source.step}) to ${out}: model.json, weights.bin, metadata.json`);
    return 0;
  }
  if (p.command === 'compare') {
    const list = (p.values.get('--attention')?.[0] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (list.length === 0) throw new UsageError('compare needs --attention a,b,c (pnpm train --help lists the registered ones)');
    const config = configFromArgs(p, list[0]!, 'auto'); // bad flags fail before a backend starts
    const b = await backend(p);
    config.backend = b.name;
    const out = p.values.get('--out')?.[0] ?? defaultRunDir(p.values.get('--runs-dir')?.[0] ?? 'runs', `compare-${config.task}`, list.length === 1 ? list[0]! : `${list.length}`);
    await compare({ config, attentions: list, outDir: out, progress, header: b.header });
    return 0;
  }
  // train
  const resume = p.values.get('--resume')?.[0];
  if (resume) {
    const b = await backend(p, readRunConfig(resume).backend);
    const s = await runTraining({ config: readRunConfig(resume), runDir: resume, resume: true, progress, header: b.header });
    return s ? 0 : 1;
  }
  const choice = chooseAttention(p.values.get('--attention')?.[0]);
  const config = configFromArgs(p, choice.name, 'auto'); // bad flags fail before a backend starts
  const b = await backend(p);
  config.backend = b.name;
  if (choice.fallback) config.attentionFallback = choice.fallback;
  const runDir = p.values.get('--run')?.[0] ?? defaultRunDir(p.values.get('--runs-dir')?.[0] ?? 'runs', config.task, config.attention);
  await runTraining({ config, runDir, progress, header: b.header });
  return 0;
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => {
      releaseBackend();
      process.exit(code);
    },
    (err) => {
      console.error(`train: ${(err as Error).message}`);
      releaseBackend();
      process.exit(err instanceof UsageError ? 2 : 1);
    },
  );
}
