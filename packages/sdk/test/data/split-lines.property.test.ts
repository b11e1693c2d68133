import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { readLineChunks, splitReadRange, type LineChunk } from '../../src/data/line-chunks.js';
import { chunkedStream, collect } from './helpers.js';

/*
 * The split rule, end to end: cut a file into k byte ranges at ARBITRARY boundaries (any
 * byte, inside lines and inside multi-byte characters: a stronger test than the master's
 * near-equal cuts), read every range with the split reader, and check that the chunks of
 * all splits, in order, are the file exactly, and each line is read by exactly one split.
 */

const lineArb = fc.oneof(
  // Any character but a newline, and but NUL: a NUL in text input is refused (chunk-checks.ts).
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }).map((s) => s.replace(/[\n\0]/g, '')) },
  { weight: 2, arbitrary: fc.constantFrom('', '\r', 'é', '日本', '😀x', 'a\r') },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 3000 }).map((n) => 'L'.repeat(n)) },
);

const fileArb = fc
  .tuple(fc.array(lineArb, { maxLength: 40 }), fc.boolean())
  .map(([lines, trailingNewline]) => {
    let text = lines.join('\n');
    if (trailingNewline && lines.length) text += '\n';
    return Buffer.from(text);
  });

/** Sorted distinct cut points in (0, size) for k splits (fewer if the file is too small). */
const cutsArb = (size: number) =>
  fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, size - 1) }), { maxLength: 40 }).map((cuts) =>
    cuts.filter((c) => c > 0 && c < size).sort((a, b) => a - b),
  );

async function readAll(file: Buffer, bounds: number[], chunkBytes: number, piece: number): Promise<LineChunk[][]> {
  const out: LineChunk[][] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = bounds[i]!;
    const end = bounds[i + 1]!;
    const range = splitReadRange(start, end, file.length);
    const stream = chunkedStream(file.subarray(range.start, range.end), piece);
    out.push(await collect(readLineChunks(stream, { start, end, chunkBytes })));
  }
  return out;
}

/** Byte offsets where lines start. */
function lineStarts(file: Buffer): number[] {
  const starts = file.length ? [0] : [];
  for (let i = 0; i < file.length; i++) if (file[i] === 10 && i + 1 < file.length) starts.push(i + 1);
  return starts;
}

test('splits at arbitrary byte boundaries read every line exactly once, in order', async () => {
  await fc.assert(
    fc.asyncProperty(
      fileArb.chain((file) => fc.tuple(fc.constant(file), cutsArb(file.length), fc.integer({ min: 1, max: 200 }), fc.constantFrom(1, 2, 3, 7, 64, 4096))),
      async ([file, cuts, chunkBytes, piece]) => {
        const bounds = [0, ...cuts, file.length];
        const splits = await readAll(file, bounds, chunkBytes, piece);
        const all = splits.flat();
        // 1. Concatenating all chunks of all splits in order gives the file exactly.
        assert.ok(Buffer.concat(all.map((c) => Buffer.from(c.text))).equals(file));
        // 2. Offsets and byte counts are consistent and contiguous.
        let offset = 0;
        for (const c of all) {
          assert.equal(c.offset, offset);
          assert.equal(c.bytes, Buffer.byteLength(c.text));
          offset += c.bytes;
        }
        // 3. Chunks hold whole lines: each ends with '\n' unless it ends the file.
        for (const c of all) if (c.offset + c.bytes < file.length) assert.ok(c.text.endsWith('\n'));
        // 4. Each line is read by exactly one split: the one holding its first byte.
        const starts = lineStarts(file);
        for (let s = 0; s < splits.length; s++) {
          const own = starts.filter((p) => p >= bounds[s]! && p < bounds[s + 1]!);
          const read = splits[s]!.length ? splits[s]![0]!.offset : -1;
          if (own.length === 0) assert.equal(splits[s]!.length, 0);
          else assert.equal(read, own[0]);
        }
        // 5. Chunks respect chunkBytes unless a single line is longer.
        for (const c of all) {
          if (c.bytes > chunkBytes) {
            const firstNl = c.text.indexOf('\n');
            assert.ok(firstNl === -1 || firstNl === c.text.length - 1, 'an oversized chunk holds one line');
          }
        }
      },
    ),
    { numRuns: 400 },
  );
});

test('more splits than lines and than bytes', async () => {
  const file = Buffer.from('a\n\nb\r\nc😀\nlast');
  for (let k = 1; k <= file.length; k++) {
    // k near-equal ranges plus, for k = size, one range per byte.
    const bounds = Array.from({ length: k + 1 }, (_, i) => Math.floor((i * file.length) / k));
    for (const piece of [1, 4, 100]) {
      const all = (await readAll(file, bounds, 3, piece)).flat();
      assert.equal(all.map((c) => c.text).join(''), file.toString());
    }
  }
});
