import { listAttentions } from '@attention-zoo/attention-core';
import { formatProbes, probeBackends, type BackendProbe } from '@attention-zoo/backends';
import { commandHelp, type Command } from '../args.js';
import { DEFAULT_ATTENTION, FALLBACK_ATTENTION } from '../attention-choice.js';
import { TASKS } from '../tasks/index.js';

export const USAGE = `usage: pnpm train [train] [options]          train (default: small ViT, FLatten attention, MNIST)
       pnpm train eval <run> [--split test|validation]
       pnpm train compare --task <task> --attention a,b,c [options] [--out <dir>]
       pnpm train lra --attention a,b,c [--tasks lra-listops,pathfinder,mqar] [options] [--out docs/lra.md]
                                             the long-range tasks for each attention; a Markdown results file
       pnpm train export <run> [--out <dir>]
       pnpm train generate --run <dir> --prompt "text" [--max-new-tokens N --temperature T --top-k K --seed S]
                                             continue the text with a char-lm run, each character printed as it is sampled
       pnpm train listops-eval <file.tsv>    evaluate LRA ListOps 'Source<TAB>Target' lines with our semantics
       pnpm train --help`;

/** --help: usage, options, tasks with their models, every registered attention, every backend and whether it works here. */
export async function helpText(probes?: BackendProbe[], command: Extract<Command, 'train' | 'compare' | 'lra'> = 'train'): Promise<string> {
  const found = probes ?? (await probeBackends());
  const tw = Math.max(...TASKS.map((t) => t.name.length));
  const attns = listAttentions();
  const aw = Math.max(8, ...attns.map((a) => a.name.length));
  const caps = (a: (typeof attns)[number]) =>
    [a.capabilities.causal && 'causal', a.capabilities.needsGrid && 'grid', a.capabilities.needsMaxTokens && 'maxTokens'].filter(Boolean).join(', ');
  const hasDefault = attns.some((a) => a.name === DEFAULT_ATTENTION);
  return [
    USAGE,
    '',
    `pnpm train ${command} --help:`,
    commandHelp(command).trimEnd(),
    '',
    'each command has its own --help (pnpm train eval --help …)',
    '',
    `tasks (${command === 'lra' ? '--tasks' : '--task'}):`,
    ...TASKS.flatMap((t) => [`  ${t.name.padEnd(tw)}  ${t.summary}`, `  ${''.padEnd(tw)}  model: ${t.model}`]),
    '',
    `attentions registered here (--attention; default ${DEFAULT_ATTENTION}${hasDefault ? '' : `, not registered in this build: ${FALLBACK_ATTENTION} is used instead`}):`,
    ...attns.map((a) => `  ${a.name.padEnd(aw)}  ${a.family.padEnd(10)} ${a.complexity.time.padEnd(10)} ${caps(a).padEnd(24)} ${a.summary}`),
    '',
    'backends (--backend; auto takes the first available, in this order):',
    formatProbes(found),
  ].join('\n');
}
