import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { readLineChunks, splitReadRange, type LineChunk } from '../../src/data/line-chunks.js';
import { chunkedStream, collect } from './helpers.js';

/** Reads split [start, end) of `file` the way a map task does. */
async function readSplit(file: Buffer, start: number, end: number, chunkBytes?: number, piece = 1 << 16): Promise<LineChunk[]> {
  const range = splitReadRange(start, end, file.length);
  const stream = chunkedStream(file.subarray(range.start, range.end), piece);
  return collect(readLineChunks(stream, { start, end, ...(chunkBytes ? { chunkBytes } : {}) }));
}

const text = (chunks: LineChunk[]): string => chunks.map((c) => c.text).join('');

test('splitReadRange starts one byte early except at 0, and reads to the end', () => {
  assert.deepEqual(splitReadRange(0, 10, 100), { start: 0, end: 100 });
  assert.deepEqual(splitReadRange(10, 20, 100), { start: 9, end: 100 });
  assert.deepEqual(splitReadRange(0, 0, 0), { start: 0, end: 0 });
});

test('a line belongs to the split holding its first byte', async () => {
  const file = Buffer.from('aaa\nbbb\nccc\n');
  // [0,4) owns "aaa\n"; [4,8) owns "bbb\n" (byte 3 is '\n'); [8,12) owns "ccc\n".
  assert.equal(text(await readSplit(file, 0, 4)), 'aaa\n');
  assert.equal(text(await readSplit(file, 4, 8)), 'bbb\n');
  assert.equal(text(await readSplit(file, 8, 12)), 'ccc\n');
  // A split starting mid-line skips to the next line; one ending mid-line reads past its end.
  assert.equal(text(await readSplit(file, 0, 1)), 'aaa\n');
  assert.equal(text(await readSplit(file, 1, 5)), 'bbb\n');
  assert.equal(text(await readSplit(file, 5, 6)), '');
  assert.equal(text(await readSplit(file, 3, 4)), ''); // no line starts in [3, 4): 4 belongs to [4, ...)
  assert.equal(text(await readSplit(file, 3, 5)), 'bbb\n');
});

test('offsets, byte counts and the last line without a newline', async () => {
  const file = Buffer.from('héllo\nwörld\nno newline');
  const chunks = await readSplit(file, 0, file.length, 8);
  assert.deepEqual(
    chunks.map((c) => [c.text, c.offset, c.bytes]),
    [
      ['héllo\n', 0, 7],
      ['wörld\n', 7, 7],
      ['no newline', 14, 10],
    ],
  );
  const tail = await readSplit(file, 3, file.length);
  assert.equal(text(tail), 'wörld\nno newline');
  assert.equal(tail[0]!.offset, 7);
  assert.ok(tail.at(-1)!.bytesRead >= file.length - 2);
});

test('an empty input owns nothing and reads nothing', async () => {
  let pulled = false;
  const stream = Readable.from(
    (function* () {
      pulled = true;
      yield Buffer.alloc(0);
    })(),
  );
  assert.deepEqual(await collect(readLineChunks(stream, { start: 0, end: 0 })), []);
  assert.equal(pulled, false);
  assert.deepEqual(await readSplit(Buffer.alloc(0), 0, 0), []);
});

test('chunks are cut at line ends near chunkBytes; a long line is its own chunk', async () => {
  const lines = ['a\n', 'bb\n', 'x'.repeat(50) + '\n', 'c\n', 'dd\n', 'eee\n', 'y'.repeat(30)];
  const file = Buffer.from(lines.join(''));
  for (const piece of [1, 3, 7, 1000]) {
    const chunks = await readSplit(file, 0, file.length, 10, piece);
    assert.equal(text(chunks), file.toString());
    assert.deepEqual(
      chunks.map((c) => c.text),
      ['a\nbb\n', 'x'.repeat(50) + '\n', 'c\ndd\neee\n', 'y'.repeat(30)],
      `piece ${piece}`,
    );
  }
});

test('a 10 MB line works and is one chunk', async () => {
  const long = 'z'.repeat(10 * 1024 * 1024);
  const file = Buffer.from(`first\n${long}\nlast\n`);
  const chunks = await readSplit(file, 0, file.length, undefined, 64 * 1024);
  assert.deepEqual(chunks.map((c) => c.bytes), [6, long.length + 1, 5]);
  // A split starting inside the long line owns only "last".
  assert.equal(text(await readSplit(file, 1000, file.length)), 'last\n');
  // A split ending inside the long line reads all of it.
  assert.equal(text(await readSplit(file, 3, 1000)), `${long}\n`);
});

test('the reader stops reading once its last line is complete', async () => {
  let produced = 0;
  const stream = Readable.from(
    (function* () {
      for (let i = 0; i < 1000; i++) {
        produced++;
        yield Buffer.from('line\n'.repeat(100));
      }
    })(),
  );
  const chunks = await collect(readLineChunks(stream, { start: 0, end: 1000 }));
  assert.equal(text(chunks), 'line\n'.repeat(200));
  assert.ok(produced < 10, `produced ${produced} buffers`);
  assert.ok(stream.destroyed);
});

test('multi-byte characters split across stream buffers stay whole', async () => {
  const file = Buffer.from('日本語のテキスト\n😀😀😀\nend');
  for (let piece = 1; piece <= 5; piece++) {
    for (let chunkBytes = 1; chunkBytes <= 40; chunkBytes += 7) {
      const chunks = await readSplit(file, 0, file.length, chunkBytes, piece);
      assert.equal(text(chunks), file.toString());
      for (const c of chunks) assert.ok(!c.text.includes('\ufffd'));
    }
  }
});
