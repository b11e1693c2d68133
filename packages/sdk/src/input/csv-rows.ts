/*
 * CSV input: one unit per row, an object keyed by the header (the file's first row, read once
 * per file, never given to the mapper). Parsed by csv-parse (RFC 4180: quoted fields may hold
 * the delimiter, doubled quotes and newlines; '\n' and '\r\n' both end a row; a BOM is dropped).
 *
 * A quoted field may hold newlines, so a row cannot be found from an arbitrary byte: CSV files
 * are not split. The task of a file's first split (the one starting at byte 0) reads the whole
 * file and the tasks of its other splits own no rows. (Give --mappers no more than the number of
 * CSV files, or their extra tasks finish at once with nothing.)
 */
import { compressionOf, type Split, type Storage } from '@gomr/storage';
import { parse, type Info } from 'csv-parse';
import { UserCodeError } from '../runtime/user-code-error.js';
import { decompress } from './decompress.js';
import type { InputOptions, InputUnit } from './input-format.js';

interface ParsedRow {
  record: string[];
  info: Info;
}

export async function* readCsvRows(storage: Storage, split: Split, options: InputOptions): AsyncGenerator<InputUnit> {
  if (split.start > 0 || split.end <= split.start) return;
  const compression = compressionOf(split.inputName);
  const stream = await storage.getStream(split.inputKey, { start: 0, end: split.fileSize });
  const bytes: AsyncIterable<Buffer> = compression ? decompress(stream as AsyncIterable<Buffer>, compression, split.inputName, split.fileSize) : stream;
  const dropping = (options.skipOffsets?.size ?? 0) > 0;
  /** End of the last row parsed (info.bytes counts input bytes). */
  let parsedEnd = 0;
  const parser = parse({
    // The header is keyed here rather than by csv-parse: its end is where the first row starts.
    columns: false,
    bom: true,
    info: true,
    record_delimiter: ['\r\n', '\n'],
    skip_empty_lines: true,
    // Only on an attempt after every earlier one failed on a row that does not parse.
    skip_records_with_error: dropping,
    // Called as each row is parsed, before any is read from the stream: where a bad row starts.
    on_record: (record, context) => {
      parsedEnd = context.bytes;
      return record;
    },
  });
  const dropped = options.onDroppedRow;
  if (dropping && dropped) parser.on('skip', (err: Error & { record?: unknown }) => dropped(err, parsedEnd));
  // Fed by hand rather than piped: an error of the source (storage, decompression) is thrown
  // as it is, and one of the parser names the row.
  let sourceError: unknown;
  const feeding = (async () => {
    try {
      for await (const piece of bytes) {
        if (parser.destroyed) return; // the reader stopped (a bad row, or the consumer)
        if (!parser.write(piece)) await new Promise((r) => (parser.once('drain', r), parser.once('close', r)));
      }
      if (!parser.destroyed) parser.end();
    } catch (err) {
      sourceError = err;
      parser.destroy(err as Error);
    }
  })();
  /** End of the last row read (info.bytes counts input bytes): where the next one, or a bad one, starts. */
  let end = 0;
  let header: string[] | undefined;
  try {
    for await (const row of parser as AsyncIterable<ParsedRow>) {
      const offset = end;
      end = row.info.bytes;
      if (!header) {
        header = row.record;
        continue;
      }
      const fields = row.record;
      const names = header;
      const value = () => {
        const o: Record<string, string> = {};
        for (let i = 0; i < names.length; i++) o[names[i]!] = fields[i]!;
        return o;
      };
      yield { value, offset, records: 1, bytes: end - offset };
    }
  } catch (err) {
    if (sourceError !== undefined) throw sourceError;
    const e = new Error(`row does not parse as CSV: ${(err as Error).message}`);
    throw new UserCodeError(e, split.inputName, parsedEnd, '');
  } finally {
    parser.destroy();
    await feeding;
  }
}
