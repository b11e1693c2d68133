import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { jobKeys, type Storage, type StorageConfig } from '@gomr/storage';
import { listSideFiles, SideFileError, type SideFileOnDisk, type SideFileRef } from '@gomr/sdk/launcher';
import { InputError, StorageError } from '../errors.js';

/** The files `--file PATH...` names, or a one-line error (exit 3) for a missing one or a name clash. */
export async function resolveSideFiles(paths: readonly string[]): Promise<SideFileOnDisk[]> {
  try {
    return await listSideFiles(paths);
  } catch (err) {
    if (err instanceof SideFileError) throw new InputError(err.message);
    throw err;
  }
}

/**
 * The job spec's side files. On a local store they are read in place (keys in the input
 * store, rooted at /); otherwise they are uploaded under the job's prefix (jobs/ID/files/NAME),
 * where each worker fetches them once.
 */
export async function placeSideFiles(jobId: string, files: readonly SideFileOnDisk[], config: Pick<StorageConfig, 'kind'>, storage: Storage): Promise<SideFileRef[]> {
  if (config.kind === 'local') return files.map((f) => ({ name: f.name, key: f.path.replace(/^\/+/, ''), size: f.size }));
  const refs: SideFileRef[] = [];
  for (const f of files) {
    const key = jobKeys.sideFile(jobId, f.name);
    const writer = await storage.createWriter(key);
    try {
      await pipeline(createReadStream(f.path), writer);
      await writer.done();
    } catch (err) {
      await writer.abort().catch(() => {});
      throw new StorageError(`upload of side file ${f.path} to ${storage.describe} failed: ${(err as Error).message}`);
    }
    refs.push({ name: f.name, key, size: f.size });
  }
  return refs;
}
