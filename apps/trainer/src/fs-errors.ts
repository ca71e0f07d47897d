/**
 * File-system failures in words: a run folder that cannot be written (read-only file
 * system, no permission) or a full disk is a different fix from a bug, and Node's own
 * message (`ENOSPC: no space left on device, write`) names neither the run nor what to do.
 * Training writes its run folder; eval, export and generate read one, and export writes
 * its --out folder: each says which folder, the cause, the file and the remedy.
 * The CLI prints the message only (no stack) and exits non-zero.
 */
import { relative, isAbsolute } from 'node:path';

export class RunFolderError extends Error {
  override name = 'RunFolderError';
}

const WHY: Record<string, string> = {
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'the disk is full (no space left on the device)',
  EDQUOT: 'the disk quota is used up',
  EIO: 'an input/output error (a failing disk, or a network file system that went away)',
  ENOTDIR: 'part of the path is a file, not a folder',
  EEXIST: 'a file is in the way (a folder was expected)',
  EISDIR: 'a folder is in the way (a file was expected)',
};

/** A folder a command reads or writes, for the message when a file-system call in it fails. */
export interface FsFolder {
  folder: string;
  /** How the message names it: 'run folder', 'export folder'. */
  label: string;
  access: 'read' | 'write';
  /** What to do, for the causes other than a full disk. */
  fix: string;
  /** What to do once there is space again (a full disk). */
  afterSpace?: string;
}

/** Training: the run folder is written; a full disk leaves it resumable. */
export const trainFolder = (runDir: string): FsFolder => ({
  folder: runDir,
  label: 'run folder',
  access: 'write',
  fix: `make ${runDir} writable, or choose another folder with --run`,
  afterSpace: `continue with --resume ${runDir} (the checkpoints written before are intact)`,
});

/** eval, export, generate: the run folder is only read. */
export const readFolder = (runDir: string): FsFolder => ({
  folder: runDir,
  label: 'run folder',
  access: 'read',
  fix: `make ${runDir} and its files readable (chmod -R u+rX ${runDir}), or copy the run somewhere readable`,
});

/** export's --out folder. */
export const exportFolder = (outDir: string): FsFolder => ({
  folder: outDir,
  label: 'export folder',
  access: 'write',
  fix: `make ${outDir} writable, or choose another folder with --out`,
  afterSpace: 'export again',
});

const inside = (path: string, folder: string) => {
  const r = relative(folder, path);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

/**
 * `err` as a RunFolderError naming the folder, the cause, the file and the remedy when it is
 * one of the errno codes above; otherwise `err` itself. `where` is the training run folder,
 * or the folders a command uses: the one holding the failed path (the innermost) is named.
 */
export function explainFsError(err: unknown, where: string | readonly FsFolder[]): unknown {
  const e = err as NodeJS.ErrnoException;
  if (!(e instanceof Error) || typeof e.code !== 'string' || !(e.code in WHY)) return err;
  if (err instanceof RunFolderError) return err;
  const folders = typeof where === 'string' ? [trainFolder(where)] : where;
  const at = e.path ? ` (${e.syscall ?? 'access'} ${e.path})` : '';
  const f = e.path ? [...folders].sort((a, b) => b.folder.length - a.folder.length).find((d) => inside(e.path!, d.folder)) : folders[0];
  // Outside every folder of the command (a data set, say): the path and the cause, no folder's remedy.
  if (!f) return new RunFolderError(`cannot use ${e.path}: ${WHY[e.code]} [${e.code}]${at}`, { cause: err });
  const full = e.code === 'ENOSPC' || e.code === 'EDQUOT';
  const fix = full ? `free some space, then ${f.afterSpace ?? 'try again'}` : f.fix;
  return new RunFolderError(`cannot ${f.access} the ${f.label} ${f.folder}: ${WHY[e.code]} [${e.code}]${at}; ${fix}`, { cause: err });
}

/** Runs `f`, turning its file-system errors into RunFolderErrors about `folders`. */
export async function explainingFsErrors<T>(folders: readonly FsFolder[], f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    throw explainFsError(err, folders);
  }
}
