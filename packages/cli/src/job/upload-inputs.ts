import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { jobKeys, type Storage } from '@gomr/storage';
import { StorageError } from '../errors.js';
import type { ResolvedInput } from '../inputs/resolve-inputs.js';

/** Streams each input into the job's input prefix; returns the keys, in input order. */
export async function uploadInputs(jobId: string, inputs: ResolvedInput[], storage: Storage, log: (line: string) => void): Promise<string[]> {
  const keys: string[] = [];
  for (const input of inputs) {
    const key = jobKeys.input(jobId, input.name);
    const writer = await storage.createWriter(key);
    try {
      await pipeline(createReadStream(input.path), writer);
      await writer.done();
    } catch (err) {
      await writer.abort().catch(() => {});
      throw new StorageError(`upload of ${input.path} to ${storage.describe} failed: ${(err as Error).message}`);
    }
    keys.push(key);
  }
  log(`uploaded ${inputs.length} inputs to ${storage.describe}`);
  return keys;
}
