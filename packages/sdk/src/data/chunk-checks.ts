import { InputChangedError } from '../runtime/input-unchanged.js';

/** What a split's chunks held that the mapper cannot see for itself; summed per task. */
export interface ChunkStats {
  /** Byte sequences that are not UTF-8, each given to the mapper as one U+FFFD. */
  invalidUtf8: number;
  /** Lines ending in "\r\n" (text mode hands the '\r' to the mapper). */
  crlfLines: number;
}

const CRLF = Buffer.from('\r\n');
const REPLACEMENT = Buffer.from('\uFFFD');

/**
 * A NUL byte past the part of the file the CLI sniffed before the job (its first 8 KiB): the
 * input is binary after all, refused as a changed input is (the job fails, exit 3), naming the
 * file and the byte, rather than handing the mapper binary data as text.
 */
export class BinaryInputError extends InputChangedError {
  constructor(input: string, offset: number) {
    super(input, `input ${input} looks binary (NUL byte at offset ${offset}); gomr reads text, one record per line`);
    this.name = 'BinaryInputError';
  }
}

/**
 * Checks one chunk: its raw bytes `buf`, decoded as `text`, starting at input byte `offset`.
 * Each check is one memchr-like scan of the chunk; the U+FFFD count only runs on a chunk that
 * decoded to one.
 */
export function checkChunk(buf: Buffer, text: string, offset: number, input: string, stats: ChunkStats | undefined): void {
  const nul = buf.indexOf(0);
  if (nul >= 0) throw new BinaryInputError(input, offset + nul);
  if (!stats) return;
  for (let i = buf.indexOf(CRLF); i >= 0; i = buf.indexOf(CRLF, i + 2)) stats.crlfLines++;
  if (text.includes('\uFFFD')) {
    let decoded = 0;
    for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) decoded++;
    // A U+FFFD that was in the input as its own 3 bytes is not a replacement.
    let genuine = 0;
    for (let i = buf.indexOf(REPLACEMENT); i >= 0; i = buf.indexOf(REPLACEMENT, i + 3)) genuine++;
    stats.invalidUtf8 += decoded - genuine;
  }
}
