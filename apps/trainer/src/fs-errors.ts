/**
 * File-system failures in words: a run folder that cannot be written (read-only file
 * system, no permission) or a full disk is a different fix from a bug, and Node's own
 * message (`ENOSPC: no space left on device, write`) names neither the run nor what to do.
 * The CLI prints the message only (no stack) and exits non-zero.
 */
export class RunFolderError extends Error {
  override name = 'RunFolderError';
}

const WHY: Record<string, string> = {
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'the disk is full (no space left on the device)',
  EDQUOT: 'the disk quota is used up',
};

/** `err` as a RunFolderError naming the cause, the file and the remedy when it is one of these; otherwise `err` itself. */
export function explainFsError(err: unknown, runDir: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (!(e instanceof Error) || typeof e.code !== 'string' || !(e.code in WHY)) return err;
  const where = e.path ? ` (${e.syscall ?? 'access'} ${e.path})` : '';
  const full = e.code === 'ENOSPC' || e.code === 'EDQUOT';
  const fix = full
    ? `free some space, then continue with --resume ${runDir} (the checkpoints written before are intact)`
    : `make ${runDir} writable, or choose another folder with --run`;
  return new RunFolderError(`cannot write the run folder ${runDir}: ${WHY[e.code]} [${e.code}]${where}; ${fix}`, { cause: err });
}
