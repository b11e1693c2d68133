import type { Writable } from 'node:stream';
import type { OutputFormat } from './output-format.js';
import { writeUtf8 } from './utf8-write.js';
import { BackpressureWriter } from './write-with-backpressure.js';

/**
 * Output records encoded as lines of an output format into large buffers, each handed to the
 * stream when full, without waiting: the one place the job's output writers (LineWriter for
 * map-only output, SortedLineWriter for reduce output) turn a record into bytes. line() is
 * synchronous; the owner waits on `writer` between user calls and on finish() at the end
 * (which does not end the stream).
 */
export class LineBuffer {
  /** Lines and bytes handed to the stream. */
  records = 0;
  bytes = 0;
  readonly writer: BackpressureWriter;
  private buf: Buffer;
  private pos = 0;

  constructor(
    out: Writable,
    private readonly format: OutputFormat,
    private readonly chunkBytes = 64 * 1024,
  ) {
    this.writer = new BackpressureWriter(out);
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  /** Appends one line: `key` as the format writes keys, `valueText` already formatted (format.valueText). */
  line(key: string, valueText: string): void {
    const f = this.format;
    const k = f.keyText(key);
    // UTF-16 units times 3 bounds their UTF-8 bytes.
    const need = (k.length + valueText.length) * 3 + f.open.length + f.separator.length + f.end.length;
    if (this.pos + need > this.buf.length) this.flush(need);
    const buf = this.buf;
    let p = this.pos;
    if (f.open.length) p += f.open.copy(buf, p);
    p += writeUtf8(buf, p, k);
    if (f.separator.length === 1) buf[p++] = f.separator[0]!;
    else p += f.separator.copy(buf, p);
    p += writeUtf8(buf, p, valueText);
    if (f.end.length === 1) buf[p++] = f.end[0]!;
    else p += f.end.copy(buf, p);
    this.pos = p;
    this.records++;
  }

  /** Waits while the stream asks to (backpressure), else checks it for an error. */
  async drain(): Promise<void> {
    if (this.writer.congested) await this.writer.waitDrain();
    else this.writer.check();
  }

  /** Hands over what is buffered and resolves once the stream took it all. */
  async finish(): Promise<{ records: number; bytes: number }> {
    this.flush();
    await this.writer.waitDrain();
    this.writer.check();
    this.writer.release();
    return { records: this.records, bytes: this.bytes };
  }

  /** Hands the filled buffer to the stream (without waiting) and starts another of at least `need` bytes. */
  private flush(need = 0): void {
    if (this.pos > 0) {
      this.writer.push(this.buf.subarray(0, this.pos));
      this.bytes += this.pos;
    }
    this.buf = Buffer.allocUnsafe(Math.max(this.chunkBytes, need));
    this.pos = 0;
  }
}
