import type { Writable } from 'node:stream';
import type { JsonValue } from './json-value.js';
import { RunEncoder } from './record-codec.js';
import { BackpressureWriter } from './write-with-backpressure.js';

/**
 * The output of a reduce task of a step before the last (a job of steps): its records as one
 * run, in the order the reducer emitted them, for the next step's map task to read with their
 * JSON types (a part file would turn them into text). The same calls as SortedLineWriter, so
 * the reduce loop drives either: write() is synchronous, drainIfNeeded() between reducer calls.
 * Records need no order: the next step's map reads them through, it does not merge them.
 */
export class RunWriter {
  private readonly enc = new RunEncoder();
  private readonly writer: BackpressureWriter;

  constructor(out: Writable) {
    this.writer = new BackpressureWriter(out);
  }

  /** Adds one record (ctx.emit checked the key and value). */
  write(key: string, value: JsonValue): void {
    this.enc.add(key, value);
    for (let c = this.enc.takeChunk(); c; c = this.enc.takeChunk()) this.writer.push(c);
  }

  drainIfNeeded(): Promise<void> | undefined {
    if (this.writer.congested) return this.writer.waitDrain();
    this.writer.check();
    return undefined;
  }

  /** Writes the rest; resolves once the stream took it all. Does not end the stream. */
  async finish(): Promise<{ records: number; bytes: number }> {
    this.writer.push(this.enc.finish());
    await this.writer.waitDrain();
    this.writer.check();
    return { records: this.enc.records, bytes: this.enc.bytes };
  }

  async cleanup(): Promise<void> {
    this.writer.release();
  }
}
