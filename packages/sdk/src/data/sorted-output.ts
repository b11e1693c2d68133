import type { Writable } from 'node:stream';
import { BinaryHeap } from './binary-heap.js';
import type { JsonValue } from './json-value.js';
import { defaultHeapLimit, MapOutputBuffer } from './map-output-buffer.js';
import { compareUtf8 } from './utf8-compare.js';
import { LineBuffer } from './line-buffer.js';
import { OUTPUT_FORMATS, type OutputFormat } from './output-format.js';

/*
 * Job output: UTF-8 lines of an output format (output-format.ts; `key<TAB>value\n` by
 * default), keys ascending in UTF-8 byte order (compareUtf8), equal keys in the order the
 * reducer emitted them.
 */

export { escapeText, formatValue, formatLine } from './output-format.js';

/** The reducer wrote output out of key order beyond what the writer could still fix. */
export class OutputOrderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputOrderError';
  }
}

export interface SortedLineWriterOptions {
  /** Local directory for sort runs when output must be sorted (created when needed). */
  spillDir: string;
  /** Output held in memory before the first byte goes to the stream (default 4 MiB, by HELD_LINE_BYTES + text). */
  holdBytes?: number;
  /** Most memory for records emitted ahead of their place (default 16 MiB). */
  aheadBytes?: number;
  /** Memory of the external sort before it spills (default 32 MiB). */
  sortBytes?: number;
  /** Sort all output from the start (the retry after an OutputOrderError). */
  sortAll?: boolean;
  /** Size of the buffers written to the stream (default 64 KiB). */
  chunkBytes?: number;
  /** @default OUTPUT_FORMATS.tsv */
  format?: OutputFormat;
}

interface HeldRecord {
  key: string;
  text: string;
  seq: number;
}

const HOLD = 0;
const STREAM = 1;
const SORT = 2;

/**
 * Heap bytes of a held line beyond its key's and value's characters: two array slots (with
 * spare room) and two string headers (the key is often held by nothing else). The 4 MiB hold
 * is then ~60k lines of word count: ~15 MB of the reduce's heap at its peak, where 16 MiB
 * counted at 32 bytes a line took ~40 MB on the 1 GB word count.
 */
const HELD_LINE_BYTES = 64;

/**
 * Writes reducer output as sorted lines.
 *
 * Reduce tasks call reducers in ascending key order, and reducers nearly always emit their
 * own key, so output usually arrives sorted. That case goes straight to the output stream,
 * batched into large buffers, with no copy and no sort. `write(key, value, currentKey)`
 * gets the key being reduced, which lets other orders work too:
 * - a key equal to the current one, or below it but not below the last line written, is
 *   in place: written now;
 * - a key above the current one is held in a heap, in memory (up to aheadBytes), until
 *   the reduce reaches it (it is written just before the lines of the first input key
 *   >= it);
 * - a key below the last line written cannot be put in place once that line has left.
 * To allow that last case in small outputs, the first `holdBytes` of output are kept in
 * memory before anything is written. If an out-of-place key comes while they still are, or
 * the heap outgrows aheadBytes then, the writer switches to an external sort (spilling to
 * spillDir, bounded memory) for all output, and writes it at finish(). If it comes after
 * output has started to stream, write() throws OutputOrderError: the caller discards the
 * output object and runs the reduce again with `sortAll: true`, which sorts everything.
 * That costs a second pass only for jobs whose reducers emit foreign keys out of order.
 *
 * Values are formatted when written (so a reducer may reuse its objects). write() is
 * synchronous; the owner awaits drain() between reducer calls (stream backpressure, sort
 * spills) and finish() at the end. finish() does not end the stream.
 */
export class SortedLineWriter {
  private readonly lines: LineBuffer;
  private readonly spillDir: string;
  private readonly holdBytes: number;
  private readonly aheadLimit: number;
  private readonly sortBytes: number;
  private readonly format: OutputFormat;
  private mode: number;
  /** The last key appended in order, and the key being reduced. */
  private last: string | null = null;
  private current: string | undefined = undefined;
  /** HOLD mode: lines not yet written. */
  private heldKeys: string[] = [];
  private heldTexts: string[] = [];
  private heldBytes = 0;
  /** Records whose key is ahead of the current key. */
  private readonly ahead = new BinaryHeap<HeldRecord>((a, b) => {
    const c = compareUtf8(a.key, b.key);
    return c < 0 || (c === 0 && a.seq < b.seq);
  });
  private aheadBytes = 0;
  private seq = 0;
  private sorter: MapOutputBuffer | null = null;

  constructor(out: Writable, options: SortedLineWriterOptions) {
    this.spillDir = options.spillDir;
    this.holdBytes = options.holdBytes ?? 4 * 1024 * 1024;
    this.aheadLimit = options.aheadBytes ?? 16 * 1024 * 1024;
    this.sortBytes = options.sortBytes ?? 32 * 1024 * 1024;
    this.format = options.format ?? OUTPUT_FORMATS.tsv;
    this.lines = new LineBuffer(out, this.format, options.chunkBytes ?? 64 * 1024);
    this.mode = HOLD;
    if (options.sortAll) this.startSort();
  }

  /** Lines and bytes written to the stream. */
  get records(): number {
    return this.lines.records;
  }

  get bytes(): number {
    return this.lines.bytes;
  }

  /** Adds one output record; `currentKey` is the key being reduced (omit if none). */
  write(key: string, value: JsonValue, currentKey?: string): void {
    if (typeof key !== 'string') throw new TypeError(`emit: the key must be a string, got ${key === null ? 'null' : typeof key}`);
    const text = this.format.valueText(value);
    if (this.mode === SORT) {
      this.sorter!.add(key, text);
      return;
    }
    if (currentKey !== this.current && currentKey !== undefined) this.advance(currentKey);
    if (key === currentKey || currentKey === undefined || compareUtf8(key, currentKey) < 0) this.append(key, text);
    else this.holdAhead(key, text);
  }

  /** The reduce moved to `key`: write held records that now have their place. */
  private advance(key: string): void {
    this.current = key;
    const ahead = this.ahead;
    while (ahead.size > 0 && compareUtf8(ahead.peek()!.key, key) <= 0) {
      const r = ahead.pop()!;
      this.aheadBytes -= 64 + r.key.length + r.text.length;
      this.append(r.key, r.text);
      if (this.mode === SORT) return; // append switched modes and took the heap along
    }
  }

  private holdAhead(key: string, text: string): void {
    this.ahead.push({ key, text, seq: this.seq++ });
    this.aheadBytes += 64 + key.length + text.length;
    if (this.aheadBytes > this.aheadLimit) {
      this.outOfOrder(
        key,
        text,
        `records emitted ahead of their place (the last: key ${JSON.stringify(key)} while reducing ${JSON.stringify(this.current)}) outgrew ${this.aheadLimit} bytes`,
        false,
      );
    }
  }

  /** Appends a record that belongs after everything appended so far (unless it does not). */
  private append(key: string, text: string): void {
    if (key !== this.last) {
      if (this.last !== null && compareUtf8(key, this.last) < 0) {
        this.outOfOrder(
          key,
          text,
          `the reducer emitted key ${JSON.stringify(key)}${this.current === undefined ? '' : ` while reducing ${JSON.stringify(this.current)}`}, after key ${JSON.stringify(this.last)} was written`,
          true,
        );
        return;
      }
      this.last = key;
    }
    if (this.mode === HOLD) {
      this.heldKeys.push(key);
      this.heldTexts.push(text);
      this.heldBytes += HELD_LINE_BYTES + key.length + text.length;
      if (this.heldBytes > this.holdBytes) this.startStreaming();
    } else {
      this.lines.line(key, text);
    }
  }

  /** Output is out of key order: sort everything if nothing was written yet, else fail. */
  private outOfOrder(key: string, text: string, why: string, addRecord: boolean): void {
    if (this.mode !== HOLD) {
      throw new OutputOrderError(
        `${why}; output had already started streaming, so it cannot be put in order. ` +
          'Run the reduce again with SortedLineWriter option sortAll: true.',
      );
    }
    this.startSort();
    // Emit order among equal keys: held lines were emitted before every record still ahead
    // with the same key (those would have been released first), and seq orders the heap.
    if (addRecord) this.sorter!.add(key, text);
  }

  /** Moves everything into an external sort; all later records go there too. */
  private startSort(): void {
    const sorter = new MapOutputBuffer({
      reducers: 1,
      partition: () => 0,
      spillBytes: this.sortBytes,
      heapLimitBytes: defaultHeapLimit(this.sortBytes),
      spillDir: this.spillDir,
    });
    for (let i = 0; i < this.heldKeys.length; i++) sorter.add(this.heldKeys[i]!, this.heldTexts[i]!);
    for (const r of this.ahead.drain().sort((a, b) => a.seq - b.seq)) sorter.add(r.key, r.text);
    this.heldKeys = [];
    this.heldTexts = [];
    this.heldBytes = 0;
    this.aheadBytes = 0;
    this.sorter = sorter;
    this.mode = SORT;
  }

  /** Ends the hold: writes held lines; from now on lines go straight to the stream. */
  private startStreaming(): void {
    this.mode = STREAM;
    const keys = this.heldKeys;
    const texts = this.heldTexts;
    this.heldKeys = [];
    this.heldTexts = [];
    this.heldBytes = 0;
    for (let i = 0; i < keys.length; i++) this.lines.line(keys[i]!, texts[i]!);
  }

  /**
   * drain() when there is something to wait for, else undefined (after the same checks): the
   * reduce calls this once per key, and an await per key is a cost of its own.
   */
  drainIfNeeded(): Promise<void> | undefined {
    if (this.mode === SORT ? this.sorter!.needsSpill : this.lines.writer.congested) return this.drain();
    if (this.mode !== SORT) this.lines.writer.check();
    return undefined;
  }

  /** Waits for the stream to take what it was given, or for the sort to spill. */
  async drain(): Promise<void> {
    if (this.mode === SORT) {
      if (this.sorter!.needsSpill) await this.sorter!.spillIfFull();
      return;
    }
    await this.lines.drain();
  }

  /** Writes everything still held or sorted; resolves once the stream took it all. */
  async finish(): Promise<{ records: number; bytes: number }> {
    if (this.mode !== SORT) {
      // Everything still ahead is above every line appended: release it in order.
      const ahead = this.ahead;
      while (ahead.size > 0 && this.mode !== SORT) {
        const r = ahead.pop()!;
        this.aheadBytes -= 64 + r.key.length + r.text.length;
        this.append(r.key, r.text);
      }
    }
    if (this.mode === SORT) {
      const [sorted] = await this.sorter!.finish();
      this.mode = STREAM;
      for await (const batch of sorted!.batches()) {
        for (const r of batch) this.lines.line(r.key, r.value as string);
        if (this.lines.writer.congested) await this.lines.writer.waitDrain();
      }
    } else if (this.mode === HOLD) {
      this.startStreaming();
    }
    return this.lines.finish();
  }

  /** Removes the external sort's files, if any. */
  async cleanup(): Promise<void> {
    await this.sorter?.cleanup();
  }
}
