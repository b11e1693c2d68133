import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A temp file this old belongs to no write in progress: its writer was killed. */
export const STALE_TEMP_MS = 60 * 60_000;

/**
 * Removes temp files left in a local store's .tmp/ by writers that died mid-write (a killed
 * worker, a cancelled duplicate). Only files older than maxAgeMs go, so writes still in
 * progress, of this job or of another sharing the store, are never touched. Best effort.
 */
export async function sweepStaleTemp(tempDir: string, nowMs = Date.now(), maxAgeMs = STALE_TEMP_MS): Promise<number> {
  const names = await readdir(tempDir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const path = join(tempDir, name);
    const st = await stat(path).catch(() => null);
    if (st && nowMs - st.mtimeMs > maxAgeMs) {
      await rm(path, { recursive: true, force: true }).catch(() => {});
      removed++;
    }
  }
  return removed;
}
