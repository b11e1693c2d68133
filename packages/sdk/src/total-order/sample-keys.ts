import type { Split, Storage } from '@gomr/storage';
import { readLineChunks, splitReadRange } from '../data/index.js';
import type { JobDefinition } from '../user-api.js';
import { TaskContext } from '../runtime/task-context.js';
import { UserCodeError, isThenable } from '../runtime/user-code-error.js';

/** Each split's sample: the keys the mapper emits for the lines starting in its first this-many bytes. */
export const SAMPLE_BYTES_PER_SPLIT = 256 * 1024;
/** At most this many keys in all; a split keeps evenly spaced ones of its own when it emits more. */
export const MAX_SAMPLE_KEYS = 100_000;

export interface SampleOptions {
  params: Record<string, string>;
  /** @default SAMPLE_BYTES_PER_SPLIT */
  bytesPerSplit?: number;
  /** @default MAX_SAMPLE_KEYS */
  maxKeys?: number;
}

/**
 * Runs the mapper over the head of every split, as Hadoop's SplitSampler does, and returns the
 * keys it emitted (values are dropped). Deterministic: the same inputs give the same sample. A
 * throw is the user's, with where (UserCodeError), as in a map task.
 */
export async function sampleKeys(
  definition: JobDefinition,
  splits: readonly Split[],
  storageFor: (split: Split) => Storage,
  options: SampleOptions,
): Promise<string[]> {
  const bytes = options.bytesPerSplit ?? SAMPLE_BYTES_PER_SPLIT;
  const perSplit = Math.max(1, Math.ceil((options.maxKeys ?? MAX_SAMPLE_KEYS) / Math.max(1, splits.length)));
  const sample: string[] = [];
  for (const [i, split] of splits.entries()) {
    const keys: string[] = [];
    const ctx = new TaskContext(`sample-${i}`, 1, 'sampler', options.params, (k) => keys.push(k));
    ctx.input = split.inputName;
    const end = Math.min(split.end, split.start + bytes);
    const stream = await storageFor(split).getStream(split.inputKey, splitReadRange(split.start, end, split.fileSize));
    for await (const chunk of readLineChunks(stream, { start: split.start, end })) {
      try {
        const r = definition.mapper(ctx, chunk.text);
        if (isThenable(r)) await r;
      } catch (err) {
        stream.destroy();
        throw new UserCodeError(err, split.inputName, chunk.offset, '');
      }
    }
    if (keys.length <= perSplit) sample.push(...keys);
    else for (let j = 0; j < perSplit; j++) sample.push(keys[Math.floor((j * keys.length) / perSplit)]!);
  }
  return sample;
}
