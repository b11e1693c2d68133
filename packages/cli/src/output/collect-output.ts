import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Storage } from '@gomr/storage';
import { EXIT, GomrError } from '../errors.js';

/** Refuses an output directory that holds files, unless overwriting was asked for. */
export async function checkOutputDir(dir: string, overwrite: boolean): Promise<void> {
  const st = await stat(dir).catch(() => null);
  if (!st) return;
  if (!st.isDirectory()) throw new GomrError(`output path exists and is not a directory: ${dir}`, EXIT.USAGE);
  if (!overwrite && (await readdir(dir)).length) {
    throw new GomrError(`output directory is not empty: ${dir} (use --overwrite to replace it)`, EXIT.USAGE);
  }
}

/**
 * Downloads the committed part files into a staging folder beside `dir`, then renames it into
 * place, so the output directory is either absent or complete.
 */
export async function collectOutput(storage: Storage, keys: string[], dir: string): Promise<string[]> {
  const target = resolve(dir);
  const staging = join(dirname(target), `.${basename(target)}.gomr-staging-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    const files: string[] = [];
    for (const key of keys) {
      const name = basename(key);
      if (storage.copyToFile) await storage.copyToFile(key, join(staging, name));
      else await pipeline(await storage.getStream(key), createWriteStream(join(staging, name)));
      files.push(join(target, name));
    }
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
    return files;
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw new GomrError(`could not write the output to ${dir}: ${(err as Error).message}`, EXIT.STORAGE);
  }
}
