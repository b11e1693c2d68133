import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineWriter } from '../../src/data/line-writer.js';
import { escapeText, outputFormat, OUTPUT_FORMATS } from '../../src/data/output-format.js';
import { formatRecord } from '../support/format-record.js';
import { SortedLineWriter } from '../../src/data/sorted-output.js';
import type { JsonValue } from '../../src/data/json-value.js';

const tricky: [string, JsonValue][] = [
  ['a\tb', 'x\ny\\'],
  ['ü"q', 1.5],
  ['n', null],
  ['o', { a: [1, 'two'] }],
  ['inf', Number.POSITIVE_INFINITY],
];

test('tsv: escaped key, TAB, value as text; jsonl: {"key","value"} with JSON types', () => {
  assert.deepEqual(tricky.map(([k, v]) => formatRecord(OUTPUT_FORMATS.tsv, k, v)), [
    'a\\tb\tx\\ny\\\\\n', 'ü"q\t1.5\n', 'n\tnull\n', 'o\t{"a":[1,"two"]}\n', 'inf\tInfinity\n',
  ]);
  const lines = tricky.map(([k, v]) => formatRecord(OUTPUT_FORMATS.jsonl, k, v));
  assert.deepEqual(lines.map((l) => JSON.parse(l)), [
    { key: 'a\tb', value: 'x\ny\\' }, { key: 'ü"q', value: 1.5 }, { key: 'n', value: null }, { key: 'o', value: { a: [1, 'two'] } },
    { key: 'inf', value: null }, // JSON has no Infinity
  ]);
  assert.ok(lines.every((l) => l.endsWith('}\n') && l.indexOf('\n') === l.length - 1));
});

test('outputFormat names the known formats when given another', () => {
  assert.equal(outputFormat('jsonl'), OUTPUT_FORMATS.jsonl);
  assert.equal(outputFormat(), OUTPUT_FORMATS.tsv);
  assert.throws(() => outputFormat('xml'), /unknown output format "xml": one of tsv, jsonl/);
});

async function collect(out: PassThrough): Promise<string> {
  let s = '';
  out.on('data', (d) => (s += d));
  await new Promise((r) => out.on('end', r));
  return s;
}

test('LineWriter writes records in the order given, in its format, across buffer boundaries', async () => {
  for (const format of [OUTPUT_FORMATS.tsv, OUTPUT_FORMATS.jsonl]) {
    const out = new PassThrough();
    const text = collect(out);
    const w = new LineWriter(out, format, 16);
    const recs: [string, JsonValue][] = [];
    for (let i = 0; i < 500; i++) recs.push([`k${(i * 37) % 101}`, i % 3 ? `v${i}` : i]);
    for (const [k, v] of recs) w.write(k, v);
    const stats = await w.finish();
    out.end();
    const expected = recs.map(([k, v]) => formatRecord(format, k, v)).join('');
    assert.equal(await text, expected, format.name);
    assert.equal(stats.records, 500);
    assert.equal(stats.bytes, Buffer.byteLength(expected));
  }
});

test('SortedLineWriter in jsonl writes the same records, in key order, as jsonl lines', async () => {
  const out = new PassThrough();
  const text = collect(out);
  const w = new SortedLineWriter(out, { spillDir: '/tmp', format: OUTPUT_FORMATS.jsonl });
  for (const [k, v] of [...tricky].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) w.write(k, v, k);
  await w.finish();
  out.end();
  const got = (await text).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { key: string });
  assert.deepEqual(got.map((g) => g.key), ['a\tb', 'inf', 'n', 'o', 'ü"q']);
});

test('escapeText escapes exactly backslash, tab, newline and carriage return, at any length', () => {
  // The reference: one character at a time.
  const reference = (s: string): string =>
    [...s].map((c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] ?? c).join('');
  const special = fc.constantFrom('\\', '\t', '\n', '\r', 'a', 'ü', '\u{1f600}', ' ');
  const text = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.array(special, { maxLength: 60 }).map((a) => a.join('')),
    // Long strings with at most one special character, anywhere (the no-escape fast paths).
    fc.tuple(fc.string({ minLength: 17, maxLength: 200 }), fc.nat(), special).map(([s, at, c]) => s.slice(0, at % (s.length + 1)) + c + s.slice(at % (s.length + 1))),
  );
  fc.assert(
    fc.property(text, (s) => {
      assert.equal(escapeText(s), reference(s));
    }),
    { numRuns: 2000 },
  );
});
