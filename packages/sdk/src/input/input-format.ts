/*
 * The input format: how a map task's split becomes what the mapper is called with. One mode
 * per job, declared in run({ input }):
 *
 * - text (default): chunks of whole lines, each line with its '\n' (about 64 KiB a chunk);
 * - lines: each line without its line ending ('\n' or '\r\n');
 * - jsonl: each non-blank line parsed as JSON;
 * - csv: each row as an object keyed by the file's header row (RFC 4180, see csv-rows.ts).
 *
 * Under all of them the bytes come from readSplitChunks (plain byte ranges, or a compressed
 * input read whole). Each unit says where it starts, so a failure names the input and byte,
 * and --skip-bad-records can leave out exactly that unit on the next attempt.
 */
import type { Split, Storage } from '@gomr/storage';
import type { LineChunk } from '../data/line-chunks.js';
import type { InputMode } from '../user-api.js';
import { readCsvRows } from './csv-rows.js';
import { readSplitChunks } from './split-chunks.js';
import type { ChunkStats } from '../data/chunk-checks.js';

/** One call's worth of input. */
export interface InputUnit {
  /** What the mapper gets; may throw (a record that does not parse): the caller reports it. */
  value(): unknown;
  /** Byte offset of the unit's first byte in the input (decompressed, for a compressed one). */
  offset: number;
  /** Input records it holds (lines of a text chunk; 1 otherwise). */
  records: number;
  /** Input bytes it covers. */
  bytes: number;
  /** text only: its lines, each with its '\n', for running them one by one. */
  lines?: () => string[];
  /** lines and jsonl: the line as written (without its line ending), for the dead-letter file. */
  raw?: () => string;
}

export interface InputOptions {
  /** Offsets of units to leave out (--skip-bad-records); a csv reader then also drops rows that do not parse. */
  skipOffsets?: ReadonlySet<number>;
  /** Called with each csv row the parser drops under skipOffsets: why, and about where (the end of the row before). */
  onDroppedRow?: (err: Error & { record?: unknown }, offset: number) => void;
  /** Counts invalid UTF-8 and CRLF line ends (text, lines and jsonl; csv-parse reads its own bytes). */
  stats?: ChunkStats;
}

export function readInput(mode: InputMode, storage: Storage, split: Split, options: InputOptions = {}): AsyncIterable<InputUnit> {
  switch (mode) {
    case 'text':
      return textUnits(readSplitChunks(storage, split, options.stats));
    case 'lines':
      return lineUnits(readSplitChunks(storage, split, options.stats), (line) => line);
    case 'jsonl':
      return lineUnits(readSplitChunks(storage, split, options.stats), parseJsonLine, true);
    case 'csv':
      return readCsvRows(storage, split, options);
  }
}

async function* textUnits(chunks: AsyncIterable<LineChunk>): AsyncGenerator<InputUnit> {
  for await (const chunk of chunks) {
    yield {
      value: () => chunk.text,
      offset: chunk.offset,
      records: countLines(chunk.text),
      bytes: chunk.bytes,
      lines: () => chunk.text.split(/(?<=\n)/),
    };
  }
}

/** A chunk's lines as units, each without its '\n' or '\r\n', with its own byte offset. */
async function* lineUnits(chunks: AsyncIterable<LineChunk>, parse: (line: string) => unknown, skipBlank = false): AsyncGenerator<InputUnit> {
  for await (const chunk of chunks) {
    const text = chunk.text;
    // Bytes == characters when the chunk is ASCII: no per-line UTF-8 length to compute.
    const ascii = text.length === chunk.bytes;
    let offset = chunk.offset;
    let from = 0;
    while (from < text.length) {
      let nl = text.indexOf('\n', from);
      const next = nl < 0 ? text.length : nl + 1;
      if (nl < 0) nl = text.length;
      const end = nl > from && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const line = text.slice(from, end);
      const bytes = ascii ? next - from : Buffer.byteLength(text.slice(from, next));
      if (!(skipBlank && line.trim() === '')) {
        yield { value: () => parse(line), raw: () => line, offset, records: 1, bytes };
      }
      offset += bytes;
      from = next;
    }
  }
}

function parseJsonLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch (err) {
    const shown = line.length > 60 ? line.slice(0, 60) + '…' : line;
    throw new SyntaxError(`not a JSON value: ${(err as Error).message} in line ${JSON.stringify(shown)}`);
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  // A last line without a terminating newline is still a record.
  return text.length && text.charCodeAt(text.length - 1) !== 10 ? n + 1 : n;
}
