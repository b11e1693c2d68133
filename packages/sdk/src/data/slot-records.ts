import type { KeyTable, Stored } from './key-table.js';
import { RUN_CHUNK_BYTES, recordBound, writeBoundRecord, type EncodedRecords } from './record-codec.js';

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
 * Memory: the partition's records once, plus a chunk, while it runs. The buffer is made at
 * `sizeHint` bytes (the caller's estimate; pages never written take no memory) so that it
 * seldom grows: each growth leaves the old buffer as garbage. (A buffer kept from one spill to
 * the next was tried: the peak RSS of four map tasks sorting 200 MB was 380 MB, against 290
 * with a buffer per call.)
 *
 * The result is chunks of whole records of about chunkBytes (a key whose records alone are
 * larger comes alone), for the slots of `ascending` (in ascending order) in the order of
 * `sorted` (the same slots in key order). `span` has 3 entries per slot of the table; the
 * calls for a table's partitions may share one, as their slots differ.
 */
export function* sortedSlotRecords(
  table: KeyTable,
  ascending: ArrayLike<number>,
  sorted: readonly number[],
  span: Int32Array,
  sizeHint: number,
  chunkBytes = RUN_CHUNK_BYTES,
): Generator<EncodedRecords> {
  const enc = new SlotEncoder(table, span, sizeHint + chunkBytes);
  enc.encode(ascending);
  const base = enc.reserve(chunkBytes);
  const buf = enc.buf;
  const limit = base + chunkBytes;
  let q = base;
  let records = 0;
  for (const i of sorted) {
    const a = span[3 * i]!;
    const b = span[3 * i + 1]!;
    if (q + (b - a) > limit && q > base) {
      yield { bytes: Buffer.from(buf.subarray(base, q)), records };
      q = base;
      records = 0;
    }
    if (b - a > chunkBytes) {
      yield { bytes: Buffer.from(buf.subarray(a, b)), records: span[3 * i + 2]! };
      continue;
    }
    buf.copyWithin(q, a, b);
    q += b - a;
    records += span[3 * i + 2]!;
  }
  if (q > base) yield { bytes: Buffer.from(buf.subarray(base, q)), records };
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
     * them, so that the copy in key order reads one place per slot, not the table too).
     */
    private readonly span: Int32Array,
    size: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(size, FIRST_BYTES));
  }

  /** Encodes the records of the slots `ascending`, in that order. */
  encode(ascending: ArrayLike<number>): void {
    const { table, span } = this;
    for (let k = 0; k < ascending.length; k++) {
      const i = ascending[k]!;
      this.key = table.keys[i]!;
      span[3 * i] = this.pos;
      table.each(i, this.add);
      span[3 * i + 1] = this.pos;
      span[3 * i + 2] = table.count(i);
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
