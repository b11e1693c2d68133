import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Storage } from '@gomr/storage';
import { EXIT, GomrError } from '../errors.js';

export interface OutputTarget {
  /** Concatenate the part files (decompressed), in part order, into this file ('-' or undefined: stdout). */
  file?: string;
  /** Or copy each part file into this folder. */
  dir?: string;
}

export interface DownloadedOutput {
  parts: string[];
  bytes: number;
  /** Files written (one with --output, one per part with --dir; none for stdout). */
  files: string[];
}

/** Downloads a job's part files from its store: concatenated into one file as text, or as they are. */
export async function downloadJobOutput(storage: Storage, jobId: string, target: OutputTarget): Promise<DownloadedOutput> {
  const prefix = `jobs/${jobId}/output/`;
  // part-NNNNN of the reduce tasks, or part-m-NNNNN of a map-only job; .gz when compressed.
  const parts = (await storage.list(prefix)).filter((o) => /^part-(m-)?\d+(\.gz)?$/.test(basename(o.key))).sort((a, b) => (a.key < b.key ? -1 : 1));
  if (!parts.length) {
    throw new GomrError(`job ${jobId} has no output yet (nothing under ${prefix}); is it still running? See gomr attach ${jobId}`, EXIT.USAGE);
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
  } else {
    const toStdout = !target.file || target.file === '-';
    const out = toStdout ? process.stdout : createWriteStream(target.file!);
    // Concatenated output is text: gzip parts (--compress gzip) are decompressed on the way.
    for (const p of parts) {
      if (p.key.endsWith('.gz')) await pipeline(await storage.getStream(p.key), createGunzip(), out, { end: false });
      else await pipeline(await storage.getStream(p.key), out, { end: false });
    }
    if (!toStdout) {
      await new Promise<void>((resolve, reject) => (out as NodeJS.WritableStream).end(() => resolve()).on?.('error', reject));
      files.push(target.file!);
    }
  }
  return { parts: parts.map((p) => basename(p.key)), bytes, files };
}
