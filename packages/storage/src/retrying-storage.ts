/**
 * A Storage that retries the operations of another when they fail transiently (errors marked
 * `retryable`: connection refused or reset, a stalled request, a 5xx), with exponential backoff,
 * full jitter and a time budget (retry-policy.ts). When the budget runs out, the operation fails
 * with a StorageUnreachableError ("storage s3://b unreachable for 30 s: ...") instead of hanging.
 *
 * Whole operations are retried: put, get, copy, delete, deletePrefix, list, stat (all
 * idempotent), and the opening of getStream and createWriter. What happens inside a stream
 * after it is open (resuming a broken read, re-sending a part) is the backend's job, because
 * only the backend knows where it stopped; S3Storage does it with the same policy.
 *
 * openStorage applies this to S3 stores. Local disk errors are not transient, so a local
 * store would gain nothing from it.
 */
import type { Readable } from 'node:stream';
import { Retrier, type RetrySettings } from './retrier.js';
import type { ByteRange, ObjectInfo, ObjectWriter, Storage } from './storage.js';

export class RetryingStorage implements Storage {
  readonly describe: string;
  readonly retrier: Retrier;

  constructor(
    readonly inner: Storage,
    settings: RetrySettings,
  ) {
    this.describe = inner.describe;
    this.retrier = new Retrier(inner.describe, settings);
  }

  put(key: string, data: Buffer | string): Promise<void> {
    return this.retrier.run(`put ${key}`, () => this.inner.put(key, data));
  }

  get(key: string): Promise<Buffer> {
    return this.retrier.run(`get ${key}`, () => this.inner.get(key));
  }

  getStream(key: string, range?: ByteRange): Promise<Readable> {
    const what = range ? `get ${key} [${range.start}, ${range.end})` : `get ${key}`;
    return this.retrier.run(what, () => this.inner.getStream(key, range));
  }

  createWriter(key: string): Promise<ObjectWriter> {
    return this.retrier.run(`start writing ${key}`, () => this.inner.createWriter(key));
  }

  stat(key: string, options?: { modified?: boolean }): Promise<ObjectInfo | null> {
    return this.retrier.run(`stat ${key}`, () => this.inner.stat(key, options));
  }

  list(prefix: string): Promise<ObjectInfo[]> {
    return this.retrier.run(`list ${prefix}`, () => this.inner.list(prefix));
  }

  delete(keys: string[]): Promise<void> {
    return this.retrier.run(`delete ${keys.length} objects`, () => this.inner.delete(keys));
  }

  deletePrefix(prefix: string): Promise<void> {
    return this.retrier.run(`delete ${prefix}*`, () => this.inner.deletePrefix(prefix));
  }

  copy(src: string, dst: string): Promise<void> {
    return this.retrier.run(`copy ${src} to ${dst}`, () => this.inner.copy(src, dst));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
