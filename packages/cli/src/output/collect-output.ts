import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { jobKeys, SKIPPED_DIR, type Storage } from '@gomr/storage';
import { GomrError, StorageError, UsageError } from '../errors.js';

/** Refuses an output directory that holds files, unless overwriting was asked for. */
export async function checkOutputDir(dir: string, overwrite: boolean): Promise<void> {
  const st = await stat(dir).catch(() => null);
  if (!st) return;
  if (!st.isDirectory()) throw new UsageError(`output path exists and is not a directory: ${dir}`);
  if (!overwrite && (await readdir(dir)).length) {
    throw new UsageError(`output directory is not empty: ${dir} (use --overwrite to replace it)`);
  }
}

export interface CollectOutputOptions {
  overwrite: boolean;
  jobId: string;
  /** --skip-bad-records' dead-letter files: downloaded into `_skipped/` beside the parts. */
  skippedKeys?: string[];
}

/** Where the dead-letter files go in an output directory (a name Hadoop-style readers skip, as _SUCCESS). */

/**
 * Downloads the committed part files into a staging folder beside `dir`, then renames it into
 * place, so the output directory is either absent or complete. Without overwrite, a directory
 * that got files while the job ran is left as it is (checked before the download, and again by
 * the rename itself, which does not replace a non-empty directory).
 */
export async function collectOutput(storage: Storage, keys: string[], dir: string, o: CollectOutputOptions): Promise<{ files: string[]; skippedFiles: string[] }> {
  const target = resolve(dir);
  const staging = join(dirname(target), `.${basename(target)}.gomr-staging-${process.pid}`);
  if (!o.overwrite) await checkStillFree(target, o.jobId);
  await rm(staging, { recursive: true, force: true });
  const files: string[] = [];
  const skippedFiles: string[] = [];
  const download = async (key: string, path: string) => {
    if (storage.copyToFile) await storage.copyToFile(key, path);
    else await pipeline(await storage.getStream(key), createWriteStream(path));
  };
  try {
    // The parent was made before the job started: no recursive mkdir (it can spin forever).
    await mkdir(staging);
    for (const key of keys) {
      const name = basename(key);
      await download(key, join(staging, name));
      files.push(join(target, name));
    }
    if (o.skippedKeys?.length) {
      await mkdir(join(staging, SKIPPED_DIR));
      for (const key of o.skippedKeys) {
        const name = basename(key);
        await download(key, join(staging, SKIPPED_DIR, name));
        skippedFiles.push(join(target, SKIPPED_DIR, name));
      }
    }
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw new StorageError(`could not write the output to ${dir}: ${(err as Error).message}`);
  }
  try {
    if (o.overwrite) await rm(target, { recursive: true, force: true });
    await rename(staging, target);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (!o.overwrite && (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR')) throw changedDuringJob(target, o.jobId);
    throw new StorageError(`could not move the output into place (rename ${staging} to ${target}): ${code ?? (err as Error).message}`);
  }
  return { files, skippedFiles };
}

async function checkStillFree(target: string, jobId: string): Promise<void> {
  const st = await stat(target).catch(() => null);
  if (st && (!st.isDirectory() || (await readdir(target)).length)) throw changedDuringJob(target, jobId);
}

function changedDuringJob(target: string, jobId: string): GomrError {
  return new UsageError(
    `output directory ${target} got files while job ${jobId} ran; it is left as it is (the part files stay in the store, ${jobKeys.output(jobId)}): run with --overwrite to replace it`,
  );
}
