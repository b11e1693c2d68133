import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { LocalStorage } from '@gomr/storage';
import { readInput, type InputUnit } from '../../src/input/input-format.js';
import { UserCodeError } from '../../src/runtime/user-code-error.js';
import type { InputMode } from '../../src/user-api.js';

/** A store holding `bytes` as NAME; returns a reader of any split of it in any mode. */
async function store(name: string, bytes: Buffer | string) {
  const root = await mkdtemp(join(tmpdir(), 'gomr-input-'));
  const data = Buffer.from(bytes);
  await writeFile(join(root, name), data);
  const storage = new LocalStorage(root);
  const read = async (mode: InputMode, start = 0, end = data.length, skip?: number[]) => {
    const units: InputUnit[] = [];
    const split = { inputKey: name, inputName: name, start, end, fileSize: data.length };
    for await (const u of readInput(mode, storage, split, skip ? { skipOffsets: new Set(skip) } : {})) units.push(u);
    return units;
  };
  return { read, size: data.length };
}

test('lines: one unit per line without its ending, CRLF and a missing final newline handled, offsets exact', async () => {
  const text = 'a\r\nbé\n\nc\r\nlast';
  const { read } = await store('x.txt', text);
  const units = await read('lines');
  assert.deepEqual(units.map((u) => u.value()), ['a', 'bé', '', 'c', 'last']);
  assert.deepEqual(units.map((u) => u.offset), [0, 3, 7, 8, 11]);
  assert.equal(units.reduce((n, u) => n + u.bytes, 0), Buffer.byteLength(text));
});

test('lines: split at every offset, every line is read exactly once', async () => {
  const text = 'one\r\ntwo\n\r\nthrée\nfour';
  const { read, size } = await store('x.txt', text);
  const all = (await read('lines')).map((u) => u.value());
  for (let k = 0; k <= size; k++) {
    const got = [...(await read('lines', 0, k)), ...(await read('lines', k, size))].map((u) => u.value());
    assert.deepEqual(got, all, `split at ${k}`);
  }
});

test('jsonl: one parsed value per non-blank line; a bad line throws naming what it is', async () => {
  const { read } = await store('r.jsonl', '{"k":1}\n\n  \n[1,2]\r\n"s"\n{bad\n');
  const units = await read('jsonl');
  assert.deepEqual(units.slice(0, 3).map((u) => u.value()), [{ k: 1 }, [1, 2], 's']);
  assert.deepEqual(units.map((u) => u.offset), [0, 12, 19, 23]);
  assert.throws(() => units[3]!.value(), /^SyntaxError: not a JSON value: .* in line "\{bad"$/);
});

test('text: chunks of whole lines, lines kept with their endings', async () => {
  const { read } = await store('t.txt', 'x y\r\nz\nw');
  const units = await read('text');
  assert.equal(units.length, 1);
  assert.equal(units[0]!.value(), 'x y\r\nz\nw');
  assert.equal(units[0]!.records, 3);
  assert.deepEqual(units[0]!.lines!(), ['x y\r\n', 'z\n', 'w']);
});

test('gzip: the same units as the plain text; offsets are in the decompressed data', async () => {
  const text = 'a\nb\r\n{"no":"json"}\n';
  const plain = await store('p.txt', text);
  const gz = await store('p.txt.gz', Buffer.concat([gzipSync(text.slice(0, 3)), gzipSync(text.slice(3))]));
  for (const mode of ['text', 'lines'] as const) {
    const [a, b] = [await plain.read(mode), await gz.read(mode)];
    assert.deepEqual(b.map((u) => [u.offset, u.value()]), a.map((u) => [u.offset, u.value()]), mode);
  }
  // The master plans a compressed file as one split; any other split of it owns nothing.
  assert.deepEqual(await gz.read('lines', 5, gz.size), []);
});

const CSV = 'id,note\r\n1,"multi\nline, with comma"\n2,plain\r\n3,"say ""hi"""\n4,"\r\n"\n';
const ROWS = [
  { id: '1', note: 'multi\nline, with comma' },
  { id: '2', note: 'plain' },
  { id: '3', note: 'say "hi"' },
  { id: '4', note: '\r\n' },
];

test('csv: rows keyed by the header (never a row itself), RFC 4180 quoting, mixed line endings, byte offsets', async () => {
  const { read } = await store('q.csv', '\ufeff' + CSV);
  const units = await read('csv');
  assert.deepEqual(units.map((u) => u.value()), ROWS);
  const bom = 3;
  assert.deepEqual(units.map((u) => u.offset), [9, 36, 45, 60].map((o) => o + bom));
});

test('csv: split at every offset of a small file with quoted newlines, every row is read exactly once', async () => {
  const { read, size } = await store('q.csv', CSV);
  for (let k = 0; k <= size; k++) {
    const got = [...(await read('csv', 0, k)), ...(await read('csv', k, size))].map((u) => u.value());
    assert.deepEqual(got, ROWS, `split at ${k}`);
  }
});

test('csv: a row that does not parse is a user-code error naming the file and the byte where the row starts', async () => {
  const text = 'a,b\n1,2\n3,"bad"x\n4,5\n';
  const { read } = await store('bad.csv', text);
  await assert.rejects(read('csv'), (err: unknown) => {
    assert.ok(err instanceof UserCodeError);
    assert.equal(err.input, 'bad.csv');
    assert.equal(err.offset, text.indexOf('3,'));
    assert.match(err.message, /^row does not parse as CSV: Invalid Closing Quote/);
    return true;
  });
});

test('csv: a row with the wrong number of fields is refused; under --skip-bad-records it is dropped and counted', async () => {
  const text = 'a,b\n1,2\n3\n4,5\n';
  const { read } = await store('short.csv', text);
  await assert.rejects(read('csv'), (err: unknown) => {
    assert.ok(err instanceof UserCodeError);
    assert.equal(err.offset, text.indexOf('3\n'));
    assert.match(err.message, /^row does not parse as CSV: Invalid Record Length/);
    return true;
  });
  // After every attempt failed there, the task runs with that offset to skip: the parser drops the row.
  const root = await mkdtemp(join(tmpdir(), 'gomr-input-'));
  await writeFile(join(root, 'short.csv'), text);
  let dropped = 0;
  const units: InputUnit[] = [];
  const split = { inputKey: 'short.csv', inputName: 'short.csv', start: 0, end: text.length, fileSize: text.length };
  for await (const u of readInput('csv', new LocalStorage(root), split, { skipOffsets: new Set([8]), onDroppedRow: () => dropped++ })) units.push(u);
  assert.deepEqual(units.map((u) => u.value()), [{ a: '1', b: '2' }, { a: '4', b: '5' }]);
  assert.equal(dropped, 1);
});
