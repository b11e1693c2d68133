/**
 * The write-then-publish lifecycle shared by both backends' ObjectWriters: bytes go to a staging
 * area (a temp file, a multipart upload) and are published under the key only in `_final`, so
 * 'finish' means "visible". Subclasses supply the three staging steps.
 */
import { Writable } from 'node:stream';
import type { ObjectWriter } from './storage.js';

export abstract class StagedObjectWriter extends Writable implements ObjectWriter {
  /** Settles when the current stage/publish step does; destroy waits for it before discarding. */
  private inFlight: Promise<unknown> = Promise.resolve();
  private published = false;
  private readonly settled: Promise<void>;

  constructor(readonly key: string) {
    super();
    this.settled = new Promise<void>((resolve, reject) => {
      this.once('finish', resolve);
      this.once('error', reject);
      // 'close' without 'finish': aborted, unless abort() came while publishing and lost the race.
      this.once('close', () => {
        if (this.published) resolve();
        else reject(new Error(`write of ${key} was aborted before it completed`));
      });
    });
    // Failures are reported through done(). Without this, an 'error' with no listener (e.g. a
    // full disk while the caller only awaits done()) would crash the process.
    this.settled.catch(() => {});
    this.on('error', () => {});
  }

  /** Adds bytes to the staging area. */
  protected abstract stage(chunk: Buffer): Promise<void>;
  /** Makes the staged bytes visible under the key, atomically. */
  protected abstract publish(): Promise<void>;
  /** Throws the staged bytes away; must tolerate being called at any point, even twice. */
  protected abstract discard(): Promise<void>;

  done(): Promise<void> {
    return this.settled;
  }

  /**
   * Discards everything written; an earlier object under the key stays as it was. A no-op once
   * the write has completed; after end(), the commit may already be under way and then wins.
   */
  async abort(): Promise<void> {
    if (this.published || this.closed) return;
    await new Promise<void>((resolve) => {
      this.once('close', () => resolve());
      if (!this.destroyed) this.destroy();
    });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.track(this.stage(chunk)).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.track(this.publish()).then(() => {
      this.published = true;
      callback();
    }, callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Wait for a stage step that may still be creating staged data, so nothing is left behind.
    this.inFlight
      .catch(() => {})
      .then(() => (this.published ? undefined : this.discard()))
      .then(
        () => callback(error),
        (discardError: unknown) => callback(error ?? (discardError as Error)),
      );
  }

  private track<T>(step: Promise<T>): Promise<T> {
    this.inFlight = step;
    return step;
  }
}
