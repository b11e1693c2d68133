import { mkdir, readdir, realpath, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';
import type { ResolvedInput } from '../inputs/resolve-inputs.js';
import { checkOutputDir } from './collect-output.js';
import { processAlive } from '../local/process-alive.js';
import { acquireOutputLock, type OutputLock } from './output-lock.js';

export interface PrepareOutputOptions {
  overwrite: boolean;
  jobId: string;
  /** The --input values as given (directories among them). */
  inputPatterns: string[];
  inputs: ResolvedInput[];
  cwd?: string;
}

/**
 * Everything about the output directory that can be known before the job starts, checked
 * before anything starts: its parent exists or can be made (and is writable: the lock is
 * written there), no other job writes it, it is empty unless overwriting, and it neither holds
 * an input nor lies inside an input directory (--overwrite would delete the input; a later job
 * over that directory would read the output).
 */
export async function prepareOutput(dir: string, o: PrepareOutputOptions): Promise<OutputLock> {
  await makeParents(dirname(dir));
  await checkApart(dir, o);
  const lock = acquireOutputLock(dir, o.jobId);
  try {
    await checkOutputDir(dir, o.overwrite);
    await sweepStaleStaging(dir);
  } catch (err) {
    lock.release();
    throw err;
  }
  return lock;
}

/**
 * mkdir -p, bounded by the number of path components. Node's own recursive mkdir loops
 * forever where mkdir says ENOENT under an existing directory (/proc does), at 100% CPU.
 */
async function makeParents(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    const st = await stat(d).catch((err: NodeJS.ErrnoException) => {
      // ENOTDIR: a file above; the walk up finds it and says so.
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
      throw new UsageError(`cannot use the output's parent directory ${d}: ${err.code ?? err.message}`);
    });
    if (st) {
      if (!st.isDirectory()) throw new UsageError(`cannot create the output directory: ${d} is not a directory`);
      break;
    }
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    await mkdir(d).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') return;
      throw new UsageError(`cannot create the output's parent directory ${d}: ${err.code ?? err.message}`);
    });
  }
}

async function checkApart(dir: string, o: PrepareOutputOptions): Promise<void> {
  const out = await realOrResolved(dir);
  const within = (p: string, d: string) => p === d || p.startsWith(d.endsWith(sep) ? d : d + sep);
  for (const input of o.inputs) {
    for (const p of new Set([input.path, await realOrResolved(input.path)])) {
      if (within(p, out)) throw new UsageError(`output directory ${dir} contains the input ${input.path}; choose an --output outside the inputs`);
    }
  }
  for (const pattern of o.inputPatterns) {
    const abs = resolve(o.cwd ?? process.cwd(), pattern);
    const st = await stat(abs).catch(() => null);
    if (!st?.isDirectory()) continue;
    for (const d of new Set([abs, await realOrResolved(abs)])) {
      if (within(out, d) || within(resolve(dir), d)) {
        throw new UsageError(`output directory ${dir} is inside the input directory ${pattern}; choose an --output outside the inputs`);
      }
    }
  }
}

/** The path with symbolic links resolved as far as it exists (the output may not exist yet). */
async function realOrResolved(p: string): Promise<string> {
  const abs = resolve(p);
  const real = await realpath(abs).catch(() => null);
  if (real) return real;
  const parent = dirname(abs);
  return parent === abs ? abs : join(await realOrResolved(parent), basename(abs));
}

/**
 * Removes the staging folders (see collectOutput) that earlier runs for this output left when
 * they were killed while collecting it: their pid is in the name, and no such process lives.
 * Under the lock, no live job writes this output.
 */
async function sweepStaleStaging(dir: string): Promise<void> {
  const prefix = `.${basename(dir)}.gomr-staging-`;
  const names = await readdir(dirname(dir)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    await rm(join(dirname(dir), name), { recursive: true, force: true });
  }
}
