/**
 * What user code prints (console.log, process.stdout/stderr) in the executor thread, bounded
 * per task and labelled with the task id.
 *
 * A worker thread's stdout reaches the process's real stdout as messages handled by the
 * control thread, the thread that also sends heartbeats. A mapper that prints for every
 * record (200,000 lines a chunk) queues hundreds of MB there: heartbeats wait behind it, the
 * master declares the worker dead, the task runs elsewhere and prints again. So each task may
 * print `limitBytes`; past that its output is counted, not written, and one line at the end of
 * the task says how much was dropped (the count goes into the task's counters as well).
 * Dropping at the source, in this thread, is what keeps the control thread free: a bound
 * applied after the messages were sent would come too late.
 */

/** How much of its output a task may print (stdout and stderr together). */
export const USER_OUTPUT_BYTES_PER_TASK = 1024 * 1024;

export interface UserOutputTally {
  /** Bytes written for the task. */
  bytes: number;
  /** Lines (or line pieces) not written because the task was over its limit. */
  droppedLines: number;
  droppedBytes: number;
}

type Write = (chunk: string) => void;

export class BoundedUserOutput {
  private label = '';
  private tally: UserOutputTally = { bytes: 0, droppedLines: 0, droppedBytes: 0 };
  private readonly atLineStart = new Map<Write, boolean>();

  constructor(
    private readonly limitBytes: number,
    private readonly stdout: Write,
    private readonly stderr: Write,
  ) {}

  /**
   * Replaces process.stdout.write and process.stderr.write of this thread; what passes the
   * bound goes to `sinks` (default: the streams' own writes).
   */
  static install(sinks?: { stdout: Write; stderr: Write }, limitBytes = USER_OUTPUT_BYTES_PER_TASK): BoundedUserOutput {
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    const bounded = new BoundedUserOutput(limitBytes, sinks?.stdout ?? ((s) => void out(s)), sinks?.stderr ?? ((s) => void err(s)));
    process.stdout.write = interceptor((s) => bounded.write(bounded.stdout, s)) as typeof process.stdout.write;
    process.stderr.write = interceptor((s) => bounded.write(bounded.stderr, s)) as typeof process.stderr.write;
    return bounded;
  }

  /** Output from now on belongs to `taskId`, with a fresh allowance. */
  beginTask(taskId: string): void {
    this.label = taskId;
    this.tally = { bytes: 0, droppedLines: 0, droppedBytes: 0 };
  }

  /** Ends the task's output: says what was dropped, and returns the tally. */
  endTask(): UserOutputTally {
    const tally = this.tally;
    if (tally.droppedLines) {
      const line = `gomr: ${tally.droppedLines} lines (${tally.droppedBytes} bytes) of this task's output were dropped: a task may print ${this.limitBytes} bytes\n`;
      this.emit(this.stderr, line);
    }
    this.label = '';
    this.tally = { bytes: 0, droppedLines: 0, droppedBytes: 0 };
    return tally;
  }

  write(to: Write, text: string): void {
    const bytes = Buffer.byteLength(text);
    // Once over, everything else of the task is dropped too: the log keeps the task's first
    // output whole rather than pieces that happened to fit.
    if (this.tally.droppedLines || this.tally.bytes + bytes > this.limitBytes) {
      this.tally.droppedBytes += bytes;
      this.tally.droppedLines += Math.max(1, countNewlines(text));
      return;
    }
    this.tally.bytes += bytes;
    this.emit(to, text);
  }

  private emit(to: Write, text: string): void {
    if (!this.label || !text) return to(text);
    const prefix = `[${this.label}] `;
    const start = this.atLineStart.get(to) ?? true;
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    to((start ? prefix : '') + body.replaceAll('\n', '\n' + prefix) + (body.length < text.length ? '\n' : ''));
    this.atLineStart.set(to, text.endsWith('\n'));
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** A stream.write replacement: (chunk, [encoding], [callback]) like the original. */
function interceptor(sink: (text: string) => void) {
  return (chunk: string | Uint8Array, encodingOrCb?: BufferEncoding | ((err?: Error | null) => void), cb?: (err?: Error | null) => void): boolean => {
    const callback = typeof encodingOrCb === 'function' ? encodingOrCb : cb;
    const encoding = typeof encodingOrCb === 'string' ? encodingOrCb : 'utf8';
    sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString(encoding));
    if (callback) queueMicrotask(() => callback(null));
    return true;
  };
}
