/**
 * A Storage over one S3 bucket (MinIO, or any S3-protocol server), through the minio client.
 * Keys are object names unchanged. The bucket is created on first use if it is missing.
 *
 * Every request has an idle timeout (`requestTimeoutMs`), so a stalled server is a retryable
 * failure instead of a hang. Whole operations are not retried here (RetryingStorage does that,
 * and openStorage applies it), but the parts of a stream are, when `streamRetry` is given: a read
 * that breaks off resumes with a ranged GET from the next byte (s3-read-stream.ts), and a
 * writer retries each part or its single PUT (s3-object-writer.ts). minio's own retry of 5xx
 * answers (once, with a console warning) is turned off: one policy decides.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import * as Minio from 'minio';
import { isRetryable, Retrier, type RetrySettings } from './retrier.js';
import { clampRange, emptyReadable } from './byte-range.js';
import { BucketNotFoundError, InvalidKeyError, NotFoundError } from './errors.js';
import { compareKeys, validateKey, validatePrefix } from './keys.js';
import { parseS3Endpoint } from './s3-endpoint.js';
import { codeOf, isS3NotFound, mapS3Error } from './s3-errors.js';
import { abortIncompleteUploads } from './s3-incomplete-uploads.js';
import { S3ObjectWriter, type RetryRequest } from './s3-object-writer.js';
import { S3ReadStream } from './s3-read-stream.js';
import { timedTransport } from './s3-transport.js';
import type { S3StorageConfig } from './storage-config.js';
import type { ByteRange, ObjectInfo, ObjectWriter, Storage } from './storage.js';

import { DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_S3_REGION } from './s3-defaults.js';

export { DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_S3_REGION };

export interface S3StorageOptions {
  /**
   * Bytes per multipart part for createWriter, and the size up to which a streamed object is a
   * single PUT. Bounds a writer's memory. S3 requires at least 5 MiB. @default 8 MiB
   */
  partSize?: number;
  /**
   * A request that moves no byte for this long fails with a retryable StorageUnavailableError
   * (for a read stream: no byte while its consumer waits). 0 turns the timeout off.
   * @default 30000
   */
  requestTimeoutMs?: number;
  /**
   * Retries within streams: resuming a broken read, re-sending a writer's part. Without it a
   * stream fails on the first transient error. Whole operations are RetryingStorage's job.
   * @default undefined (no retries)
   */
  streamRetry?: RetrySettings;
  /**
   * Told, once per store and kind of failure, when incomplete multipart uploads could not be
   * aborted: the server does not implement it (s3rver), or refuses it. Their parts then stay
   * on the server (a bucket lifecycle rule AbortIncompleteMultipartUpload can remove them).
   * openStorage logs them on stderr. @default no-op
   */
  onWarning?: (message: string) => void;
  /**
   * Create the bucket when it is missing. false (a store of inputs, only read): a missing
   * bucket fails every operation with BucketNotFoundError. @default true
   */
  createBucket?: boolean;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;
/** S3's DeleteObjects takes at most 1000 keys per request. */
const DELETE_BATCH = 1000;

export class S3Storage implements Storage {
  readonly describe: string;
  readonly bucket: string;
  private readonly client: Minio.Client;
  /** Our own agent, so close() can drop its keep-alive sockets without touching other clients. */
  private readonly agent: HttpAgent;
  private readonly partSize: number;
  private readonly requestTimeoutMs: number;
  /** Retries within streams (see S3StorageOptions.streamRetry); undefined: none. */
  readonly retrier: Retrier | undefined;
  private bucketReady: Promise<void> | undefined;
  private readonly createBucket: boolean;
  private closed = false;
  private readonly onWarning: (message: string) => void;
  /** Warnings already given (one per kind, so a server without the call says so once). */
  private readonly warned = new Set<string>();

  constructor(config: S3StorageConfig, options: S3StorageOptions = {}) {
    const { host, port, useSSL } = parseS3Endpoint(config.endpoint);
    this.bucket = config.bucket;
    this.describe = `s3://${config.bucket} at ${config.endpoint}`;
    this.partSize = options.partSize ?? 8 * 1024 * 1024;
    if (this.partSize < MIN_PART_SIZE) throw new RangeError(`partSize must be at least ${MIN_PART_SIZE} bytes (an S3 rule)`);
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    if (!Number.isFinite(this.requestTimeoutMs) || this.requestTimeoutMs < 0) {
      throw new RangeError(`requestTimeoutMs must be a finite number >= 0, got ${this.requestTimeoutMs}`);
    }
    this.retrier = options.streamRetry ? new Retrier(this.describe, options.streamRetry) : undefined;
    this.onWarning = options.onWarning ?? (() => {});
    this.createBucket = options.createBucket ?? true;
    this.agent = useSSL ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.client = new Minio.Client({
      endPoint: host,
      port,
      useSSL,
      accessKey: config.accessKey,
      secretKey: config.secretKey,
      // Giving the region up front saves a GetBucketLocation round trip before each first call.
      region: config.region ?? DEFAULT_S3_REGION,
      pathStyle: true,
      transport: timedTransport(useSSL, this.requestTimeoutMs),
      transportAgent: this.agent,
      retryOptions: { disableRetry: true },
    });
  }

  /** Creates the bucket unless it exists. Called before every operation; runs once per store. */
  ensureBucket(): Promise<void> {
    this.bucketReady ??= this.createBucketIfMissing().catch((error: unknown) => {
      this.bucketReady = undefined; // let a later call try again (the server may come up)
      throw mapS3Error(error, this.describe);
    });
    return this.bucketReady;
  }

  async put(key: string, data: Buffer | string): Promise<void> {
    await this.ready(key);
    await this.call(key, () => this.client.putObject(this.bucket, key, typeof data === 'string' ? Buffer.from(data) : data));
  }

  async get(key: string): Promise<Buffer> {
    const stream = await this.getStream(key);
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    } catch (error) {
      throw mapS3Error(error, this.describe, key);
    }
  }

  async getStream(key: string, range?: ByteRange): Promise<Readable> {
    await this.ready(key);
    let start = 0;
    let end: number | undefined;
    if (range) {
      // Clamp against the real size first: servers disagree on out-of-range requests (S3
      // answers 416, s3rver sends a wrong Content-Length for an empty object), and minio reads
      // a length of 0 as "to the end".
      const info = await this.stat(key);
      if (!info) throw new NotFoundError(key);
      ({ start, end } = clampRange(range, info.size));
      if (start === end) return emptyReadable();
    }
    const open = (from: number, to: number | undefined): Promise<Readable> =>
      this.call(key, () =>
        from === 0 && to === undefined
          ? this.client.getObject(this.bucket, key)
          : this.client.getPartialObject(this.bucket, key, from, to === undefined ? 0 : to - from),
      );
    return new S3ReadStream({
      key,
      first: await open(start, end),
      start,
      open,
      stallTimeoutMs: this.requestTimeoutMs,
      mapError: (error) => mapS3Error(error, this.describe, key),
      retrier: this.retrier,
    });
  }

  async createWriter(key: string): Promise<ObjectWriter> {
    await this.ready(key);
    const retrier = this.retrier;
    const retry: RetryRequest = retrier ? (operation, request) => retrier.run(operation, request) : (_operation, request) => request();
    const onAbortFailed = (error: unknown): void =>
      this.warnOnce(`abort:${errorCode(error)}`, `could not abort the multipart upload of ${key} (${describeError(error)}); the job's cleanup (deletePrefix) aborts it, where the server lists uploads`);
    return new S3ObjectWriter(this.client, this.bucket, key, this.partSize, (error) => mapS3Error(error, this.describe, key), retry, onAbortFailed);
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    await this.ready(key);
    try {
      const info = await this.client.statObject(this.bucket, key);
      return { key, size: info.size };
    } catch (error) {
      if (isS3NotFound(error)) return null;
      throw mapS3Error(error, this.describe);
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    this.assertOpen();
    validatePrefix(prefix);
    await this.ensureBucket();
    const found: ObjectInfo[] = [];
    try {
      // ListObjects V1 (marker paging), not V2: s3rver builds V2 continuation tokens with DES,
      // which OpenSSL 3 (Node >= 17) refuses, so V2 fails past the first 1000 keys there.
      for await (const item of this.client.listObjects(this.bucket, prefix, true)) {
        // A recursive listing has no common prefixes, but the item type allows them.
        if (item.name !== undefined) found.push({ key: item.name, size: item.size });
      }
    } catch (error) {
      throw mapS3Error(error, this.describe);
    }
    return found.sort((a, b) => compareKeys(a.key, b.key));
  }

  async delete(keys: string[]): Promise<void> {
    this.assertOpen();
    keys.forEach(validateKey);
    if (keys.length === 0) return;
    await this.ensureBucket();
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const results = await this.call(undefined, () => this.client.removeObjects(this.bucket, batch));
      // DeleteObjects reports per-key failures inside a 200 response; minio returns just those
      // <Error> entries ({Code, Message, Key}, despite its declared type).
      const failed = results.filter((r) => r != null);
      if (failed.length > 0) throw new Error(`${this.describe}: could not delete ${JSON.stringify(failed.slice(0, 3))}`);
    }
  }

  /**
   * Deletes every object under prefix, and aborts the incomplete multipart uploads under it
   * (writers killed mid-write leave them, invisible to list()). An empty prefix is refused, as
   * on LocalStorage.
   *
   * Uploads go first, so that a writer still running cannot complete one into an object after
   * the objects are gone. A transient failure of that sweep is thrown, but only after the
   * objects are deleted (a retry then finds little to do); any other failure of it (a server
   * without the calls) is a warning: the objects are what the caller asked to remove.
   */
  async deletePrefix(prefix: string): Promise<void> {
    if (prefix === '') throw new InvalidKeyError(prefix, 'deletePrefix needs a non-empty prefix');
    this.assertOpen();
    validatePrefix(prefix);
    await this.ensureBucket();
    const sweepFailure = await this.abortUploadsUnder(prefix).then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    const objects = await this.list(prefix);
    await this.delete(objects.map((o) => o.key));
    if (sweepFailure) throw sweepFailure.error;
  }

  async copy(src: string, dst: string): Promise<void> {
    validateKey(src);
    await this.ready(dst);
    await this.call(src, () =>
      this.client.copyObject(
        new Minio.CopySourceOptions({ Bucket: this.bucket, Object: src }),
        new Minio.CopyDestinationOptions({ Bucket: this.bucket, Object: dst }),
      ),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    this.agent.destroy();
  }

  /** Aborts the incomplete uploads under prefix; throws only a retryable failure (see deletePrefix). */
  private async abortUploadsUnder(prefix: string): Promise<void> {
    try {
      await abortIncompleteUploads(this.client, this.bucket, prefix);
    } catch (error) {
      const mapped = mapS3Error(error, this.describe);
      if (isRetryable(mapped)) throw mapped;
      this.warnOnce(
        `sweep:${errorCode(error)}`,
        `could not abort incomplete multipart uploads under ${prefix} (${describeError(error)}); their parts stay on the server`,
      );
    }
  }

  private warnOnce(kind: string, message: string): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.onWarning(`storage ${this.describe}: ${message}`);
  }

  /** Validates the key and the store's state, and makes sure the bucket exists. */
  private async ready(key: string): Promise<void> {
    this.assertOpen();
    validateKey(key);
    await this.ensureBucket();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`storage ${this.describe} is closed`);
  }

  /** Runs a client call, mapping its failure; `key` is the object a NoSuchKey refers to. */
  private async call<T>(key: string | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw mapS3Error(error, this.describe, key);
    }
  }

  private async createBucketIfMissing(): Promise<void> {
    if (await this.client.bucketExists(this.bucket)) return;
    if (!this.createBucket) throw new BucketNotFoundError(this.bucket, this.describe);
    try {
      await this.client.makeBucket(this.bucket, this.client.region ?? DEFAULT_S3_REGION);
    } catch (error) {
      // Another worker created it between our check and our create: that is fine.
      const code = (error as { code?: string }).code;
      if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
    }
  }
}

/** What a warning is counted under: the error's code, or 'error' when it has none. */
function errorCode(error: unknown): string {
  return codeOf(error) || 'error';
}

/** "NotImplemented: A parameter you provided ...", or the message alone when there is no code. */
function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = codeOf(error);
  return code && !message.startsWith(code) ? `${code}: ${message}` : message;
}
