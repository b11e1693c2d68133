import { Readable, Writable } from 'node:stream';

/** Everything an async (or sync) iterable yields. */
export async function collect<T>(source: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of source) out.push(x);
  return out;
}

/** A Readable that yields `buf` in pieces of `size` bytes (the last one shorter). */
export function chunkedStream(buf: Buffer, size: number): Readable {
  const pieces: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) pieces.push(buf.subarray(i, i + size));
  return Readable.from(pieces, { objectMode: false });
}

/** A Writable that keeps what it is given; `slow` makes it signal backpressure often. */
export class CollectingWritable extends Writable {
  readonly chunks: Buffer[] = [];

  constructor(slow = false) {
    super({ highWaterMark: slow ? 16 : 16 * 1024 });
    this.slow = slow;
  }

  private readonly slow: boolean;

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.chunks.push(Buffer.from(chunk));
    if (this.slow) setImmediate(cb);
    else cb();
  }

  get data(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Buffer.compare order of two strings' UTF-8 bytes. */
export function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
