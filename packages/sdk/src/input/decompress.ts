import * as zlib from 'node:zlib';
import { pipeline } from 'node:stream';
import { Readable, type Transform } from 'node:stream';
import { compressionProblem, type Compression } from '@gomr/storage';

/** A compressed input that does not decompress: corrupt, truncated, or followed by other bytes. */
export class CorruptInputError extends Error {
  constructor(
    readonly input: string,
    /** First compressed byte of the piece being decompressed when the error came. */
    readonly offset: number,
    /** One past its last byte. */
    readonly end: number,
    readonly reason: string,
  ) {
    super(
      reason === 'unexpected end of file'
        ? `input ${input} is truncated: its compressed data ends early, at byte ${offset}`
        : `input ${input} is corrupt: ${reason} in compressed bytes ${offset}-${Math.max(offset, end - 1)}`,
    );
    this.name = 'CorruptInputError';
  }
}

type ZlibWithZstd = typeof zlib & { createZstdDecompress?: () => Transform };

function decompressor(compression: Compression, name: string): Transform {
  switch (compression) {
    case 'gzip':
      // Reads every member of a multi-member file (`cat a.gz b.gz`), and fails on trailing bytes.
      return zlib.createGunzip();
    case 'brotli':
      return zlib.createBrotliDecompress();
    case 'zstd': {
      const problem = compressionProblem(name);
      if (problem) throw new Error(problem);
      return (zlib as ZlibWithZstd).createZstdDecompress!();
    }
  }
}

/**
 * The decompressed bytes of `source`, the whole of a compressed input. An error of the
 * decompressor becomes a CorruptInputError naming the input and where in it the bad piece is.
 * An empty file (0 bytes) is an empty input, whatever its suffix.
 */
export async function* decompress(
  source: AsyncIterable<Buffer>,
  compression: Compression,
  name: string,
  /** The compressed size (the file's): bytes the decompressor stops short of are an error. */
  size?: number,
): AsyncGenerator<Buffer, void, undefined> {
  const z = decompressor(compression, name);
  /** Start offsets of the pieces fed so far, to say which one failed. */
  const starts: number[] = [];
  let fed = 0;
  /** An error of the source itself (storage), passed on as it is. */
  let sourceError: unknown;
  const counted = Readable.from(
    (async function* () {
      try {
        for await (const piece of source) {
          starts.push(fed);
          fed += piece.length;
          yield piece;
        }
      } catch (err) {
        sourceError = err;
        throw err;
      }
    })(),
  );
  pipeline(counted, z, () => {});
  try {
    for await (const out of z as AsyncIterable<Buffer>) yield out;
    // gunzip goes on to the next member (and fails on other bytes), but brotli and zstd stop at
    // the end of their first stream or frame and drop what follows without a word.
    const consumed = (z as Transform & { bytesWritten: number }).bytesWritten;
    const total = size ?? fed;
    if (consumed < total) {
      const why = compression === 'zstd' ? 'data after the first zstd frame (files of several frames are not read)' : `bytes after the end of the ${compression} stream`;
      throw new CorruptInputError(name, consumed, total, why);
    }
  } catch (err) {
    if (err instanceof CorruptInputError) throw err;
    if (sourceError !== undefined) throw sourceError;
    if (fed === 0) return; // a 0-byte file: nothing to decompress
    const at = Math.min((z as Transform & { bytesWritten: number }).bytesWritten, fed);
    const next = starts.find((s) => s > at) ?? fed;
    throw new CorruptInputError(name, at, next, (err as Error).message);
  } finally {
    counted.destroy();
    z.destroy();
  }
}
