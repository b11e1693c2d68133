import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from './process-alive.js';

/**
 * The folder under TMPDIR that holds a local job's spill folders, named after the job and the
 * CLI process that runs it, so that one left by a killed CLI can be told from a live one.
 */
export function spillRootOf(jobId: string, pid = process.pid): string {
  return join(tmpdir(), `gomr-spill-${jobId}-pid${pid}`);
}

const SPILL_ROOT = /^gomr-spill-.+-pid(\d+)$/;

/**
 * Removes the spill roots of CLIs that are gone (killed before their stop() ran): their
 * workers exited with them, so nobody reads those files again.
 */
export async function sweepStaleSpillRoots(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(SPILL_ROOT.exec(name)?.[1]);
    if (!pid || pid === process.pid || processAlive(pid)) continue;
    await rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => {});
  }
}
