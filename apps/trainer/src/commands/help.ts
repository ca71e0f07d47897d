import { listAttentions } from '@attention-zoo/attention-core';
import { NODE_BACKENDS, type BackendName } from '@attention-zoo/backends';
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

/** What each backend is: --help names them without starting one (a probe would load Dawn, whose driver may print). */
const BACKEND_SUMMARY: Record<BackendName, string> = {
  'tensorflow-gpu': 'libtensorflow with CUDA (@tensorflow/tfjs-node-gpu)',
  tensorflow: 'libtensorflow on the CPU, multi-threaded (@tensorflow/tfjs-node)',
  webgpu: 'WebGPU through Dawn (the `webgpu` package); auto passes over a software adapter when training',
  wasm: 'WebAssembly, single-threaded in Node',
  cpu: 'plain JavaScript',
};

/**
 * --help: usage, options, tasks with their models, every registered attention and every backend.
 * It starts no backend: which ones work on this machine is `pnpm --filter @attention-zoo/backends report`,
 * and a training run's header says which it took and why.
 */
export function helpText(command: Extract<Command, 'train' | 'compare' | 'lra'> = 'train'): string {
  const bw = Math.max(...NODE_BACKENDS.map((b) => b.length));
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
    ...NODE_BACKENDS.map((b) => `  ${b.padEnd(bw)}  ${BACKEND_SUMMARY[b]}`),
    'which of them work on this machine, and why not: pnpm --filter @attention-zoo/backends report',
  ].join('\n');
}
