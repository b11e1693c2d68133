/**
 * The stream S3Storage.getStream returns: the bytes of one object (or a range of it) from
 * minio's HTTP response, with three things the raw response lacks.
 *
 * - Typed errors: a dropped connection surfaces as a retryable StorageUnavailableError, like
 *   every other S3 failure, not as Node's bare "aborted".
 * - Stall detection that does not punish a slow consumer: the timer runs only while the
 *   consumer is waiting for bytes. (A k-way merge can leave one run's stream unread for
 *   minutes; a socket idle timeout would cut it for nothing.)
 * - Resumption: when the response breaks off (reset, stall, early end) and a Retrier is given,
 *   the rest is fetched with a new ranged GET from the first byte not yet delivered, with the
 *   Retrier's backoff and budget. The resumed response must carry the same ETag, so the bytes
 *   before and after come from the same object version.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { ObjectChangedError } from './errors.js';
import { isRetryable, type Retrier } from './retrier.js';
import { RequestTimeoutError } from './s3-transport.js';

export interface S3ReadStreamOptions {
  key: string;
  /** The response already opened for the first byte, `start`. */
  first: Readable;
  /** The object offset of the first byte of `first`. */
  start: number;
  /** Opens [from, end) of the object (to the object's end when `end` is undefined). */
  open(from: number, end: number | undefined): Promise<Readable>;
  /** A stall: the consumer waits and no byte arrives for this long. 0 turns it off. */
  stallTimeoutMs: number;
  /** Turns a raw error into a typed one (see s3-errors.ts). */
  mapError(error: unknown): unknown;
  /** Without one, a broken response errors the stream (typed) instead of resuming. */
  retrier?: Retrier;
}

export class S3ReadStream extends Readable {
  /** Bytes pushed to the consumer so far. */
  delivered = 0;
  /** New ranged requests made after a broken response. */
  resumes = 0;
  private source: Readable | undefined;
  /** Object offset one past the last byte to deliver; from Content-Length once known. */
  private end: number | undefined;
  private etag: string | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private readonly o: S3ReadStreamOptions;

  constructor(options: S3ReadStreamOptions) {
    // As much as one socket read (64 KiB), so a chunk rarely has to wait for room.
    super({ highWaterMark: 64 * 1024 });
    this.o = options;
    this.etag = etagOf(options.first);
    this.attach(options.first, options.start);
  }

  override _read(): void {
    if (!this.source) return; // resuming: bytes come when the new response does
    if (this.source.isPaused()) this.source.resume();
    this.armStall();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.disarmStall();
    this.detach();
    callback(error);
  }

  private attach(source: Readable, from: number): void {
    const length = contentLength(source);
    if (length !== undefined) this.end = from + length;
    // The socket's idle timeout (s3-transport.ts) would fire while our consumer is busy
    // elsewhere; from here on the stall timer below watches this response instead.
    (source as Partial<IncomingMessage>).setTimeout?.(0);
    this.source = source;
    source.on('data', (chunk: Buffer) => {
      this.delivered += chunk.length;
      if (this.push(chunk)) this.armStall();
      else {
        this.disarmStall();
        source.pause();
      }
    });
    source.once('end', () => {
      this.disarmStall();
      const at = this.o.start + this.delivered;
      if (this.end !== undefined && at < this.end) {
        this.broken(Object.assign(new Error(`response for ${this.o.key} ended at byte ${at} of ${this.end}`), { code: 'ECONNRESET' }));
      } else {
        this.source = undefined;
        this.push(null);
      }
    });
    source.once('error', (error) => this.broken(error));
  }

  /** Stops listening to the current response and drops its connection. */
  private detach(): void {
    const source = this.source;
    this.source = undefined;
    if (!source) return;
    source.removeAllListeners('data');
    source.removeAllListeners('end');
    source.on('error', () => {}); // a late error from a dropped response is expected
    source.destroy();
  }

  private broken(raw: unknown): void {
    this.disarmStall();
    this.detach();
    if (this.destroyed) return;
    const error = this.o.mapError(raw);
    const retrier = this.o.retrier;
    if (!retrier || !isRetryable(error)) {
      this.destroy(error as Error);
      return;
    }
    const from = this.o.start + this.delivered;
    if (this.end !== undefined && from >= this.end) {
      this.push(null); // every byte arrived; only the connection's end was lost
      return;
    }
    const failedAt = Date.now();
    retrier
      .run(`read ${this.o.key} from byte ${from}`, () => this.o.open(from, this.end), { error, startedAt: failedAt })
      .then(
        (next) => this.resumeWith(next, from),
        (finalError: unknown) => this.destroy(finalError as Error),
      );
  }

  private resumeWith(next: Readable, from: number): void {
    if (this.destroyed) {
      next.destroy();
      return;
    }
    const status = (next as Partial<IncomingMessage>).statusCode;
    const etag = etagOf(next);
    let problem: Error | undefined;
    // A server that ignored Range would send the object from byte 0 again.
    if (from > 0 && status !== undefined && status !== 206) problem = new Error(`resumed read of ${this.o.key} got HTTP ${status}, not 206`);
    else if (this.etag !== undefined && etag !== undefined && etag !== this.etag) problem = new ObjectChangedError(this.o.key, this.etag, etag);
    if (problem) {
      next.on('error', () => {});
      next.destroy();
      this.destroy(problem);
      return;
    }
    this.resumes++;
    this.attach(next, from);
    this.armStall();
  }

  private armStall(): void {
    if (this.o.stallTimeoutMs <= 0 || !this.source) return;
    if (this.stallTimer) {
      this.stallTimer.refresh(); // per chunk: cheaper than a new timer
      return;
    }
    this.stallTimer = setTimeout(() => {
      this.stallTimer = undefined;
      this.broken(new RequestTimeoutError(this.o.key, this.o.stallTimeoutMs));
    }, this.o.stallTimeoutMs);
  }

  private disarmStall(): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }
}

function etagOf(stream: Readable): string | undefined {
  const etag = (stream as Partial<IncomingMessage>).headers?.etag;
  return typeof etag === 'string' ? etag : undefined;
}

function contentLength(stream: Readable): number | undefined {
  const value = (stream as Partial<IncomingMessage>).headers?.['content-length'];
  const n = value === undefined ? NaN : Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}
