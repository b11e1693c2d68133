import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { GZIP_SUFFIX, jobKeys, PART_FILE_NAME, SKIPPED_DIR, type Storage } from '@gomr/storage';
import { UsageError } from '../errors.js';

export interface OutputTarget {
  /** Concatenate the part files (decompressed), in part order, into this file ('-' or undefined: stdout). */
  file?: string;
  /** Or copy each part file into this folder (and the dead-letter files into its _skipped/). */
  dir?: string;
  /** The dead-letter files (--skip-bad-records, output/_skipped/<task>.jsonl) instead of the parts. */
  skipped?: boolean;
}

export interface DownloadedOutput {
  parts: string[];
  bytes: number;
  /** Files written (one with --output, one per part with --dir; none for stdout). */
  files: string[];
}

/**
 * Downloads a job's part files from its store: concatenated into one file as text, or as they
 * are. With `skipped`, its dead-letter files the same way (one JSON line per record skipped).
 */
export async function downloadJobOutput(storage: Storage, jobId: string, target: OutputTarget): Promise<DownloadedOutput> {
  const prefix = jobKeys.output(jobId);
  const objects = await storage.list(prefix);
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : 1);
  const deadLetters = objects.filter((o) => o.key.startsWith(`${prefix}${SKIPPED_DIR}/`) && o.key.endsWith('.jsonl')).sort(byKey);
  // part-NNNNN of the reduce tasks, or part-m-NNNNN of a map-only job; .gz when compressed.
  const parts = target.skipped ? deadLetters : objects.filter((o) => PART_FILE_NAME.test(basename(o.key))).sort(byKey);
  if (!parts.length) {
    if (target.skipped) {
      throw new UsageError(`job ${jobId} has no skipped records (nothing under ${prefix}${SKIPPED_DIR}/; was it run with --skip-bad-records?)`);
    }
    throw new UsageError(`job ${jobId} has no output yet (nothing under ${prefix}); is it still running? See gomr attach ${jobId}`);
  }
  const bytes = parts.reduce((n, p) => n + p.size, 0);
  const files: string[] = [];
  if (target.dir) {
    await mkdir(target.dir, { recursive: true });
    for (const p of parts) {
      const path = join(target.dir, basename(p.key));
      await pipeline(await storage.getStream(p.key), createWriteStream(path));
      files.push(path);
    }
    // As `gomr run` lays out an output folder: the dead letters in _skipped/ beside the parts.
    if (!target.skipped && deadLetters.length) {
      await mkdir(join(target.dir, SKIPPED_DIR), { recursive: true });
      for (const d of deadLetters) {
        const path = join(target.dir, SKIPPED_DIR, basename(d.key));
        await pipeline(await storage.getStream(d.key), createWriteStream(path));
        files.push(path);
      }
    }
  } else {
    const toStdout = !target.file || target.file === '-';
    const out = toStdout ? process.stdout : createWriteStream(target.file!);
    // Concatenated output is text: gzip parts (--compress gzip) are decompressed on the way.
    for (const p of parts) {
      if (p.key.endsWith(GZIP_SUFFIX)) await pipeline(await storage.getStream(p.key), createGunzip(), out, { end: false });
      else await pipeline(await storage.getStream(p.key), out, { end: false });
    }
    if (!toStdout) {
      await new Promise<void>((resolve, reject) => (out as NodeJS.WritableStream).end(() => resolve()).on?.('error', reject));
      files.push(target.file!);
    }
  }
  return { parts: parts.map((p) => basename(p.key)), bytes, files };
}
