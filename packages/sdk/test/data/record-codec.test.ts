import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import type { JsonValue } from '../../src/data/json-value.js';
import type { Rec } from '../../src/data/rec.js';
import { compareUtf8 } from '../../src/data/utf8-compare.js';
import {
  RUN_MAGIC,
  RunEncoder,
  RunFormatError,
  compareRawKeys,
  readRawRunBatches,
  readRun,
  readRunBatches,
  writeRun,
  type RawRec,
} from '../../src/data/record-codec.js';
import { chunkedStream, collect, CollectingWritable } from './helpers.js';

/** Scalars that must come back exactly (Object.is), NaN and -0 included. */
const scalar = fc.oneof(
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.double(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, 1e300),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'binary', minLength: 30, maxLength: 120 }),
  fc.boolean(),
  fc.constant(null),
);
/** Arrays and objects: they travel as JSON, so nested numbers are finite. */
const nested = fc.jsonValue({ maxDepth: 4 }).filter((v) => typeof v === 'object' && v !== null);
const value: fc.Arbitrary<JsonValue> = fc.oneof(scalar, nested as fc.Arbitrary<JsonValue>);
const key = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ minLength: 40, maxLength: 200 }),
  fc.string({ unit: 'binary', minLength: 30, maxLength: 120 }),
);
const records = fc.array(fc.record({ key, value }), { maxLength: 60 });

function encode(recs: Rec[], chunkBytes?: number): Buffer {
  const enc = new RunEncoder(chunkBytes);
  const chunks: Buffer[] = [];
  for (const r of recs) {
    enc.add(r.key, r.value);
    for (let c = enc.takeChunk(); c; c = enc.takeChunk()) chunks.push(c);
  }
  chunks.push(enc.finish());
  const buf = Buffer.concat(chunks);
  assert.equal(buf.length, enc.bytes);
  assert.equal(enc.records, recs.length);
  return buf;
}

function assertSameRecords(actual: Rec[], expected: Rec[]): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.equal(actual[i]!.key, expected[i]!.key);
    const e = expected[i]!.value;
    if (typeof e === 'number') assert.ok(Object.is(actual[i]!.value, e), `${String(actual[i]!.value)} vs ${e}`);
    else if (typeof e === 'object' && e !== null) assert.deepEqual(actual[i]!.value, JSON.parse(JSON.stringify(e)));
    else assert.equal(actual[i]!.value, e);
  }
}

test('runs round-trip keys and values with their exact type', async () => {
  await fc.assert(
    fc.asyncProperty(records, fc.integer({ min: 1, max: 64 }), fc.integer({ min: 16, max: 4096 }), async (recs, piece, chunkBytes) => {
      const buf = encode(recs, chunkBytes);
      assert.ok(buf.subarray(0, 4).equals(RUN_MAGIC));
      assertSameRecords(await collect(readRun(chunkedStream(buf, piece))), recs);
    }),
    { numRuns: 300 },
  );
});

test('decoding works with 1-byte chunks', async () => {
  const recs: Rec[] = [
    { key: 'a', value: 1 },
    { key: 'ключ', value: -0 },
    { key: '\u{1f600}', value: 'é\u{10ffff}' },
    { key: 'k'.repeat(300), value: { nested: [1, 'two', null, true] } },
    { key: '', value: NaN },
    { key: 'x', value: -(2 ** 31) },
    { key: 'y', value: 2 ** 31 - 1 },
    { key: 'z', value: 3.25 },
  ];
  const buf = encode(recs);
  assertSameRecords(await collect(readRun(chunkedStream(buf, 1))), recs);
});

test('a record larger than the chunk size round-trips (10 MB value)', async () => {
  const big = 'x'.repeat(10 * 1024 * 1024);
  const recs: Rec[] = [
    { key: 'before', value: 1 },
    { key: 'big', value: big },
    { key: 'obj', value: { s: big.slice(0, 1_000_000) } },
    { key: 'ü😀'.repeat(10_000), value: 'é'.repeat(20_000) },
    { key: 'after', value: 2 },
  ];
  const buf = encode(recs, 1024);
  const got = await collect(readRun(chunkedStream(buf, 64 * 1024)));
  assert.equal(got.length, 5);
  assert.equal(got[1]!.value, big);
  assert.deepEqual(got[2]!.value, { s: big.slice(0, 1_000_000) });
  assert.equal(got[3]!.key, 'ü😀'.repeat(10_000));
  assert.equal(got[3]!.value, 'é'.repeat(20_000));
  assert.equal(got[4]!.value, 2);
});

test('a truncated run is an error, wherever it is cut', async () => {
  const buf = encode([
    { key: 'alpha', value: 12345 },
    { key: 'beta', value: 'some text' },
    { key: 'gamma', value: 1.5 },
    { key: 'delta', value: [1, 2] },
  ]);
  const boundaries = new Set<number>();
  // Positions where a record ends: cutting there is a valid (shorter) run.
  for (const n of [0, 1, 2, 3, 4]) boundaries.add(encode([
    { key: 'alpha', value: 12345 },
    { key: 'beta', value: 'some text' },
    { key: 'gamma', value: 1.5 },
    { key: 'delta', value: [1, 2] },
  ].slice(0, n)).length);
  for (let cut = 0; cut < buf.length; cut++) {
    const run = collect(readRun(chunkedStream(buf.subarray(0, cut), 3), { name: 'runs/x.run' }));
    if (boundaries.has(cut)) {
      await run;
      continue;
    }
    await assert.rejects(run, (err: unknown) => {
      assert.ok(err instanceof RunFormatError);
      assert.match(err.message, /^runs\/x\.run: truncated run/);
      return true;
    });
  }
});

test('an empty stream and a wrong file are errors that say so', async () => {
  await assert.rejects(collect(readRun(Readable.from([]))), /truncated run: 0 bytes.*empty/);
  await assert.rejects(collect(readRun(Readable.from([Buffer.from('hello world\n')]))), /not a gomr run \(it should begin with "GMR1", found "hell"\)/);
  await assert.rejects(collect(readRun(chunkedStream(Buffer.from('GMX1'), 1))), /not a gomr run/);
  const bad = Buffer.concat([RUN_MAGIC, Buffer.from([1, 0x61, 99])]);
  await assert.rejects(collect(readRun(Readable.from([bad]))), /unknown value tag 99 in the record at byte 4/);
});

test('writeRun honours backpressure and returns counts; does not end the stream', async () => {
  const recs: Rec[] = [];
  for (let i = 0; i < 20000; i++) recs.push({ key: `key${i}`, value: i % 3 ? i : `v${i}` });
  const out = new CollectingWritable(true);
  async function* source(): AsyncIterable<Rec> {
    yield* recs;
  }
  const stats = await writeRun(source(), out, { chunkBytes: 1024 });
  assert.equal(out.writableEnded, false);
  out.end();
  assert.equal(stats.records, recs.length);
  assert.equal(stats.bytes, out.data.length);
  assertSameRecords(await collect(readRun(chunkedStream(out.data, 777))), recs);
  // An empty run is just the header.
  const empty = new CollectingWritable();
  assert.deepEqual(await writeRun([], empty), { records: 0, bytes: 4 });
  assert.deepEqual(await collect(readRun(Readable.from([empty.data]))), []);
});

test('writeRun reports a stream error', async () => {
  const { Writable } = await import('node:stream');
  const out = new Writable({
    highWaterMark: 1,
    write(_c, _e, cb) {
      setImmediate(() => cb(new Error('disk full')));
    },
  });
  const recs = Array.from({ length: 50000 }, (_, i) => ({ key: `k${i}`, value: i }));
  await assert.rejects(writeRun(recs, out, { chunkBytes: 256 }), /disk full/);
});

test('values that are not JSON are refused by the encoder', () => {
  const enc = new RunEncoder();
  assert.throws(() => enc.add('k', undefined as unknown as JsonValue), /undefined/);
  assert.throws(() => enc.add('k', (() => 1) as unknown as JsonValue), /function/);
});

test('strings round-trip at every length around the prefix sizes, ASCII or not', async () => {
  const values: string[] = [];
  for (let n = 40; n <= 130; n++) {
    values.push('v'.repeat(n), `${'a'.repeat(n - 1)}é`, `${'b'.repeat(n - 2)}\u{1f600}`, `é${'c'.repeat(n - 1)}`);
  }
  // Around the 2- and 3-byte length prefixes (16384 bytes), and the measured strings (over 16384 units).
  for (const n of [5460, 5461, 5462, 5463, 16383, 16384, 16385]) values.push('w'.repeat(n), '€'.repeat(n), `${'x'.repeat(n - 1)}€`);
  const recs: Rec[] = values.map((value, i) => ({ key: `k${String(i).padStart(4, '0')}`, value }));
  // The same strings as keys.
  for (const v of values) recs.push({ key: v, value: 1 });
  const out = new CollectingWritable();
  await writeRun(recs, out);
  // An ASCII value of 88 units: key length, key, tag, 1-byte length, the bytes.
  const ascii88 = recs.find((r) => r.value === 'v'.repeat(88))!;
  const at = out.data.indexOf(Buffer.from(ascii88.key));
  assert.deepEqual([...out.data.subarray(at + 5, at + 7)], [3, 88]);
  assert.deepEqual(await collect(readRun(chunkedStream(out.data, 1000))), recs);
});

test('encoded records: compareRawKeys orders as compareUtf8 of their keys; their bytes make the same run again', async () => {
  // Keys as emit allows them: well-formed text (a lone surrogate has no UTF-8 form).
  const wellFormed = fc.string({ unit: 'binary', maxLength: 12 }).filter((k) => Buffer.from(k).toString() === k);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.oneof(wellFormed, fc.constantFrom('', 'a', 'ab', '\uffff', '\u{10000}')), value), { minLength: 1, maxLength: 60 }), async (recs) => {
      const enc = new RunEncoder();
      for (const [k, v] of recs) enc.add(k, v);
      const run = enc.finish();
      const raw: RawRec[] = [];
      for await (const batch of readRawRunBatches(chunkedStream(run, 7))) raw.push(...batch);
      const decoded: Rec[] = [];
      for await (const batch of readRunBatches(chunkedStream(run, 7))) decoded.push(...batch);
      assert.equal(raw.length, recs.length);
      for (let i = 0; i < raw.length; i++) {
        assert.equal(raw[i]!.buf.toString('utf8', raw[i]!.keyStart, raw[i]!.keyEnd), decoded[i]!.key);
        for (let j = 0; j < raw.length; j++) {
          assert.equal(Math.sign(compareRawKeys(raw[i]!, raw[j]!)), Math.sign(compareUtf8(decoded[i]!.key, decoded[j]!.key)));
        }
      }
      const again = new RunEncoder();
      for (const r of raw) again.addRawRange(r.buf, r.start, r.end, 1);
      assert.deepEqual(again.finish(), run);
    }),
    { numRuns: 200 },
  );
});
