/*
 * Map task planning: cutting the inputs into byte ranges ("splits"), one per map task.
 *
 * The master never reads the data. It cuts by byte counts only, anywhere, even inside a
 * line or a multi-byte character; the split reader makes that correct with its rule (see
 * packages/sdk/src/data/line-chunks.ts): a line belongs to the split containing its first
 * byte, so a split skips a partial first line and reads past its end to finish its last.
 * A split may therefore own no line at all (when a line is longer than the split); that
 * map task simply emits nothing.
 *
 * How many splits: `maps` (the job spec's, --mappers) is a target. Every input gets at least one split (an empty
 * input exactly one, [0, 0), so it still shows up as a task). If maps is larger than
 * the number of inputs, the extra splits are shared out in proportion to the inputs' sizes
 * by largest remainder (ties to the earlier input), never giving an input more splits than
 * it has bytes, so no split of a non-empty input is empty. Each input is then cut into that
 * many ranges whose sizes differ by at most one byte. Splits come out in input order, then
 * by offset, and the plan depends only on the arguments (the same job plans the same way).
 *
 * An input that is not splittable (a compressed file: its stream cannot be entered in the
 * middle) gets exactly one split, [0, size), and no share of the extra splits.
 */

import { compressionOf } from './compression.js';

export interface SplitInput {
  /** Storage key of the input object. */
  key: string;
  /** Name shown to user code (ctx.input) and in errors. */
  name: string;
  /** Size in bytes. */
  size: number;
  /** @default true; false: one split for the whole input (compressed files). */
  splittable?: boolean;
  /** Modification time, ms, of an input read in place: map tasks check it has not changed. */
  mtimeMs?: number;
}

/**
 * One map task's byte range: the one shape of a split from here to the map task that reads it.
 * The master keeps it in its task table and sends it as it stands (it is the wire's MapSplit,
 * field for field; an absent fileMtimeMs goes as 0), and the worker hands the MapSplit it gets to
 * its executor as a Split.
 */
export interface Split {
  inputKey: string;
  inputName: string;
  /** First byte of the range (inclusive). */
  start: number;
  /** End of the range (exclusive). */
  end: number;
  /** Size of the whole input: the reader reads past `end` to finish its last line. */
  fileSize: number;
  /** The input's modification time when planned (SplitInput.mtimeMs). */
  fileMtimeMs?: number;
}

/** A job's inputs as planSplits takes them: compressed ones (by name) are not splittable. */
export function splitInputs(inputs: readonly Omit<SplitInput, 'splittable'>[]): SplitInput[] {
  return inputs.map((i) => ({ ...i, splittable: !compressionOf(i.name) }));
}

export function planSplits(inputs: readonly SplitInput[], maps: number): Split[] {
  if (!Number.isInteger(maps) || maps < 1) {
    throw new RangeError(`the number of map tasks must be a positive integer, got ${maps}`);
  }
  for (const input of inputs) {
    if (!Number.isSafeInteger(input.size) || input.size < 0) {
      throw new RangeError(`input ${input.name} has an invalid size: ${input.size}`);
    }
  }
  const counts = splitCounts(
    // An unsplittable input has no room for more than its one split.
    inputs.map((i) => (i.splittable === false ? Math.min(1, i.size) : i.size)),
    maps - inputs.length,
  );
  const splits: Split[] = [];
  inputs.forEach((input, i) => {
    const n = input.splittable === false ? 1 : counts[i]!;
    // n ranges of q or q+1 bytes: the first r get the extra byte. Integer math, exact at any size.
    const q = Math.floor(input.size / n);
    const r = input.size % n;
    for (let j = 0; j < n; j++) {
      splits.push({
        inputKey: input.key,
        inputName: input.name,
        start: j * q + Math.min(j, r),
        end: (j + 1) * q + Math.min(j + 1, r),
        fileSize: input.size,
        ...(input.mtimeMs ? { fileMtimeMs: input.mtimeMs } : {}),
      });
    }
  });
  return splits;
}

/** One split per input plus `extra` shared in proportion to size, each capped at its byte count. */
function splitCounts(sizes: readonly number[], extra: number): number[] {
  const counts = sizes.map(() => 1);
  let remaining = extra;
  while (remaining > 0) {
    const open = sizes.map((_, i) => i).filter((i) => counts[i]! < sizes[i]!);
    if (open.length === 0) break; // every input is cut to single bytes: fewer maps than asked
    const total = open.reduce((sum, i) => sum + sizes[i]!, 0);
    const quota = new Map(open.map((i) => [i, (remaining * sizes[i]!) / total]));
    let given = 0;
    let capped = false;
    for (const i of open) {
      const room = sizes[i]! - counts[i]!;
      const whole = Math.floor(quota.get(i)!);
      const add = Math.min(whole, room);
      if (whole >= room) capped = true;
      counts[i]! += add;
      given += add;
    }
    let left = remaining - given;
    if (!capped) {
      // Largest remainder: the splits the floors left over go to the largest fractions.
      const byFraction = open
        .filter((i) => counts[i]! < sizes[i]!)
        .sort((a, b) => {
          const fa = quota.get(a)! - Math.floor(quota.get(a)!);
          const fb = quota.get(b)! - Math.floor(quota.get(b)!);
          return fb - fa || a - b;
        });
      for (const i of byFraction) {
        if (left === 0) break;
        counts[i]!++;
        left--;
      }
    }
    // If some input hit its cap, share what is left again among the others.
    if (left === remaining) break;
    remaining = left;
  }
  return counts;
}
