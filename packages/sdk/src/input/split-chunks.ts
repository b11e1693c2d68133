import { compressionOf, type Split, type Storage } from '@gomr/storage';
import { readLineChunks, splitReadRange, type LineChunk } from '../data/line-chunks.js';
import type { ChunkStats } from '../data/chunk-checks.js';
import { decompress } from './decompress.js';

/**
 * A split's bytes as chunks of whole lines. A plain input is read as its byte range (see the
 * rule in line-chunks.ts); a compressed one (by its name's suffix) is read whole and
 * decompressed, and its chunks' offsets are offsets in the decompressed data. The master plans
 * a compressed input as the single split [0, size); a split that starts elsewhere owns nothing.
 */
export async function* readSplitChunks(storage: Storage, split: Split, stats?: ChunkStats): AsyncGenerator<LineChunk, void, undefined> {
  const compression = compressionOf(split.inputName);
  if (!compression) {
    const range = splitReadRange(split.start, split.end, split.fileSize);
    const stream = await storage.getStream(split.inputKey, range);
    yield* readLineChunks(stream, { start: split.start, end: split.end, input: split.inputName, ...(stats ? { stats } : {}) });
    return;
  }
  if (split.start > 0 || split.end <= split.start) return;
  const stream = await storage.getStream(split.inputKey, { start: 0, end: split.fileSize });
  yield* readLineChunks(decompress(stream as AsyncIterable<Buffer>, compression, split.inputName, split.fileSize), { start: 0, end: Number.POSITIVE_INFINITY, input: split.inputName, ...(stats ? { stats } : {}) });
}
