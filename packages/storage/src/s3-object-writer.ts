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
 */
import type * as Minio from 'minio';
import { StagedObjectWriter } from './staged-object-writer.js';

export class S3ObjectWriter extends StagedObjectWriter {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private uploadId: string | undefined;
  private readonly parts: { part: number; etag: string }[] = [];

  constructor(
    private readonly client: Minio.Client,
    private readonly bucket: string,
    key: string,
    private readonly partSize: number,
    /** Maps minio errors to typed ones. */
    private readonly mapError: (error: unknown) => unknown,
  ) {
    super(key);
  }

  protected override async stage(chunk: Buffer): Promise<void> {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    if (this.bufferedBytes >= this.partSize) await this.guard(this.uploadBufferedPart());
  }

  protected override async publish(): Promise<void> {
    await this.guard(this.finish());
  }

  protected override async discard(): Promise<void> {
    this.buffered = [];
    this.bufferedBytes = 0;
    const uploadId = this.uploadId;
    this.uploadId = undefined;
    // Best effort: the parts are invisible anyway, and s3rver does not implement this call.
    if (uploadId) await this.client.abortMultipartUpload(this.bucket, this.key, uploadId).catch(() => {});
  }

  private async finish(): Promise<void> {
    if (this.uploadId === undefined) {
      await this.client.putObject(this.bucket, this.key, this.takeBuffered());
      return;
    }
    if (this.bufferedBytes > 0) await this.uploadBufferedPart();
    await this.client.completeMultipartUpload(this.bucket, this.key, this.uploadId, this.parts);
  }

  private async uploadBufferedPart(): Promise<void> {
    this.uploadId ??= await this.client.initiateNewMultipartUpload(this.bucket, this.key, {});
    const part = this.parts.length + 1;
    const { etag } = await this.client.uploadPart(
      { bucketName: this.bucket, objectName: this.key, uploadID: this.uploadId, partNumber: part, headers: {} },
      this.takeBuffered(),
    );
    this.parts.push({ part, etag });
  }

  private takeBuffered(): Buffer {
    const data = Buffer.concat(this.buffered, this.bufferedBytes);
    this.buffered = [];
    this.bufferedBytes = 0;
    return data;
  }

  private async guard<T>(step: Promise<T>): Promise<T> {
    try {
      return await step;
    } catch (error) {
      throw this.mapError(error);
    }
  }
}
