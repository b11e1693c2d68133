import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import { jobKeys, type Storage } from '@gomr/storage';
import { StorageError } from '../errors.js';
import type { ResolvedInput } from '../inputs/resolve-inputs.js';

/**
 * Streams each input to `jobs/<id>/input/<name>` (never whole in memory), with a progress bar
 * in bytes on a terminal and one line per file otherwise. Returns the keys, in input order.
 */
export async function uploadWithProgress(
  jobId: string,
  inputs: ResolvedInput[],
  storage: Storage,
  stream: NodeJS.WriteStream | undefined,
  log: (line: string) => void,
): Promise<string[]> {
  const total = inputs.reduce((n, i) => n + i.size, 0);
  const bar = stream?.isTTY
    ? new cliProgress.SingleBar(
        { stream, format: ' upload |{bar}| {percentage}% {value}/{total} bytes  {file}', hideCursor: true, barsize: 30 },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(total, 0, { file: '' });
  let sent = 0;
  const keys: string[] = [];
  try {
    for (const input of inputs) {
      const key = jobKeys.input(jobId, input.name);
      const writer = await storage.createWriter(key);
      const count = new Transform({
        transform(chunk: Buffer, _enc, done) {
          sent += chunk.length;
          bar?.update(sent, { file: input.name });
          done(null, chunk);
        },
      });
      try {
        await pipeline(createReadStream(input.path), count, writer);
        await writer.done();
      } catch (err) {
        await writer.abort().catch(() => {});
        throw new StorageError(`upload of ${input.path} to MinIO failed: ${(err as Error).message}`);
      }
      if (!bar) log(`  uploaded ${input.name} (${input.size} bytes)`);
      keys.push(key);
    }
  } finally {
    bar?.stop();
  }
  return keys;
}
