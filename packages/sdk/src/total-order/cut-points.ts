import { compareUtf8 } from '../data/index.js';

/*
 * Total order (--sort total): map output is partitioned by key range instead of by hash, so that
 * part-00000 .. part-{R-1}, concatenated, are one sequence sorted by key (UTF-8 byte order). The
 * ranges are cut at R-1 keys picked from a sample of the map output (see sample-keys.ts), as
 * Hadoop's TotalOrderPartitioner does with InputSampler's partition file.
 */

/**
 * The cut points for `reducers` ranges: the keys at the 1/R, 2/R, ... quantiles of the sample,
 * ascending, without repeats. A key that fills more than 1/R of the sample sits at several
 * quantiles; it is kept once, so fewer than R-1 cuts come back and some parts stay empty, but a
 * key never spans two parts (its partition is a function of the key alone).
 */
export function pickCutPoints(sample: readonly string[], reducers: number): string[] {
  if (!Number.isInteger(reducers) || reducers < 1) throw new RangeError(`reducers must be a positive integer, got ${reducers}`);
  const sorted = [...sample].sort(compareUtf8);
  const cuts: string[] = [];
  if (!sorted.length) return cuts;
  for (let i = 1; i < reducers; i++) {
    const key = sorted[Math.floor((i * sorted.length) / reducers)]!;
    // The smallest key as a cut would leave part 0 empty for nothing.
    if (key === sorted[0] || key === cuts.at(-1)) continue;
    cuts.push(key);
  }
  return cuts;
}

/**
 * The partition of `key` among cuts.length + 1 ranges: the number of cut points <= key, so
 * keys below the first cut go to part 0 and a key equal to a cut starts the next part.
 */
export function rangePartition(cuts: readonly string[], key: string): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareUtf8(cuts[mid]!, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
