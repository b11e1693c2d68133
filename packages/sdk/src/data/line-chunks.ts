/*
 * The split reader: turns a map task's byte range of an input into chunks of whole lines.
 *
 * THE RULE: a line belongs to the split that contains its first byte. (Lines end with '\n',
 * which stays part of the line; '\r' is ordinary data; the last line of a file may lack
 * the '\n'.) So a split [start, end):
 * - unless start is 0, skips everything up to and including the first '\n' at or after
 *   byte start-1. If byte start-1 is itself '\n', only that byte is skipped: the line
 *   starting exactly at `start` is ours. Otherwise the partial line belongs to the split
 *   before us, which reads past its end to finish it;
 * - emits every line whose first byte is before `end`, reading the last of them to its
 *   end even far past `end`; then stops reading.
 * Since every line has exactly one first byte, every line is read by exactly one split,
 * whatever the byte boundaries are; the master can cut inputs by size without reading them.
 *
 * Lines are handled as bytes and decoded to strings only between lines, so a multi-byte
 * UTF-8 character is never cut in two.
 */

import { checkChunk, type ChunkStats } from './chunk-checks.js';

/** One chunk of whole lines handed to the mapper. */
export interface LineChunk {
  /** Whole lines, each with its '\n' (the input's last line may lack one). */
  text: string;
  /** Byte offset in the input of the chunk's first byte. */
  offset: number;
  /** The chunk's length in bytes (its UTF-8 length): offset + bytes is the next chunk's offset. */
  bytes: number;
  /** Bytes read from the stream so far, skipped and read-ahead bytes included (progress). */
  bytesRead: number;
}

export interface LineChunkOptions {
  /** The split's first byte (inclusive). */
  start: number;
  /** The split's end (exclusive). */
  end: number;
  /** Target chunk size in bytes, default 64 KiB; a longer line becomes a chunk of its own. */
  chunkBytes?: number;
  /** The input's name, for the error on a NUL byte. */
  input?: string;
  /** Where to count invalid UTF-8 and CRLF line ends (see chunk-checks.ts). */
  stats?: ChunkStats;
}

/**
 * 64 KiB: small enough that a chunk's string and what the mapper makes of it (the array and
 * strings of a split) are ordinary young-generation objects, which V8 frees cheaply in the
 * next scavenge. From 128 KiB up they are "large objects", freed only by full collections,
 * which costs the map phase CPU and lets workers' heaps grow with garbage (bench/README.md).
 */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;

/**
 * The bytes a split's reader needs, [start, end) (end exclusive): from one byte before the
 * split (to see whether the split starts at a line start) to the end of the input (to finish
 * the last line; the reader stops early, so little beyond `end` is actually read).
 */
export function splitReadRange(start: number, _end: number, fileSize: number): { start: number; end: number } {
  const from = start > 0 ? start - 1 : 0;
  return { start: Math.min(from, fileSize), end: fileSize };
}

const NL = 10;

/**
 * Collects owned bytes and cuts them into chunks after a '\n': the last one within the
 * first chunkBytes bytes, or if there is none there (a long line), the first one after.
 */
class ChunkCutter {
  private parts: Buffer[] = [];
  private length = 0;
  /** Index (in the collected bytes) of the last '\n' below chunkBytes, or -1. */
  private lastNlBefore = -1;
  /** Index of the first '\n' at or after chunkBytes, or -1. */
  private firstNlAfter = -1;

  constructor(private readonly chunkBytes: number) {}

  get size(): number {
    return this.length;
  }

  push(piece: Buffer): void {
    if (piece.length === 0) return;
    const g = this.length;
    this.parts.push(piece);
    this.length += piece.length;
    this.scan(piece, g);
  }

  private scan(piece: Buffer, g: number): void {
    const limit = this.chunkBytes;
    if (g < limit) {
      const k = piece.lastIndexOf(NL, Math.min(piece.length, limit - g) - 1);
      if (k >= 0) this.lastNlBefore = g + k;
    }
    if (this.firstNlAfter < 0 && g + piece.length > limit) {
      const k = piece.indexOf(NL, Math.max(0, limit - g));
      if (k >= 0) this.firstNlAfter = g + k;
    }
  }

  /** Bytes of the next full chunk, or -1 if more input is needed to decide. */
  ready(): number {
    if (this.length < this.chunkBytes) return -1;
    if (this.lastNlBefore >= 0) return this.lastNlBefore + 1;
    if (this.firstNlAfter >= 0) return this.firstNlAfter + 1;
    return -1;
  }

  /** Removes and returns the first n collected bytes. */
  take(n: number): Buffer {
    let k = 0;
    let got = 0;
    while (k < this.parts.length && got + this.parts[k]!.length <= n) got += this.parts[k++]!.length;
    const pieces = this.parts.slice(0, k);
    const rest = this.parts.slice(k);
    if (got < n) {
      const split = rest[0]!;
      pieces.push(split.subarray(0, n - got));
      rest[0] = split.subarray(n - got);
    }
    const out = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, n);
    this.parts = rest.filter((p) => p.length > 0);
    // Re-index what is left (usually less than one stream buffer).
    const left = this.parts;
    this.parts = [];
    this.length = 0;
    this.lastNlBefore = -1;
    this.firstNlAfter = -1;
    for (const p of left) this.push(p);
    return out;
  }

  /** Removes and returns everything collected. */
  takeAll(): Buffer {
    return this.take(this.length);
  }
}

/**
 * Reads a split's lines from `stream` in chunks of whole lines (see THE RULE above).
 * `stream` must yield the input's bytes from splitReadRange(start, end, size).start to the
 * end of the input (or at least to the end of the split's last line). The stream is
 * stopped (destroyed) as soon as the last owned line is complete, or when the consumer
 * stops early.
 */
export async function* readLineChunks(
  stream: AsyncIterable<Buffer | Uint8Array | string>,
  options: LineChunkOptions,
): AsyncGenerator<LineChunk, void, undefined> {
  const { start, end } = options;
  const chunkBytes = Math.max(1, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  const iterator = stream[Symbol.asyncIterator]();
  try {
    if (end <= start) return; // owns no line (the single split of an empty input)
    const cutter = new ChunkCutter(chunkBytes);
    let filePos = start > 0 ? start - 1 : 0; // input offset of the next byte from the stream
    let skipping = start > 0;
    let chunkOffset = start > 0 ? -1 : 0; // input offset of the next chunk's first byte
    let bytesRead = 0;
    const emit = (n: number): LineChunk => {
      const buf = cutter.take(n);
      const text = buf.toString('utf8');
      checkChunk(buf, text, chunkOffset, options.input ?? 'input', options.stats);
      const chunk = { text, offset: chunkOffset, bytes: n, bytesRead };
      chunkOffset += n;
      return chunk;
    };
    for (;;) {
      const r = await iterator.next();
      if (r.done) break;
      const raw = r.value;
      const b = typeof raw === 'string' ? Buffer.from(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      const bp = filePos;
      filePos += b.length;
      bytesRead += b.length;
      let s = 0;
      if (skipping) {
        const i = b.indexOf(NL);
        if (i < 0) continue;
        s = i + 1;
        skipping = false;
        chunkOffset = bp + s;
        if (chunkOffset >= end) return; // the first line starting in our range starts after it
      }
      // Our last line ends at the first '\n' at or after byte end-1.
      const from = Math.max(s, end - 1 - bp);
      const stop = from < b.length ? b.indexOf(NL, from) : -1;
      cutter.push(stop < 0 ? b.subarray(s) : b.subarray(s, stop + 1));
      for (let n = cutter.ready(); n > 0; n = cutter.ready()) yield emit(n);
      if (stop >= 0) break;
    }
    // End of our range or of the input: what is left is whole lines (the last maybe without '\n').
    if (cutter.size > 0) yield emit(cutter.size);
  } finally {
    // A stream we stop reading early is destroyed by its iterator's return() with an
    // AbortError (a stack trace and an error event per map task); destroying it first,
    // without an error, makes return() a no-op.
    const destroy = (stream as { destroy?: unknown }).destroy;
    if (typeof destroy === 'function') destroy.call(stream);
    await iterator.return?.();
  }
}
