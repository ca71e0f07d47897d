// pnpm train [train|eval|compare|export|generate|listops-eval] [options] — see `pnpm train --help`.
import { join } from 'node:path';
import { releaseBackend } from '@attention-zoo/backends';
import { configFromArgs, didYouMean, parseArgs, UsageError, type ParsedArgs } from './args.js';
import { checkAttention, chooseAttention } from './attention-choice.js';
import { BackendArgError, chooseBackend } from './backend-choice.js';
import { compare } from './commands/compare.js';
import { evalRun } from './commands/eval.js';
import { exportRun } from './commands/export.js';
import { formatGenerateSummary, generateFromRun, generateRequest, openGenerateRun } from './commands/generate.js';
import { helpText, USAGE } from './commands/help.js';
import { listopsEval } from './commands/listops-eval.js';
import { explainFsError, readFolder } from './fs-errors.js';
import { lra, LRA_TASKS } from './commands/lra.js';
import { defaultRunDir, readRunConfig } from './run-folder.js';
import { TASKS } from './tasks/index.js';
import { Progress, type OutputMode } from './train/progress.js';
import { runTraining } from './train/run.js';

function outputMode(p: ParsedArgs): OutputMode {
  if (p.options['--json']) return 'json';
  if (p.options['--quiet']) return 'quiet';
  return process.stdout.isTTY && !p.options['--no-bar'] ? 'bar' : 'lines';
}

async function backend(p: ParsedArgs, fallback = 'auto'): Promise<{ name: string; header: string[] }> {
  try {
    return await chooseBackend(str(p, '--backend') ?? fallback);
  } catch (err) {
    if (err instanceof BackendArgError) throw new UsageError(err.message);
    throw err;
  }
}

/** A run folder's config.json, its file-system errors in words (fs-errors.ts). */
function runConfig(run: string): ReturnType<typeof readRunConfig> {
  try {
    return readRunConfig(run);
  } catch (err) {
    throw explainFsError(err, [readFolder(run)]);
  }
}

const str = (p: ParsedArgs, flag: string) => p.options[flag] as string | undefined;
const csv = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
/** An argument as a POSIX shell would need it (the results file shows the command to rerun). */
const shellQuote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

function one(p: ParsedArgs, what: string): string {
  if (p.positionals.length !== 1) throw new UsageError(`${p.command} needs exactly one ${what}\n\n${USAGE}`);
  return p.positionals[0]!;
}

/** Where a command's own output goes: `generate` streams its text through `write`, its summary through `note`. */
export interface CliOutput {
  /** Raw text to stdout, written at once (no newline added). */
  write(text: string): void;
  /** One line to stderr. */
  note(line: string): void;
}

const PROCESS_OUTPUT: CliOutput = {
  write: (text) => void process.stdout.write(text),
  note: (line) => console.error(line),
};

export async function main(argv: string[], output: CliOutput = PROCESS_OUTPUT): Promise<number> {
  const p = parseArgs(argv);
  if (p.command === 'listops-eval') {
    const r = listopsEval(one(p, 'TSV file'), (l) => console.log(l));
    return r.mismatched === 0 ? 0 : 1;
  }
  if (p.command === 'help') {
    // Help starts no backend (issue 22): probing WebGPU loads Dawn, whose Vulkan driver may
    // print to stderr and whose live device keeps Node from exiting. The training commands'
    // help also lists the tasks, the registered attentions and the backends by name.
    const command = p.help?.command ?? 'train';
    if (command !== 'train' && command !== 'compare' && command !== 'lra') {
      console.log(p.help!.text.trimEnd());
      return 0;
    }
    await import('@attention-zoo/variants'); // the registered attentions, for the list
    console.log(helpText(command));
    return 0;
  }
  await import('@attention-zoo/variants'); // every published package: its registrations run
  const progress = new Progress(outputMode(p));

  if (p.command === 'eval') {
    const run = one(p, 'run folder');
    const split = (str(p, '--split') ?? 'test') as 'test' | 'validation'; // the parser took only these
    const b = await backend(p, runConfig(run).backend);
    b.header.forEach((l) => progress.info(l));
    const r = await evalRun(run, split, (l) => progress.warn(l));
    progress.event({ kind: 'eval', run, split, ...r });
    progress.result(`${split} accuracy ${(100 * r.accuracy).toFixed(2)}%, loss ${r.loss.toFixed(4)} (${r.n} examples) — ${run} ${r.checkpoint}`);
    return 0;
  }
  if (p.command === 'export') {
    const run = one(p, 'run folder');
    await backend(p, 'cpu');
    const out = str(p, '--out') ?? `${run.replace(/\/+$/, '')}/export`;
    const meta = await exportRun(run, out, (l) => progress.warn(l));
    progress.event({ kind: 'export', out, metadata: meta });
    progress.result(`exported ${meta.task} · ${meta.attention} (step ${meta.source.step}) to ${out}: model.json, weights.bin, metadata.json`);
    return 0;
  }
  if (p.command === 'generate') {
    // stdout carries only the generated text (pipe it anywhere); the backend goes in the summary.
    const req = generateRequest(p);
    const run = openGenerateRun(req); // a wrong folder or prompt fails before a backend starts
    const b = await backend(p, run.config.backend);
    const s = await generateFromRun(run, req, (text) => output.write(text), (l) => output.note(l));
    output.write('\n');
    output.note(formatGenerateSummary(s, b.name));
    return 0;
  }
  if (p.command === 'compare') {
    const list = (str(p, '--attention') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (list.length === 0) throw new UsageError('compare needs --attention a,b,c (pnpm train --help lists the registered ones)');
    list.forEach(checkAttention);
    const config = configFromArgs(p, list[0]!, 'auto'); // bad flags fail before a backend starts
    const b = await backend(p);
    config.backend = b.name;
    const out = str(p, '--out') ?? defaultRunDir(str(p, '--runs-dir') ?? 'runs', `compare-${config.task}`, list.length === 1 ? list[0]! : `${list.length}`);
    await compare({ config, attentions: list, outDir: out, progress, header: b.header });
    return 0;
  }
  if (p.command === 'lra') {
    const list = csv(str(p, '--attention'));
    if (list.length === 0) throw new UsageError('lra needs --attention a,b,c (pnpm train lra --help lists the registered ones)');
    list.forEach(checkAttention);
    const tasks = p.options['--tasks'] === undefined ? [...LRA_TASKS] : csv(str(p, '--tasks'));
    if (tasks.length === 0) throw new UsageError(`lra: --tasks must list at least one task, e.g. ${LRA_TASKS.join(',')}`);
    const names = TASKS.map((t) => t.name);
    for (const t of tasks) if (!names.includes(t)) throw new UsageError(`lra: unknown task '${t}'${didYouMean(t, names)}; tasks: ${names.join(', ')}`);
    // One config per task: the task's defaults under the shared flags; bad flags fail before a backend starts.
    const configs = tasks.map((task) => configFromArgs({ ...p, options: { ...p.options, '--task': task } }, list[0]!, 'auto'));
    const b = await backend(p);
    for (const c of configs) c.backend = b.name;
    const runsDir = defaultRunDir(str(p, '--runs-dir') ?? 'runs', 'lra', `${list.length}`);
    const outFile = str(p, '--out') ?? join(runsDir, 'lra.md');
    const command = ['pnpm', 'train', ...argv.filter((a) => a !== '--')].map(shellQuote).join(' ');
    await lra({ configs, attentions: list, outFile, runsDir, progress, header: b.header, command });
    return 0;
  }
  // train
  const resume = str(p, '--resume');
  if (resume) {
    const config = runConfig(resume);
    const b = await backend(p, config.backend);
    const s = await runTraining({ config, runDir: resume, resume: true, progress, header: b.header });
    return s ? 0 : 1;
  }
  const choice = chooseAttention(str(p, '--attention'));
  const config = configFromArgs(p, choice.name, 'auto'); // bad flags fail before a backend starts
  const b = await backend(p);
  config.backend = b.name;
  if (choice.fallback) config.attentionFallback = choice.fallback;
  const runDir = str(p, '--run') ?? defaultRunDir(str(p, '--runs-dir') ?? 'runs', config.task, config.attention);
  await runTraining({ config, runDir, progress, header: b.header });
  return 0;
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
if (isMain) {
  // `pnpm train generate … | head -c 80` closes the pipe early: that ends the command, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    releaseBackend();
    process.exit(0);
  });
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
