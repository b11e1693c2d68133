/**
 * Streams an object to S3 with bounded memory: small objects are one PUT, larger ones a
 * multipart upload of `partSize` parts. Either way S3 makes the object visible only when the
 * PUT or CompleteMultipartUpload succeeds, which is what makes the write atomic.
 *
 * Why not `client.putObject(bucket, key, stream)`: for a stream of unknown size minio v8 picks
 * ~550 MiB parts (buffered in memory), first looks for an unfinished upload of the key to resume
 * (ListMultipartUploads, which s3rver answers NotImplemented, so every streamed put fails
 * there), and does not listen for the stream's errors (destroying it with an error is an
 * uncaught exception), so abort() could not be built on it.
 *
 * Each request is retried on its own when it fails transiently: the writer still holds the
 * bytes of the part (or of the whole small object) it is sending, so a retry sends them again
 * and the caller's stream never notices.
 */
import type * as Minio from 'minio';
import { isNoSuchUpload } from './s3-errors.js';
import { StagedObjectWriter } from './staged-object-writer.js';

/** Runs one request, retrying it as the store's policy says (or just once). */
export type RetryRequest = <T>(operation: string, request: () => Promise<T>) => Promise<T>;

export class S3ObjectWriter extends StagedObjectWriter {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private uploadId: string | undefined;
  private readonly parts: { part: number; etag: string }[] = [];
  private uploadedBytes = 0;

  constructor(
    private readonly client: Minio.Client,
    private readonly bucket: string,
    key: string,
    private readonly partSize: number,
    /** Maps minio errors to typed ones. */
    private readonly mapError: (error: unknown) => unknown,
    private readonly retry: RetryRequest = (_operation, request) => request(),
    /** Told when an upload could not be aborted (its parts stay until deletePrefix sweeps them). */
    private readonly onAbortFailed: (error: unknown) => void = () => {},
  ) {
    super(key);
  }

  protected override async stage(chunk: Buffer): Promise<void> {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    if (this.bufferedBytes >= this.partSize) await this.uploadBufferedPart();
  }

  protected override async publish(): Promise<void> {
    await this.finish();
  }

  protected override async discard(): Promise<void> {
    this.buffered = [];
    this.bufferedBytes = 0;
    const uploadId = this.uploadId;
    this.uploadId = undefined;
    if (uploadId === undefined) return;
    // One try, not retried: abort() should not hang on a server that is down (the likely reason
    // the write failed). What is left is invisible, and the job's deletePrefix aborts it later.
    try {
      await this.client.abortMultipartUpload(this.bucket, this.key, uploadId);
    } catch (error) {
      // NoSuchUpload: already gone. Anything else (s3rver answers MethodNotAllowed) is reported.
      if (!isNoSuchUpload(error)) this.onAbortFailed(error);
    }
  }

  private async finish(): Promise<void> {
    if (this.uploadId === undefined) {
      const data = this.takeBuffered();
      await this.request(`put ${this.key}`, () => this.client.putObject(this.bucket, this.key, data));
      return;
    }
    if (this.bufferedBytes > 0) await this.uploadBufferedPart();
    const uploadId = this.uploadId;
    let sent = false;
    await this.request(`complete upload of ${this.key}`, async () => {
      try {
        await this.client.completeMultipartUpload(this.bucket, this.key, uploadId, this.parts);
      } catch (error) {
        // A retry after a lost answer finds the upload already completed: then the object is there.
        if (sent && isNoSuchUpload(error) && (await this.completedEarlier())) return;
        sent = true;
        throw error;
      }
    });
  }

  private async uploadBufferedPart(): Promise<void> {
    this.uploadId ??= await this.request(`start upload of ${this.key}`, () =>
      this.client.initiateNewMultipartUpload(this.bucket, this.key, {}),
    );
    const uploadID = this.uploadId;
    const part = this.parts.length + 1;
    const data = this.takeBuffered();
    const { etag } = await this.request(`upload part ${part} of ${this.key}`, () =>
      this.client.uploadPart({ bucketName: this.bucket, objectName: this.key, uploadID, partNumber: part, headers: {} }, data),
    );
    this.parts.push({ part, etag });
    this.uploadedBytes += data.length;
  }

  private async completedEarlier(): Promise<boolean> {
    const info = await this.client.statObject(this.bucket, this.key).catch(() => null);
    return info?.size === this.uploadedBytes;
  }

  private takeBuffered(): Buffer {
    const data = Buffer.concat(this.buffered, this.bufferedBytes);
    this.buffered = [];
    this.bufferedBytes = 0;
    return data;
  }

  /** One request: its error mapped to a typed one (which says whether to retry), then retried. */
  private request<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return this.retry(operation, async () => {
      try {
        return await call();
      } catch (error) {
        throw this.mapError(error);
      }
    });
  }
}
