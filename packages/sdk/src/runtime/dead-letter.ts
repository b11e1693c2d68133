import { ATTEMPT_SKIPPED_NAME, DEAD_LETTER_PARTITION, JOB_DEFAULTS, type ObjectWriter, type RunObject, type Storage } from '@gomr/storage';
import type { JsonValue } from '../user-api.js';

/**
 * --skip-bad-records' dead-letter file: every record an attempt leaves out, with why, one JSON
 * line each. The attempt writes it under its own prefix and reports it as an output of
 * partition DEAD_LETTER_PARTITION; the master copies the committed attempt's file to
 * output/_skipped/<task>.jsonl, so retried and speculative attempts never add lines twice.
 */

/** Default of --max-skipped-records: lines one task writes; past it skips are only counted. */
export const DEFAULT_MAX_SKIPPED_RECORDS = JOB_DEFAULTS.maxSkippedRecords;

/** One line of the file. A map skip names its input and byte; a reduce skip its key and values. */
export type DeadLetterRecord =
  | { task: string; input: string; offset: number; line: string; error: string }
  | { task: string; input: string; offset: number; record: JsonValue; error: string }
  | { task: string; key: string; values: JsonValue[]; error: string };

export class DeadLetter {
  /** Records left out, written or not. */
  skipped = 0;
  /** Records written (at most `cap`), and their bytes. */
  written = 0;
  bytes = 0;
  private writer?: Promise<ObjectWriter>;
  private lastWrite: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: Storage,
    /** The attempt's object: `<outputPrefix>skipped.jsonl`. */
    readonly key: string,
    private readonly cap: number,
  ) {}

  /**
   * Counts a skip and writes it while under the cap. The object is made on the first line only,
   * so a task with no skips costs nothing; writes are chained (at most `cap` small lines are
   * buffered, so backpressure is not waited on per line).
   */
  add(record: DeadLetterRecord): void {
    this.skipped++;
    if (this.written >= this.cap) return;
    this.written++;
    const line = JSON.stringify(record) + '\n';
    this.bytes += Buffer.byteLength(line);
    if (!this.writer) {
      this.writer = this.storage.createWriter(this.key);
      this.writer.catch(() => {}); // seen by finish() or abort()
    }
    const writer = this.writer;
    this.lastWrite = this.lastWrite.then(async () => {
      (await writer).write(line);
    });
    this.lastWrite.catch(() => {}); // seen by finish() or abort()
  }

  /** Closes the object; the output to report, or undefined when nothing was written. */
  async finish(): Promise<RunObject | undefined> {
    if (!this.writer) return undefined;
    await this.lastWrite;
    const w = await this.writer;
    w.end();
    await w.done();
    return { partition: DEAD_LETTER_PARTITION, key: this.key, bytes: this.bytes, records: this.written };
  }

  /** Drops the object (the attempt failed). */
  async abort(): Promise<void> {
    if (!this.writer) return;
    await this.lastWrite.catch(() => {});
    const w = await this.writer.catch(() => undefined);
    await w?.abort().catch(() => {});
  }

  /** The counters of the task: every record left out, and those written to the file. */
  counters(): Record<string, number> {
    return this.skipped ? { skippedRecords: this.skipped, skippedWritten: this.written } : {};
  }
}

/** The message of an error thrown by user code, for a dead-letter line. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The dead letter of one attempt: under its prefix, capped as the job says. */
export function openDeadLetter(storage: Storage, outputPrefix: string, maxSkippedRecords: number | undefined): DeadLetter {
  return new DeadLetter(storage, `${outputPrefix}${ATTEMPT_SKIPPED_NAME}`, maxSkippedRecords ?? DEFAULT_MAX_SKIPPED_RECORDS);
}
