/**
 * One writer per run folder: `<run>/.lock` holds the writing trainer's pid and host.
 * A second trainer, or a `--resume` while the first still runs, is refused with the
 * holder named. A lock whose process is gone (a trainer killed with kill -9) is stale
 * and taken over, so it never blocks for ever. (A pid reused by an unrelated process
 * on the same host would keep a stale lock: the message says which file to remove.)
 */
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export class RunLockedError extends Error {
  override name = 'RunLockedError';
}

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

function holderAlive(info: LockInfo): boolean {
  if (info.host !== hostname()) return true; // another machine's trainer: cannot tell, so respect it
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

function readLock(path: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return Number.isInteger(info.pid) && typeof info.host === 'string' ? info : undefined;
  } catch {
    return undefined; // gone meanwhile, or half written by a killed trainer
  }
}

/** Takes the run folder's lock (the folder must exist); the returned function releases it. */
export function lockRunFolder(runDir: string): () => void {
  const path = join(runDir, '.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const held = readLock(path);
      if (held && holderAlive(held)) {
        throw new RunLockedError(
          `${runDir} is being written by another trainer (pid ${held.pid} on ${held.host}, since ${held.since}); ` +
            `wait for it to finish or stop it, then --resume ${runDir}. If no trainer runs, remove ${path}.`,
        );
      }
      rmSync(path, { force: true }); // stale: its trainer is gone
      continue;
    }
    const info: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    writeSync(fd, JSON.stringify(info));
    closeSync(fd);
    const release = () => {
      if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
      process.off('exit', release);
    };
    process.on('exit', release); // a trainer stopped by a signal leaves no lock behind
    return release;
  }
  throw new RunLockedError(`${runDir}: could not take ${path} (other trainers keep taking it)`);
}
