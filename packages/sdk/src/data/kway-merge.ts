import { batched, batchesOf, type Batched } from './batched.js';
import type { Rec } from './rec.js';
import { compareUtf8 } from './utf8-compare.js';

/** Records per output batch: large enough to amortize the await, small enough to stream. */
const OUT_BATCH = 1024;

/**
 * Merges sources that are each sorted by key (compareUtf8) into one sorted stream.
 *
 * A binary min-heap holds one entry per source that still has records, ordered by the
 * source's current key and then by source index. The tie rule makes the merge stable:
 * records with equal keys come out in source order (all of source 0's, then source 1's,
 * ...), and within a source in their own order. Reduce tasks list runs in map task order,
 * so the values a reducer sees, and hence the job output, are the same on every run.
 *
 * Sources are read a batch at a time when they offer `batches()`; the heap work per record
 * is synchronous, with an await only when a source's batch runs out.
 */
export function mergeSorted<R extends Keyed = Rec>(sources: ReadonlyArray<AsyncIterable<R> | Iterable<R>>): Batched<R>;
/** As above, for items ordered by `compare` (encoded records: compareRawKeys). */
export function mergeSorted<R>(sources: ReadonlyArray<AsyncIterable<R> | Iterable<R>>, compare: (a: R, b: R) => number): Batched<R>;
export function mergeSorted<R>(
  sources: ReadonlyArray<AsyncIterable<R> | Iterable<R>>,
  compare: (a: R, b: R) => number = byKey as unknown as (a: R, b: R) => number,
): Batched<R> {
  return batched(() => mergeBatches(sources, compare));
}

/** What the merge looks at by default: the key. */
interface Keyed {
  key: string;
}

function byKey(a: Keyed, b: Keyed): number {
  return compareUtf8(a.key, b.key);
}

async function* mergeBatches<R>(
  sources: ReadonlyArray<AsyncIterable<R> | Iterable<R>>,
  compare: (a: R, b: R) => number,
): AsyncIterable<R[]> {
  if (sources.length === 1) {
    yield* batchesOf(sources[0]!);
    return;
  }
  const iters: AsyncIterator<R[]>[] = [];
  const batches: R[][] = [];
  const positions: number[] = [];
  const heap: number[] = [];
  try {
    for (let i = 0; i < sources.length; i++) {
      const it = batchesOf(sources[i]!)[Symbol.asyncIterator]();
      iters.push(it);
      batches.push([]);
      positions.push(0);
      const first = await nextBatch(it);
      if (first) {
        batches[i] = first;
        heap.push(i);
      }
    }
    // Lower (key, source index) first.
    const less = (a: number, b: number): boolean => {
      const c = compare(batches[a]![positions[a]!]!, batches[b]![positions[b]!]!);
      return c < 0 || (c === 0 && a < b);
    };
    const siftDown = (i: number): void => {
      const n = heap.length;
      const item = heap[i]!;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && less(heap[child + 1]!, heap[child]!)) child++;
        if (!less(heap[child]!, item)) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = item;
    };
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);

    let out: R[] = [];
    while (heap.length > 1) {
      const s = heap[0]!;
      const batch = batches[s]!;
      out.push(batch[positions[s]!]!);
      if (++positions[s]! === batch.length) {
        const next = await nextBatch(iters[s]!);
        if (next) {
          batches[s] = next;
          positions[s] = 0;
        } else {
          heap[0] = heap[heap.length - 1]!;
          heap.pop();
        }
      }
      siftDown(0);
      if (out.length >= OUT_BATCH) {
        yield out;
        out = [];
      }
    }
    if (heap.length === 1) {
      // One source left: pass the rest of it through without comparing.
      const s = heap[0]!;
      const rest = batches[s]!.slice(positions[s]!);
      out = out.length ? out.concat(rest) : rest;
      yield out;
      out = [];
      for (let b = await nextBatch(iters[s]!); b; b = await nextBatch(iters[s]!)) yield b;
    }
    if (out.length) yield out;
  } finally {
    // Stop the sources we did not finish (closes their streams).
    await Promise.all(iters.map((it) => it.return?.().catch(() => undefined)));
  }
}

/** The next non-empty batch, or null at the end. */
async function nextBatch<R>(it: AsyncIterator<R[]>): Promise<R[] | null> {
  for (;;) {
    const r = await it.next();
    if (r.done) return null;
    if (r.value.length) return r.value;
  }
}
