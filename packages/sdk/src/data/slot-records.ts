import type { KeyTable, Stored } from './key-table.js';
import { RUN_CHUNK_BYTES, recordBound, writeBoundRecord, type EncodedRecords } from './record-codec.js';

/** Entries per slot in a span array: start and end of its records, their count, its rank in key order. */
export const SPAN_STRIDE = 4;

/**
 * Bytes of records encoded at once, at most (about: by the caller's estimate). A partition
 * larger than this is done in key ranges of about this size, each encoded and then copied.
 */
const SEGMENT_BYTES = 8 * 1024 * 1024;

/**
 * A table's records for one partition, in the run format, in the order of their keys: what
 * a spill writes.
 *
 * Encoding each value in key order reads the values in an order unrelated to where they are
 * in memory (a sort's keys are random): every value is a cache and TLB miss, and writing a
 * 100-byte record took 290 ns where the same writes in memory order took 60. So the records
 * are encoded in slot order (the order they were emitted, and allocated, in), each slot's
 * records together, into one buffer; then each slot's bytes are copied, in key order, with
 * copyWithin into a chunk at the end of the same buffer (60 ns a record: copyWithin within
 * one buffer is a memmove with no per-call allocation, where Buffer.copy between two buffers
 * made a view each time and took 140).
 *
 * Memory: the buffer holds one key range's records (SEGMENT_BYTES by `sizeHint`, the
 * caller's estimate of the partition's encoded bytes), plus a chunk. For a larger partition
 * each range is encoded by its own pass over the slots in memory order, taking only the
 * slots whose rank in key order is in the range: still in increasing addresses. (The whole
 * partition at once raised a worker's peak RSS by 70 MB sorting 1 GB.)
 *
 * The result is chunks of whole records of about chunkBytes (a key whose records alone are
 * larger comes alone), for the slots of `ascending` (in ascending order) in the order of
 * `sorted` (the same slots in key order). `span` has SPAN_STRIDE entries per slot of the
 * table; the calls for a table's partitions may share one, as their slots differ.
 */
export function* sortedSlotRecords(
  table: KeyTable,
  ascending: ArrayLike<number>,
  sorted: readonly number[],
  span: Int32Array,
  sizeHint: number,
  chunkBytes = RUN_CHUNK_BYTES,
): Generator<EncodedRecords> {
  const n = sorted.length;
  const segments = Math.max(1, Math.ceil(sizeHint / SEGMENT_BYTES));
  const perSegment = Math.ceil(n / segments);
  for (let j = 0; j < n; j++) span[SPAN_STRIDE * sorted[j]! + 3] = j;
  const enc = new SlotEncoder(table, span, Math.ceil(sizeHint / segments) + chunkBytes);
  for (let from = 0; from < n; from += perSegment) {
    const to = Math.min(n, from + perSegment);
    enc.encode(ascending, from, to);
    yield* gathered(enc, sorted, from, to, chunkBytes);
  }
}

/** The records just encoded, those of sorted[from, to), copied into key order, in chunks. */
function* gathered(enc: SlotEncoder, sorted: readonly number[], from: number, to: number, chunkBytes: number): Generator<EncodedRecords> {
  const base = enc.reserve(chunkBytes);
  const buf = enc.buf;
  const span = enc.span;
  const limit = base + chunkBytes;
  let q = base;
  let records = 0;
  for (let j = from; j < to; j++) {
    const s = SPAN_STRIDE * sorted[j]!;
    const a = span[s]!;
    const b = span[s + 1]!;
    if (q + (b - a) > limit && q > base) {
      yield { bytes: Buffer.from(buf.subarray(base, q)), records };
      q = base;
      records = 0;
    }
    if (b - a > chunkBytes) {
      yield { bytes: Buffer.from(buf.subarray(a, b)), records: span[s + 2]! };
      continue;
    }
    buf.copyWithin(q, a, b);
    q += b - a;
    records += span[s + 2]!;
  }
  if (q > base) yield { bytes: Buffer.from(buf.subarray(base, q)), records };
}

/**
 * Slots 0..size-1 grouped by partition (`partOf[slot]`, or 0 for all if null), ascending
 * within each: partition p's are ascending[start[p], start[p + 1]).
 */
export function groupByPartition(partOf: Uint32Array | null, size: number, reducers: number): { ascending: Int32Array; start: Int32Array } {
  const ascending = new Int32Array(size);
  const start = new Int32Array(reducers + 1);
  if (partOf === null) {
    for (let i = 0; i < size; i++) ascending[i] = i;
    start.fill(size, 1);
    return { ascending, start };
  }
  for (let i = 0; i < size; i++) start[partOf[i]! + 1]!++;
  for (let p = 0; p < reducers; p++) start[p + 1]! += start[p]!;
  const next = start.slice(0, reducers);
  for (let i = 0; i < size; i++) ascending[next[partOf[i]!]!++] = i;
  return { ascending, start };
}

/** Least size of the buffer; it grows by half as needed. */
const FIRST_BYTES = 64 * 1024;

/** Encodes slots' records one after another into a buffer, noting where each slot's are. */
class SlotEncoder {
  buf: Buffer;
  private pos = 0;
  private key = '';

  constructor(
    private readonly table: KeyTable,
    /**
     * Per slot number: start and end of its records in buf, and how many there are (beside
     * them, so that the copy in key order reads one place per slot, not the table too), and
     * its rank in key order.
     */
    readonly span: Int32Array,
    size: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(size, FIRST_BYTES));
  }

  /** Encodes afresh, in the order of `ascending`, the records of its slots whose rank is in [from, to). */
  encode(ascending: ArrayLike<number>, from: number, to: number): void {
    const { table, span } = this;
    this.pos = 0;
    for (let k = 0; k < ascending.length; k++) {
      const i = ascending[k]!;
      const s = SPAN_STRIDE * i;
      const rank = span[s + 3]!;
      if (rank < from || rank >= to) continue;
      this.key = table.keys[i]!;
      span[s] = this.pos;
      table.each(i, this.add);
      span[s + 1] = this.pos;
      span[s + 2] = table.count(i);
    }
  }

  private readonly add = (v: Stored): void => {
    const need = recordBound(this.key, v);
    if (this.pos + need > this.buf.length) this.grow(need);
    this.pos = writeBoundRecord(this.buf, this.pos, this.key, v);
  };

  /** Makes room for `bytes` after what is encoded; returns where that room starts. */
  reserve(bytes: number): number {
    if (this.pos + bytes > this.buf.length) this.grow(bytes);
    return this.pos;
  }

  private grow(need: number): void {
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length + (this.buf.length >> 1), this.pos + need));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}
