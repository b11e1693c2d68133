import type { Writable } from 'node:stream';
import type { JsonValue } from './json-value.js';
import { LineBuffer } from './line-buffer.js';
import { OUTPUT_FORMATS, type OutputFormat } from './output-format.js';

/**
 * Writes output records as lines of an output format, in the order given (the output of a
 * map-only job: records in emit order), batched into large buffers. write() is synchronous;
 * the owner awaits drain() between user calls and finish() at the end (which does not end
 * the stream).
 */
export class LineWriter {
  private readonly lines: LineBuffer;

  constructor(
    out: Writable,
    private readonly format: OutputFormat = OUTPUT_FORMATS.tsv,
    chunkBytes = 64 * 1024,
  ) {
    this.lines = new LineBuffer(out, format, chunkBytes);
  }

  get records(): number {
    return this.lines.records;
  }

  get bytes(): number {
    return this.lines.bytes;
  }

  write(key: string, value: JsonValue): void {
    this.lines.line(key, this.format.valueText(value));
  }

  /** Waits while the stream asks to (backpressure). */
  drain(): Promise<void> {
    return this.lines.drain();
  }

  finish(): Promise<{ records: number; bytes: number }> {
    return this.lines.finish();
  }
}
