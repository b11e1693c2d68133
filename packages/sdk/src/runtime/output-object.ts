import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Storage } from '@gomr/storage';

export type OutputCompression = 'none' | 'gzip';

/** An output part being written: what the line writer writes to, and how it ends. */
export interface OutputObject {
  stream: Writable;
  /** Ends the stream and waits until the object is durable and visible. */
  close(): Promise<void>;
  /** Drops the object (an attempt that failed). */
  abort(): Promise<void>;
}

/**
 * Opens an output object, compressed as the job asks: with gzip, what is written goes
 * through a gzip stream (one member) into the object.
 */
export async function openOutputObject(storage: Storage, key: string, compression: OutputCompression = 'none'): Promise<OutputObject> {
  const writer = await storage.createWriter(key);
  if (compression !== 'gzip') {
    return {
      stream: writer,
      close: async () => {
        writer.end();
        await writer.done();
      },
      abort: () => writer.abort(),
    };
  }
  const gzip = createGzip();
  // The pipeline ends the object when the gzip stream ends; its error is seen by close().
  const piped = pipeline(gzip, writer);
  piped.catch(() => {});
  return {
    stream: gzip,
    close: async () => {
      gzip.end();
      await piped;
      await writer.done();
    },
    abort: async () => {
      gzip.destroy();
      await writer.abort();
    },
  };
}
