/**
 * Record streams that can also be read a batch at a time.
 *
 * An async generator costs about 0.1-0.2 µs per item it yields; over tens of millions of
 * records per task that is seconds. So the data path's producers (readRun, mergeSorted, the
 * map output) implement `batches()`, and its consumers (mergeSorted, groupByKey, writeRun)
 * use it when present: one await per batch instead of one per record. Iterating such a
 * stream record by record with `for await` still works for everyone else.
 */
export interface Batched<T> extends AsyncIterable<T> {
  /** The same items, in order, in non-empty arrays the consumer may keep. Read once. */
  batches(): AsyncIterable<T[]>;
}

/** Items taken per batch from a source that has no `batches()` of its own. */
export const DEFAULT_BATCH = 1024;

/** Wraps a batch producer as a stream that can be read either way. */
export function batched<T>(batches: () => AsyncIterable<T[]>): Batched<T> {
  return {
    batches,
    async *[Symbol.asyncIterator]() {
      for await (const batch of batches()) yield* batch;
    },
  };
}

function hasBatches<T>(source: object): source is Batched<T> {
  return typeof (source as { batches?: unknown }).batches === 'function';
}

/** Reads any source of items as non-empty batches, the cheapest way the source allows. */
export function batchesOf<T>(source: AsyncIterable<T> | Iterable<T>, size = DEFAULT_BATCH): AsyncIterable<T[]> {
  if (hasBatches<T>(source)) return source.batches();
  if (Array.isArray(source)) return arrayBatches(source, size);
  return generalBatches(source, size);
}

async function* arrayBatches<T>(items: T[], size: number): AsyncIterable<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

async function* generalBatches<T>(source: AsyncIterable<T> | Iterable<T>, size: number): AsyncIterable<T[]> {
  let batch: T[] = [];
  for await (const item of source) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
