/**
 * Where `--resume` starts: the newest checkpoint that verifies against its manifest and
 * loads. A newer one that does not (weights or metadata truncated or corrupt: a disk
 * error, a copy cut off, a file edited by hand) is skipped with a warning naming it and
 * why, and set aside as `damaged-step-…` so it is neither resumed from later nor counted
 * among the kept checkpoints; the resumed run writes that step again. When none is
 * usable the error lists every checkpoint and what is wrong with each file, and nothing
 * is moved. A folder with no checkpoint at all (a run stopped before its first) has no
 * resume point: the caller starts the run over. eval, export and generate take the same
 * newest usable checkpoint (loadNewestModel), leaving damaged ones in place.
 */
import { join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CheckpointError, Checkpoints, type CheckpointState, type LoadedCheckpoint } from './checkpoint.js';

export interface ResumePoint {
  name: string;
  checkpoint: LoadedCheckpoint;
}

/** The checkpoint to resume from, or undefined when there is none at all; `warn` gets one line per damaged one skipped. */
export async function findResumePoint(checkpoints: Checkpoints, warn: (line: string) => void): Promise<ResumePoint | undefined> {
  return newestUsable(checkpoints, warn, { command: 'resume', what: 'resume from', setAside: true });
}

interface Use {
  /** The command, at the start of each warning. */
  command: string;
  /** "no usable checkpoint to …". */
  what: string;
  /** Move damaged ones to `damaged-step-…` (resume, which writes the folder); commands that only read leave them in place. */
  setAside: boolean;
}

async function newestUsable(checkpoints: Checkpoints, warn: (line: string) => void, use: Use): Promise<ResumePoint | undefined> {
  const names = checkpoints.complete().reverse(); // newest first
  if (names.length === 0) return undefined;
  const damaged: { name: string; reason: string }[] = [];
  for (const name of names) {
    let checkpoint: LoadedCheckpoint;
    try {
      checkpoint = await checkpoints.load(name);
    } catch (err) {
      if (!(err instanceof CheckpointError)) throw err; // an I/O error is not the checkpoint's fault
      damaged.push({ name, reason: err.message });
      continue;
    }
    for (const d of damaged) {
      if (use.setAside) {
        const moved = relative(checkpoints.runDir, checkpoints.setAside(d.name));
        warn(`${use.command}: skipping damaged checkpoint ${d.name}: ${d.reason}; moved it to ${moved}; resuming from ${name}`);
      } else {
        warn(`${use.command}: skipping damaged checkpoint ${d.name}: ${d.reason}; using ${name} (step ${checkpoint.state.step}) instead`);
      }
    }
    return { name, checkpoint };
  }
  throw new CheckpointError(
    `${checkpoints.runDir}: no usable checkpoint to ${use.what} (${names.length} in ${join(checkpoints.runDir, 'checkpoints')}, all damaged):\n` +
      damaged.map((d) => `  ${d.reason}`).join('\n'),
  );
}

/**
 * The model and run state of a run's newest checkpoint that verifies and loads, without Adam's
 * (eval, export, generate). A newer damaged one is skipped with a warning naming it and why,
 * and left where it is: these commands only read the run folder (a `--resume` sets it aside).
 * `command` starts the warnings; `what` names the use in the error when there is no checkpoint.
 */
export async function loadNewestModel(
  runDir: string,
  command: string,
  what: string,
  warn: (line: string) => void,
): Promise<{ name: string; model: tfl.LayersModel; state: CheckpointState }> {
  const found = await newestUsable(new Checkpoints(runDir), warn, { command, what, setAside: false });
  if (!found) throw new Error(`${runDir}: no checkpoint to ${what}`);
  const { model, optimizerWeights, state } = found.checkpoint;
  tf.dispose(optimizerWeights.map((w) => w.tensor));
  return { name: found.name, model, state };
}
