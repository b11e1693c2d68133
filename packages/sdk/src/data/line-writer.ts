import type { Writable } from 'node:stream';
import type { JsonValue } from './json-value.js';
import { OUTPUT_FORMATS, type OutputFormat } from './output-format.js';
import { writeUtf8 } from './utf8-write.js';
import { BackpressureWriter } from './write-with-backpressure.js';

/**
 * Writes output records as lines of an output format, in the order given (the output of a
 * map-only job: records in emit order), batched into large buffers. write() is synchronous;
 * the owner awaits drain() between user calls and finish() at the end (which does not end
 * the stream).
 */
export class LineWriter {
  records = 0;
  bytes = 0;
  private readonly writer: BackpressureWriter;
  private buf: Buffer;
  private pos = 0;

  constructor(
    out: Writable,
    private readonly format: OutputFormat = OUTPUT_FORMATS.tsv,
    private readonly chunkBytes = 64 * 1024,
  ) {
    this.writer = new BackpressureWriter(out);
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  write(key: string, value: JsonValue): void {
    const f = this.format;
    const k = f.keyText(key);
    const v = f.valueText(value);
    const need = (k.length + v.length) * 3 + f.open.length + f.separator.length + f.end.length;
    if (this.pos + need > this.buf.length) this.flush(need);
    const buf = this.buf;
    let p = this.pos;
    p += f.open.copy(buf, p);
    p += writeUtf8(buf, p, k);
    p += f.separator.copy(buf, p);
    p += writeUtf8(buf, p, v);
    p += f.end.copy(buf, p);
    this.pos = p;
    this.records++;
  }

  private flush(need = 0): void {
    if (this.pos > 0) {
      this.writer.push(this.buf.subarray(0, this.pos));
      this.bytes += this.pos;
    }
    this.buf = Buffer.allocUnsafe(Math.max(this.chunkBytes, need));
    this.pos = 0;
  }

  /** Waits while the stream asks to (backpressure). */
  async drain(): Promise<void> {
    if (this.writer.congested) await this.writer.waitDrain();
    else this.writer.check();
  }

  async finish(): Promise<{ records: number; bytes: number }> {
    this.flush();
    await this.writer.waitDrain();
    this.writer.check();
    this.writer.release();
    return { records: this.records, bytes: this.bytes };
  }
}
