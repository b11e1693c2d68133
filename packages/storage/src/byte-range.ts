/** Range checks shared by both backends so that they clamp identically. */
import { Readable } from 'node:stream';
import type { ByteRange } from './storage.js';

/**
 * Clamps `range` to an object of `size` bytes. The result may be empty (start === end), e.g. for
 * a range that starts at or past the end; callers then return an empty stream.
 * Throws RangeError for a range that is malformed rather than merely out of bounds.
 */
export function clampRange(range: ByteRange, size: number): ByteRange {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`invalid byte range [${start}, ${end}): need integers 0 <= start <= end`);
  }
  const clampedEnd = Math.min(end, size);
  return { start: Math.min(start, clampedEnd), end: clampedEnd };
}

/** The stream for an empty range: a byte stream (not object mode), like a real read's. */
export function emptyReadable(): Readable {
  return new Readable({
    read() {
      this.push(null);
    },
  });
}
