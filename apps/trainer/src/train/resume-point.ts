/**
 * Where `--resume` starts: the newest checkpoint that verifies against its manifest and
 * loads. A newer one that does not (weights or metadata truncated or corrupt: a disk
 * error, a copy cut off, a file edited by hand) is skipped with a warning naming it and
 * why, and set aside as `damaged-step-…` so it is neither resumed from later nor counted
 * among the kept checkpoints; the resumed run writes that step again. When none is
 * usable the error lists every checkpoint and what is wrong with each file, and nothing
 * is moved. A folder with no checkpoint at all (a run stopped before its first) has no
 * resume point: the caller starts the run over.
 */
import { join, relative } from 'node:path';
import { CheckpointError, type Checkpoints, type LoadedCheckpoint } from './checkpoint.js';

export interface ResumePoint {
  name: string;
  checkpoint: LoadedCheckpoint;
}

/** The checkpoint to resume from, or undefined when there is none at all; `warn` gets one line per damaged one skipped. */
export async function findResumePoint(checkpoints: Checkpoints, warn: (line: string) => void): Promise<ResumePoint | undefined> {
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
      const moved = relative(checkpoints.runDir, checkpoints.setAside(d.name));
      warn(`resume: skipping damaged checkpoint ${d.name}: ${d.reason}; moved it to ${moved}; resuming from ${name}`);
    }
    return { name, checkpoint };
  }
  throw new CheckpointError(
    `${checkpoints.runDir}: no usable checkpoint to resume from (${names.length} in ${join(checkpoints.runDir, 'checkpoints')}, all damaged):\n` +
      damaged.map((d) => `  ${d.reason}`).join('\n'),
  );
}
