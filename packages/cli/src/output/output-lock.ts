import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { processAlive } from '../local/process-alive.js';
import { GomrError, UsageError } from '../errors.js';

/** What a lock file holds: who writes the output directory. */
interface LockOwner {
  pid: number;
  host: string;
  jobId: string;
  since: string;
}

/** A held output lock; release() is idempotent and also runs when the process exits. */
export interface OutputLock {
  readonly path: string;
  release(): void;
}

/** The lock file of an output directory: beside it, hidden, so the directory itself can be renamed into place. */
export function outputLockPath(dir: string): string {
  return join(dirname(dir), `.${basename(dir)}.gomr-lock`);
}

/**
 * Takes the lock of output directory `dir` for job `jobId`, for this process's life: a second
 * job with the same output is refused at once, naming the first. A lock whose process is gone
 * (same host, no such pid) is stale and taken over. The lock is made by link(2) of a complete
 * file, so no reader ever sees a half-written one, and two jobs cannot both create it.
 */
export function acquireOutputLock(dir: string, jobId: string): OutputLock {
  const path = outputLockPath(dir);
  const owner: LockOwner = { pid: process.pid, host: hostname(), jobId, since: new Date().toISOString() };
  const temp = `${path}.${process.pid}`;
  try {
    writeFileSync(temp, JSON.stringify(owner) + '\n', { mode: 0o644 });
  } catch (err) {
    throw cannotLock(dir, err);
  }
  try {
    // Twice at most: the second try follows the removal of a stale lock.
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(temp, path);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotLock(dir, err);
      }
      const other = readOwner(path);
      if (other && isAlive(other)) {
        throw new UsageError(
          `output directory ${dir} is in use by job ${other.jobId} (pid ${other.pid} on ${other.host}, since ${other.since}); wait for it to end or choose another --output`,
        );
      }
      if (attempt > 0) throw new UsageError(`output directory ${dir}: could not take over the stale lock ${path}`);
      // A dead owner (or a lock it never finished writing): stale.
      try {
        unlinkSync(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw cannotLock(dir, err);
      }
    }
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    // Only our own lock: never one a later job took over.
    if (readOwner(path)?.pid === process.pid) {
      try {
        unlinkSync(path);
      } catch {
        // gone already
      }
    }
  };
  process.on('exit', release);
  return { path, release };
}

function readOwner(path: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof o.pid === 'number' ? { pid: o.pid, host: String(o.host), jobId: String(o.jobId), since: String(o.since) } : null;
  } catch {
    return null;
  }
}

/** A process on another host cannot be checked: its lock counts as held. */
function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return false;
  return processAlive(owner.pid);
}

function cannotLock(dir: string, err: unknown): GomrError {
  const e = err as NodeJS.ErrnoException;
  return new UsageError(`cannot write beside the output directory ${dir}: ${e.code ?? e.message} (${dirname(dir)} must be a writable directory)`);
}
