import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readOutput, repoRoot, runGomr, tempDir } from './support/run-gomr.js';

/**
 * Record input modes through the real CLI (run({ input: 'lines' | 'jsonl' | 'csv' })), each
 * against an independent computation over the same text, with one map task and with many.
 */

const fixture = (name: string) => join(repoRoot, `packages/cli/test/fixtures/${name}-worker.ts`);

async function job(worker: string, input: string, extra: string[] = []) {
  const out = join(await tempDir(), 'out');
  const r = await runGomr(['run', '--input', input, '--workers', '2', '--output', out, '--quiet', ...extra, fixture(worker)], { timeoutMs: 90_000 });
  return { r, out };
}

async function output(out: string): Promise<Map<string, string>> {
  return new Map((await readOutput(out)).lines.map((l) => [l.key, l.value]));
}

/** Lines with CRLF and LF endings, blank ones, multi-byte characters, no final newline. */
function linesText(): string {
  let text = '';
  for (let i = 0; i < 4000; i++) text += `line ${i % 37} é${i % 5}${i % 3 === 0 ? '\r\n' : '\n'}${i % 500 === 0 ? '\n' : ''}`;
  return text + 'the last line';
}

function countLines(text: string): Map<string, string> {
  const counts = new Map<string, number>();
  for (const line of text.split('\n').map((l) => l.replace(/\r$/, ''))) counts.set(line, (counts.get(line) ?? 0) + 1);
  return new Map([...counts].map(([k, v]) => [k, String(v)]));
}

for (const mappers of ['1', '7']) {
  test(`lines (--mappers ${mappers}): each line once, without its ending; CRLF and a missing final newline handled`, async () => {
    const dir = await tempDir();
    const text = linesText();
    await writeFile(join(dir, 'l.txt'), text);
    const { r, out } = await job('lines', join(dir, 'l.txt'), ['--mappers', mappers]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await output(out), countLines(text));
  });
}

test('lines from a .gz file: the same as from the plain file', async () => {
  const dir = await tempDir();
  const text = linesText();
  await writeFile(join(dir, 'l.txt.gz'), gzipSync(text));
  const { r, out } = await job('lines', join(dir, 'l.txt.gz'));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await output(out), countLines(text));
});

function jsonlText(): { text: string; sums: Map<string, string> } {
  const sums = new Map<string, number>();
  let text = '';
  for (let i = 0; i < 3000; i++) {
    const rec = { k: `key\t${i % 13}`, n: i % 7, pad: 'x'.repeat(i % 50) };
    sums.set(rec.k, (sums.get(rec.k) ?? 0) + rec.n);
    text += JSON.stringify(rec) + (i % 4 === 0 ? '\r\n' : '\n') + (i % 100 === 0 ? '\n' : '');
  }
  return { text, sums: new Map([...sums].map(([k, v]) => [k, String(v)])) };
}

for (const mappers of ['1', '5']) {
  test(`jsonl (--mappers ${mappers}): each line's JSON value once`, async () => {
    const dir = await tempDir();
    const { text, sums } = jsonlText();
    await writeFile(join(dir, 'r.jsonl'), text.trimEnd()); // no final newline
    const { r, out } = await job('jsonl', join(dir, 'r.jsonl'), ['--mappers', mappers]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await output(out), sums);
  });
}

test('jsonl: a line that is not JSON fails the job after the usual attempts, naming the file and the byte of the line', async () => {
  const dir = await tempDir();
  const { text } = jsonlText();
  const bad = text + '{"k": "oops", n: 1}\n' + '{"k":"after","n":1}\n';
  await writeFile(join(dir, 'bad.jsonl'), bad);
  const { r, out } = await job('jsonl', join(dir, 'bad.jsonl'), ['--max-attempts', '2']);
  assert.equal(r.code, 1, r.stderr);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('gomr:'));
  assert.equal(errors.length, 1, r.stderr);
  const at = Buffer.byteLength(text);
  assert.match(errors[0]!, new RegExp(`mapper failed in task m-00000 after 2 attempts \\(input bad\\.jsonl, chunk at byte ${at}\\): not a JSON value: `));
  await assert.rejects(access(out), 'no output');
});

test('jsonl with --skip-bad-records: only the bad line is left out, and reported', async () => {
  const dir = await tempDir();
  const { text, sums } = jsonlText();
  await writeFile(join(dir, 'bad.jsonl'), text + 'not json\n' + '{"k":"after","n":2}\n');
  const { r, out } = await job('jsonl', join(dir, 'bad.jsonl'), ['--max-attempts', '2', '--skip-bad-records']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /skipped\s+1 bad records/);
  assert.deepEqual(await output(out), new Map([...sums, ['after', '2']]));
});

/** Rows with quoted commas, doubled quotes and newlines (LF and CRLF) inside quotes. */
function csvText(): { text: string; expected: Map<string, string> } {
  let text = 'id,note,n\r\n';
  const expected = new Map<string, string>();
  for (let i = 0; i < 400; i++) {
    const note = i % 3 === 0 ? `multi\nline ${i}, "quoted"` : i % 3 === 1 ? `crlf\r\ninside ${i}` : `plain ${i}`;
    text += `${i},"${note.replace(/"/g, '""')}",${i % 9}${i % 2 ? '\r\n' : '\n'}`;
    expected.set(String(i), note.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r'));
  }
  expected.set('#columns', 'id,note,n');
  return { text, expected };
}

for (const mappers of ['1', '9']) {
  test(`csv (--mappers ${mappers}): each row once as an object keyed by the header, quoted newlines intact`, async () => {
    const dir = await tempDir();
    const { text, expected } = csvText();
    await writeFile(join(dir, 'q.csv'), text);
    const { r, out } = await job('csv', join(dir, 'q.csv'), ['--mappers', mappers]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await output(out), expected);
  });
}

test('csv: two files (one gzipped) each with its own header', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'a.csv'), 'id,note\n1,one\n2,"t\nwo"\n');
  await writeFile(join(dir, 'b.csv.gz'), gzipSync('note,id\r\nthree,3\r\n'));
  const { r, out } = await job('csv', dir, ['--mappers', '4']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await output(out), new Map([['#columns', 'id,note|note,id'], ['1', 'one'], ['2', 't\\nwo'], ['3', 'three']]));
});
