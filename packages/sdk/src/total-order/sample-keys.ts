import type { Split, Storage } from '@gomr/storage';
import { readInput } from '../input/input-format.js';
import type { InputMode, JobDefinition } from '../user-api.js';
import { TaskContext } from '../runtime/task-context.js';
import { UserCodeError, isThenable } from '../runtime/user-code-error.js';

/**
 * Each split's sample: the keys the mapper emits for the units (chunks, lines, records, rows, in
 * the job's input mode) that start in its first this-many bytes (of decompressed data for a
 * compressed input).
 */
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
    // The same units as a map task's (input-format.ts), so the mapper sees what it will see then.
    const mode = (definition.input ?? 'text') as InputMode;
    const mapper = definition.mapper as (ctx: unknown, input: unknown) => void | Promise<void>;
    let first: number | undefined;
    for await (const unit of readInput(mode, storageFor(split), split)) {
      first ??= unit.offset;
      if (unit.offset - first >= bytes) break; // leaving the loop closes the input
      try {
        const r = mapper(ctx, unit.value());
        if (isThenable(r)) await r;
      } catch (err) {
        throw new UserCodeError(err, split.inputName, unit.offset, '');
      }
    }
    if (keys.length <= perSplit) sample.push(...keys);
    else for (let j = 0; j < perSplit; j++) sample.push(keys[Math.floor((j * keys.length) / perSplit)]!);
  }
  return sample;
}
