import type { Writable } from 'node:stream';
import { batched, batchesOf, type Batched } from './batched.js';
import { JsonText } from './json-text.js';
import { NotJsonValueError, type JsonValue } from './json-value.js';
import type { Rec } from './rec.js';
import { writeUtf8 } from './utf8-write.js';
import { BackpressureWriter } from './write-with-backpressure.js';

/*
 * The run format: how sorted intermediate records are stored between map and reduce (spill
 * files and the per-reducer map outputs in storage).
 *
 *   run    = "GMR1" record*
 *   record = varint(key byte length) key-utf8 tag payload
 *   tag 1  small integer   zigzag varint   (integers in [-2^31, 2^31), not -0)
 *   tag 2  float64         8 bytes, little endian (any other number: NaN, +-Infinity, -0)
 *   tag 3  string          varint(byte length) utf8
 *   tag 4  true, tag 5 false, tag 6 null   (no payload)
 *   tag 7  array or object varint(byte length) JSON text in utf8
 *
 * Varints are LEB128 (7 bits per byte, low bits first). Scalars decode with their exact
 * JavaScript value and type; arrays and objects are JSON inside (see checkJsonValue). There
 * is no record count or trailer: a run is read until the stream ends, and a stream that
 * ends inside a record is reported as truncated.
 */

/** The 4 bytes every run begins with, so a wrong or empty file is detected, not misread. */
export const RUN_MAGIC = Buffer.from('GMR1', 'latin1');

const TAG_INT = 1;
const TAG_F64 = 2;
const TAG_STR = 3;
const TAG_TRUE = 4;
const TAG_FALSE = 5;
const TAG_NULL = 6;
const TAG_JSON = 7;

/**
 * A record as its encoded bytes, buf[start, end), its key's UTF-8 at buf[keyStart, keyEnd):
 * what a merge that only reorders records needs (nothing decoded, nothing encoded again).
 */
export interface RawRec {
  buf: Buffer;
  start: number;
  keyStart: number;
  keyEnd: number;
  end: number;
}

/**
 * Orders encoded records by their keys' UTF-8 bytes: compareUtf8's order of the decoded keys
 * (a run's keys are well-formed text: emit refuses lone surrogates), without decoding them.
 */
export function compareRawKeys(a: RawRec, b: RawRec): number {
  const x = a.buf;
  const y = b.buf;
  const m = a.keyEnd - a.keyStart;
  const n = b.keyEnd - b.keyStart;
  const len = m < n ? m : n;
  const i0 = a.keyStart;
  const j0 = b.keyStart;
  for (let k = 0; k < len; k++) {
    const d = x[i0 + k]! - y[j0 + k]!;
    if (d !== 0) return d;
  }
  return m - n;
}

/** A sorted stream that can also be read as encoded records (MapOutputBuffer.finish without a combiner). */
export interface RawBatched {
  rawBatches(): AsyncIterable<RawRec[]>;
}

function hasRawBatches(source: object): source is RawBatched {
  return typeof (source as { rawBatches?: unknown }).rawBatches === 'function';
}

/** Whole records already encoded (run format, no header): `records` of them in `bytes`. */
export interface EncodedRecords {
  bytes: Buffer;
  records: number;
}

/**
 * A sorted stream that can also be read as its encoded bytes, in order (MapOutputBuffer.finish
 * for a partition held in memory): writing it is copying them.
 */
export interface EncodedBatched {
  encodedChunks(): Iterable<EncodedRecords>;
}

function hasEncodedChunks(source: object): source is EncodedBatched {
  return typeof (source as { encodedChunks?: unknown }).encodedChunks === 'function';
}

/** Default size of the buffers RunEncoder hands out: large writes, few syscalls. */
export const RUN_CHUNK_BYTES = 256 * 1024;
/** Size of a RunEncoder's first buffer; each next one is twice as large, up to chunkBytes. */
const FIRST_CHUNK_BYTES = 8 * 1024;

/** Strings of at most this many UTF-16 units have at most 126 UTF-8 bytes: 1-byte varint. */
const SHORT_STRING = 42;
/** Above this many units, measure exactly instead of reserving 3 bytes per unit. */
const MEASURE_STRING = 16 * 1024;

/** A run file that is not one, or is damaged. */
export class RunFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFormatError';
  }
}

function writeVarint(buf: Buffer, p: number, v: number): number {
  while (v >= 0x80) {
    buf[p++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[p++] = v;
  return p;
}

/** Upper bound of a string's UTF-8 length, exact for long strings so huge values stay cheap. */
function maxUtf8(s: string): number {
  return s.length > MEASURE_STRING ? Buffer.byteLength(s) : s.length * 3;
}

/** Bytes of the varint of n (n < 2^21). */
function varintBytes(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : 3;
}

/**
 * Writes varint(UTF-8 length) and the UTF-8 of `s` at p (room for `max` bytes, maxUtf8(s),
 * is there) and returns the position after. A short string goes through writeUtf8 (a JS loop
 * when short and ASCII). A longer one is written natively once, after room for the longest
 * varint its length could need, and moved back if its real length needs fewer (a memmove
 * of bytes just written): one native call, where measuring it first was two.
 */
function writeString(buf: Buffer, p: number, s: string, max: number): number {
  if (s.length <= SHORT_STRING) {
    const n = writeUtf8(buf, p + 1, s);
    buf[p] = n;
    return p + 1 + n;
  }
  if (max === s.length * 3 && max < 0x200000) {
    // max is the 3-bytes-a-unit bound: the real length is known only once written.
    const room = varintBytes(max);
    const n = buf.write(s, p + room);
    const need = varintBytes(n);
    if (need < room) buf.copyWithin(p + need, p + room, p + room + n);
    return writeVarint(buf, p, n) + n;
  }
  // Measured (a long string): max is its exact length.
  p = writeVarint(buf, p, max);
  return p + buf.write(s, p);
}

/** Results of recordBound, for the writeBoundRecord call that follows it. */
let boundTag = 0;
let boundText: string | null = null;
let boundKeyMax = 0;
let boundTextMax = 0;

/**
 * Most bytes the record (key, value) can take encoded; throws NotJsonValueError for a value
 * that is not one. Call writeBoundRecord for the same record next: it uses what this found.
 */
export function recordBound(key: string, value: JsonValue | JsonText): number {
  let text: string | null = null;
  let tag: number;
  switch (typeof value) {
    case 'number':
      // int32 and not -0 (the 1/value test tells -0 from 0).
      tag = (value | 0) === value && (value !== 0 || 1 / value > 0) ? TAG_INT : TAG_F64;
      break;
    case 'string':
      tag = TAG_STR;
      text = value;
      break;
    case 'boolean':
      tag = value ? TAG_TRUE : TAG_FALSE;
      break;
    case 'object':
      tag = TAG_JSON;
      if (value === null) tag = TAG_NULL;
      else if (value instanceof JsonText) text = value.text;
      else {
        text = (JSON.stringify(value) as string | undefined) ?? null;
        if (text === null) throw new NotJsonValueError('value', 'an object whose toJSON returned undefined');
      }
      break;
    default:
      throw new NotJsonValueError('value', typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`);
  }
  boundTag = tag;
  boundText = text;
  boundKeyMax = maxUtf8(key);
  boundTextMax = text === null ? 0 : maxUtf8(text);
  return 5 + boundKeyMax + 1 + (text === null ? 8 : 5 + boundTextMax);
}

/** Writes the record recordBound just measured at p (room for its bound is there); returns the position after. */
export function writeBoundRecord(buf: Buffer, p: number, key: string, value: JsonValue | JsonText): number {
  const tag = boundTag;
  const text = boundText;
  p = writeString(buf, p, key, boundKeyMax);
  buf[p++] = tag;
  if (tag === TAG_INT) {
    const v = value as number;
    p = writeVarint(buf, p, ((v << 1) ^ (v >> 31)) >>> 0);
  } else if (tag === TAG_F64) {
    buf.writeDoubleLE(value as number, p);
    p += 8;
  } else if (text !== null) {
    p = writeString(buf, p, text, boundTextMax);
  }
  return p;
}

/**
 * Encodes records into the run format, in buffers of about `chunkBytes` that the caller
 * takes (takeChunk) and writes out with backpressure. A record is never split across two
 * buffers; one larger than chunkBytes gets a buffer of its own size.
 */
export class RunEncoder {
  /** Records added so far. */
  records = 0;
  private flushed = 0;
  private buf: Buffer;
  private pos: number;
  private readonly ready: Buffer[] = [];

  constructor(readonly chunkBytes = RUN_CHUNK_BYTES) {
    // Buffers start small and double up to chunkBytes: a tiny run (many small map tasks)
    // does not cost a 256 KiB allocation, a large one soon writes in large buffers.
    this.buf = Buffer.allocUnsafe(Math.max(Math.min(chunkBytes, FIRST_CHUNK_BYTES), 64));
    RUN_MAGIC.copy(this.buf, 0);
    this.pos = RUN_MAGIC.length;
  }

  /** Bytes of the run so far, the 4-byte header included. */
  get bytes(): number {
    return this.flushed + this.pos;
  }

  /** True when at least one full buffer waits in takeChunk(). */
  get hasChunk(): boolean {
    return this.ready.length > 0;
  }

  /** Appends one record. Values are JSON values (or snapshots from the map side). */
  add(key: string, value: JsonValue | JsonText): void {
    const need = recordBound(key, value);
    if (this.pos + need > this.buf.length) this.nextBuffer(need);
    this.pos = writeBoundRecord(this.buf, this.pos, key, value);
    this.records++;
  }

  /**
   * Appends `records` whole records already encoded, `bytes` (which the encoder keeps: the
   * caller must not reuse it).
   */
  addEncoded(bytes: Buffer, records: number): void {
    if (bytes.length === 0) return;
    if (this.pos > 0) {
      // What is encoded so far goes first; the rest of its buffer stays in use.
      this.ready.push(this.buf.subarray(0, this.pos));
      this.flushed += this.pos;
      this.buf = this.buf.subarray(this.pos);
      this.pos = 0;
    }
    this.ready.push(bytes);
    this.flushed += bytes.length;
    this.records += records;
  }

  /** Appends `records` whole records already encoded, buf[start, end) (a copy is taken). */
  addRawRange(buf: Buffer, start: number, end: number, records: number): void {
    const n = end - start;
    if (this.pos + n > this.buf.length) this.nextBuffer(n);
    buf.copy(this.buf, this.pos, start, end);
    this.pos += n;
    this.records += records;
  }

  /** Retires the current buffer (if it holds anything) and starts one with room for `need`. */
  private nextBuffer(need: number): void {
    if (this.pos > 0) {
      this.ready.push(this.buf.subarray(0, this.pos));
      this.flushed += this.pos;
    }
    // (At least FIRST_CHUNK_BYTES doubled: after addEncoded the buffer may be a small rest.)
    const size = Math.min(this.chunkBytes, 2 * Math.max(this.buf.length, FIRST_CHUNK_BYTES));
    this.buf = Buffer.allocUnsafe(Math.max(size, need));
    this.pos = 0;
  }

  /** A full buffer to write out, or null when none is ready yet. */
  takeChunk(): Buffer | null {
    return this.ready.shift() ?? null;
  }

  /** Everything not yet taken (the header at least): the end of the run. */
  finish(): Buffer {
    const tail = this.buf.subarray(0, this.pos);
    this.flushed += this.pos;
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    if (this.ready.length === 0) return tail;
    return Buffer.concat([...this.ready.splice(0), tail]);
  }
}

/**
 * Writes records as one run to `out`, waiting whenever `out` signals backpressure. Does not
 * end `out`: the caller ends it (and, for storage writers, waits for the object to commit).
 * Sources with `batches()` (readRun, mergeSorted, MapOutputBuffer.finish) are read a batch
 * at a time; those that offer their records already encoded (encodedChunks, rawBatches:
 * MapOutputBuffer.finish) are copied as bytes.
 */
export async function writeRun(
  records: Iterable<Rec> | AsyncIterable<Rec>,
  out: Writable,
  options: { chunkBytes?: number } = {},
): Promise<{ records: number; bytes: number }> {
  const enc = new RunEncoder(options.chunkBytes);
  const writer = new BackpressureWriter(out);
  try {
    if (hasEncodedChunks(records)) {
      for (const chunk of records.encodedChunks()) {
        enc.addEncoded(chunk.bytes, chunk.records);
        for (let c = enc.takeChunk(); c; c = enc.takeChunk()) await writer.write(c);
      }
    } else if (hasRawBatches(records)) {
      // Records already encoded (a merge of run files): their bytes are copied as they are,
      // records that lie one after another in one buffer (the same run's) in one copy.
      for await (const batch of records.rawBatches()) {
        let i = 0;
        while (i < batch.length) {
          const first = batch[i]!;
          let end = first.end;
          let j = i + 1;
          for (; j < batch.length && batch[j]!.buf === first.buf && batch[j]!.start === end; j++) end = batch[j]!.end;
          enc.addRawRange(first.buf, first.start, end, j - i);
          i = j;
        }
        for (let c = enc.takeChunk(); c; c = enc.takeChunk()) await writer.write(c);
      }
    } else {
      for await (const batch of batchesOf(records)) {
        for (let i = 0; i < batch.length; i++) enc.add(batch[i]!.key, batch[i]!.value);
        for (let c = enc.takeChunk(); c; c = enc.takeChunk()) await writer.write(c);
      }
    }
    await writer.write(enc.finish());
    writer.check();
    return { records: enc.records, bytes: enc.bytes };
  } finally {
    writer.release();
  }
}

// ---------------------------------------------------------------------------------------
// Decoding

/** Second result of readVarint: the position after the varint. */
let varintEnd = 0;

/** Reads a LEB128 varint at p; -1 if the buffer ends first. */
function readVarint(buf: Buffer, p: number, end: number): number {
  let v = 0;
  let scale = 1;
  for (let i = 0; i < 8; i++) {
    if (p >= end) return -1;
    const b = buf[p++]!;
    v += (b & 0x7f) * scale;
    if (b < 0x80) {
      varintEnd = p;
      return v;
    }
    scale *= 128;
  }
  throw new RunFormatError('corrupt run: a length or integer is longer than 8 bytes');
}

/** Second result of decodeRecords; read it before any await. */
let decodeNeed = 0;

/**
 * Decodes whole records from one contiguous buffer and pushes them to `out`. Returns the
 * position where an incomplete record starts (or end), and sets `decodeNeed` to the bytes
 * that record needs from its start as far as its header tells (at least one more byte).
 */
/**
 * Decodes a UTF-8 key; short ASCII keys by a JS loop, cheaper than the native call up to about
 * 7 bytes (each character is a new string); longer ones natively (measured: a 10-byte key
 * 131 ns by the loop, 84 ns natively; 5 bytes 55 against 99).
 */
function decodeKey(buf: Buffer, s: number, e: number): string {
  if (e - s > 7) return buf.toString('utf8', s, e);
  let key = '';
  for (let i = s; i < e; i++) {
    const c = buf[i]!;
    if (c >= 0x80) return buf.toString('utf8', s, e);
    key += String.fromCharCode(c);
  }
  return key;
}

/** True if buf[a..a+n) equals buf[b..b+n). */
function sameBytes(buf: Buffer, a: number, b: number, n: number): boolean {
  if (n > 32) return buf.compare(buf, a, a + n, b, b + n) === 0;
  for (let i = 0; i < n; i++) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}

function decodeRecords(buf: Buffer, pos: number, end: number, out: Rec[], fileOffset: number): number {
  let p = pos;
  // Runs are sorted, so a key often repeats the previous one: reuse that string (no
  // decoding, no new string, and a cheap === for groupByKey).
  let prevKey = '';
  let prevStart = -1;
  let prevLen = -1;
  while (p < end) {
    const start = p;
    let kl = buf[p]!;
    if (kl < 0x80) p++;
    else {
      kl = readVarint(buf, p, end);
      if (kl < 0) break;
      p = varintEnd;
    }
    if (p + kl + 1 > end) {
      decodeNeed = p + kl + 1 - start;
      return start;
    }
    const keyStart = p;
    p += kl;
    const tag = buf[p++];
    let value: JsonValue;
    switch (tag) {
      case TAG_INT: {
        const z = readVarint(buf, p, end);
        if (z < 0) {
          decodeNeed = end - start + 1;
          return start;
        }
        p = varintEnd;
        value = (z >>> 1) ^ -(z & 1);
        break;
      }
      case TAG_F64:
        if (p + 8 > end) {
          decodeNeed = p + 8 - start;
          return start;
        }
        value = buf.readDoubleLE(p);
        p += 8;
        break;
      case TAG_STR:
      case TAG_JSON: {
        const n = readVarint(buf, p, end);
        if (n < 0 || varintEnd + n > end) {
          decodeNeed = n < 0 ? end - start + 1 : varintEnd + n - start;
          return start;
        }
        p = varintEnd;
        const s = buf.toString('utf8', p, p + n);
        p += n;
        value = tag === TAG_STR ? s : (JSON.parse(s) as JsonValue);
        break;
      }
      case TAG_TRUE:
        value = true;
        break;
      case TAG_FALSE:
        value = false;
        break;
      case TAG_NULL:
        value = null;
        break;
      default:
        throw new RunFormatError(
          `corrupt run: unknown value tag ${tag} in the record at byte ${fileOffset + (start - pos)}`,
        );
    }
    let key: string;
    if (kl === prevLen && sameBytes(buf, keyStart, prevStart, kl)) key = prevKey;
    else {
      key = decodeKey(buf, keyStart, keyStart + kl);
      prevKey = key;
      prevLen = kl;
    }
    prevStart = keyStart;
    out.push({ key, value });
  }
  decodeNeed = end - p + 1;
  return p;
}

/** As decodeRecords, but each record is kept as its bytes (RawRec): nothing decoded, only stepped over. */
function decodeRawRecords(buf: Buffer, pos: number, end: number, out: RawRec[], fileOffset: number): number {
  let p = pos;
  while (p < end) {
    const start = p;
    let kl = buf[p]!;
    if (kl < 0x80) p++;
    else {
      kl = readVarint(buf, p, end);
      if (kl < 0) break;
      p = varintEnd;
    }
    if (p + kl + 1 > end) {
      decodeNeed = p + kl + 1 - start;
      return start;
    }
    const keyStart = p;
    p += kl;
    const tag = buf[p++];
    switch (tag) {
      case TAG_INT: {
        if (readVarint(buf, p, end) < 0) {
          decodeNeed = end - start + 1;
          return start;
        }
        p = varintEnd;
        break;
      }
      case TAG_F64:
        if (p + 8 > end) {
          decodeNeed = p + 8 - start;
          return start;
        }
        p += 8;
        break;
      case TAG_STR:
      case TAG_JSON: {
        const n = readVarint(buf, p, end);
        if (n < 0 || varintEnd + n > end) {
          decodeNeed = n < 0 ? end - start + 1 : varintEnd + n - start;
          return start;
        }
        p = varintEnd + n;
        break;
      }
      case TAG_TRUE:
      case TAG_FALSE:
      case TAG_NULL:
        break;
      default:
        throw new RunFormatError(
          `corrupt run: unknown value tag ${tag} in the record at byte ${fileOffset + (start - pos)}`,
        );
    }
    out.push({ buf, start, keyStart, keyEnd: keyStart + kl, end: p });
  }
  decodeNeed = end - p + 1;
  return p;
}

export interface ReadRunOptions {
  /** Names the run in error messages, e.g. its storage key. */
  name?: string;
}

/**
 * Decodes a run from a stream of bytes, one batch per input chunk. Records split across
 * chunks are reassembled; a record larger than a chunk is collected until complete (one
 * copy, not one per chunk). Rejects with RunFormatError on a bad header, a corrupt record or
 * a stream that ends inside a record.
 */
export function readRunBatches(
  input: AsyncIterable<Buffer | Uint8Array | string>,
  options: ReadRunOptions = {},
): AsyncIterable<Rec[]> {
  return readBatches(input, options, decodeRecords);
}

/** As readRunBatches, with records as their encoded bytes (RawRec). */
export function readRawRunBatches(
  input: AsyncIterable<Buffer | Uint8Array | string>,
  options: ReadRunOptions = {},
): AsyncIterable<RawRec[]> {
  return readBatches(input, options, decodeRawRecords);
}

async function* readBatches<T>(
  input: AsyncIterable<Buffer | Uint8Array | string>,
  options: ReadRunOptions,
  decode: (buf: Buffer, pos: number, end: number, out: T[], fileOffset: number) => number,
): AsyncIterable<T[]> {
  const name = options.name ?? 'run';
  let parts: Buffer[] = [];
  let partsLen = 0;
  let need = RUN_MAGIC.length;
  let offset = 0; // file offset of parts[0] (or of the next chunk when parts is empty)
  let headerSeen = false;
  for await (const raw of input) {
    let chunk = typeof raw === 'string' ? Buffer.from(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (chunk.length === 0) continue;
    if (partsLen > 0) {
      parts.push(chunk);
      partsLen += chunk.length;
      if (partsLen < need) continue;
      chunk = Buffer.concat(parts, partsLen);
      parts = [];
      partsLen = 0;
    }
    let pos = 0;
    if (!headerSeen) {
      if (chunk.length < RUN_MAGIC.length) {
        checkMagicPrefix(chunk, name);
        parts = [chunk];
        partsLen = chunk.length;
        continue;
      }
      checkMagicPrefix(chunk, name);
      headerSeen = true;
      pos = RUN_MAGIC.length;
    }
    const out: T[] = [];
    const stop = decode(chunk, pos, chunk.length, out, offset + pos);
    // Read the scratch result now: other decoders run while we are suspended in yield.
    need = decodeNeed;
    offset += stop;
    if (stop < chunk.length) {
      parts = [chunk.subarray(stop)];
      partsLen = chunk.length - stop;
    }
    if (out.length) yield out;
  }
  if (!headerSeen) {
    throw new RunFormatError(
      `${name}: truncated run: ${partsLen} bytes, too short for the 4-byte "GMR1" header` +
        (partsLen === 0 ? ' (the file is empty)' : ''),
    );
  }
  if (partsLen > 0) {
    throw new RunFormatError(
      `${name}: truncated run: it ends inside the record at byte ${offset} (${partsLen} of its bytes present)`,
    );
  }
}

function checkMagicPrefix(chunk: Buffer, name: string): void {
  const n = Math.min(chunk.length, RUN_MAGIC.length);
  if (chunk.compare(RUN_MAGIC, 0, n, 0, n) !== 0) {
    throw new RunFormatError(
      `${name}: not a gomr run (it should begin with "GMR1", found ${JSON.stringify(chunk.toString('latin1', 0, n))})`,
    );
  }
}

/**
 * Reads a run as records (see readRunBatches). The stream is read once; stopping early
 * destroys it. The result also offers `batches()` for the data path's own consumers.
 */
export function readRun(
  input: AsyncIterable<Buffer | Uint8Array | string>,
  options: ReadRunOptions = {},
): Batched<Rec> {
  return batched(() => readRunBatches(input, options));
}
