import type { Writable } from 'node:stream';

/**
 * Writes buffers to a Writable, waiting for 'drain' whenever it asks us to, so a slow
 * destination (an S3 upload) bounds how much we hold in memory.
 *
 * The trap also records an 'error' the stream emits between our writes: without a
 * listener such an error would crash the process, and with one it must not be lost.
 */
export class BackpressureWriter {
  private error: Error | null = null;
  private readonly onError = (err: Error): void => {
    this.error ??= err;
  };

  constructor(readonly out: Writable) {
    out.on('error', this.onError);
  }

  /** True when the stream asked us to wait before writing more. */
  get congested(): boolean {
    return this.out.writableNeedDrain;
  }

  /** Queues a buffer; the returned promise (only when congested) resolves on 'drain'. */
  write(chunk: Buffer): Promise<void> | undefined {
    this.check();
    if (this.out.write(chunk)) return undefined;
    return this.waitDrain();
  }

  /** Queues a buffer without waiting; call waitDrain() later when `congested`. */
  push(chunk: Buffer): void {
    this.check();
    this.out.write(chunk);
  }

  /** Resolves once the stream can take more (now, usually); rejects with its error. */
  waitDrain(): Promise<void> {
    this.check();
    const out = this.out;
    if (!out.writableNeedDrain) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = (err?: Error): void => {
        out.off('drain', onDrain);
        out.off('error', onErr);
        out.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = (): void => done();
      const onErr = (err: Error): void => done(err);
      const onClose = (): void => done(this.error ?? new Error('the output stream closed while we were writing to it'));
      out.on('drain', onDrain);
      out.on('error', onErr);
      out.on('close', onClose);
    });
  }

  /** Throws the error the stream reported, if any. */
  check(): void {
    if (this.error) throw this.error;
    if (this.out.destroyed) throw new Error('the output stream was destroyed while we were writing to it');
  }

  /** Stops trapping errors; the stream's owner handles them from here on. */
  release(): void {
    this.out.off('error', this.onError);
  }
}
