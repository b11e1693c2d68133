import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { repoRoot, runGomr, tempDir, unescapeText } from './support/run-gomr.js';

/**
 * Output formats through the real CLI: --output-format tsv|jsonl, --compress gzip, each read
 * back and compared with the records that went in, and fed to a second job as its input.
 */

const kv = join(repoRoot, 'packages/cli/test/fixtures/kv-worker.ts');
const linesWorker = join(repoRoot, 'packages/cli/test/fixtures/lines-worker.ts');

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** Keys and values that trip formats up: tabs, newlines, backslashes, quotes, non-ASCII, every JSON type. */
function records(): { k: string; v: Json }[] {
  const keys = ['plain', 'tab\there', 'new\nline', 'back\\slash', 'quote"d', 'crlf\r\n', 'ünï 😀', ''];
  const values: Json[] = ['text', 'tab\tand\nnewline\\', 42, -0.5, 1e21, true, false, null, [1, 'two', [3]], { a: { b: 'c' } }, '', '12'];
  const out: { k: string; v: Json }[] = [];
  for (let i = 0; i < 240; i++) out.push({ k: keys[i % keys.length]!, v: values[(i * 7) % values.length]! });
  return out;
}

/** A multiset of records, comparable with deepEqual. */
const bag = (rs: { k: string; v: Json }[]) => rs.map((r) => JSON.stringify([r.k, r.v])).sort();

async function job(input: string, worker: string, flags: string[]) {
  const out = join(await tempDir(), 'out');
  const r = await runGomr(['run', '--input', input, '--workers', '2', '--output', out, '--quiet', ...flags, worker], { timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stderr);
  return out;
}

/** Part files' names and text (gunzipped when named .gz), in part order. */
async function parts(out: string): Promise<{ name: string; text: string }[]> {
  const names = (await readdir(out)).sort();
  return Promise.all(names.map(async (name) => {
    const bytes = await readFile(join(out, name));
    return { name, text: (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8') };
  }));
}

function keysAscend(keys: string[], where: string): void {
  for (let i = 1; i < keys.length; i++) assert.ok(Buffer.compare(Buffer.from(keys[i - 1]!), Buffer.from(keys[i]!)) <= 0, `${where}: keys in UTF-8 order`);
}

async function input(): Promise<{ path: string; recs: { k: string; v: Json }[] }> {
  const dir = await tempDir();
  const recs = records();
  const path = join(dir, 'in.jsonl');
  await writeFile(path, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return { path, recs };
}

for (const compress of ['none', 'gzip']) {
  test(`--output-format jsonl --compress ${compress}: {"key","value"} lines with JSON types intact, and a second job reads them back`, async () => {
    const { path, recs } = await input();
    const out = await job(path, kv, ['--reducers', '3', '--output-format', 'jsonl', '--compress', compress]);
    const files = await parts(out);
    const suffix = compress === 'gzip' ? '.gz' : '';
    assert.deepEqual(files.map((f) => f.name), ['part-00000', 'part-00001', 'part-00002'].map((n) => n + suffix));
    const got: { k: string; v: Json }[] = [];
    for (const f of files) {
      const lines = f.text.split('\n');
      assert.equal(lines.pop(), '', 'every line ends with \\n');
      const parsed = lines.map((l) => JSON.parse(l) as { key: string; value: Json });
      for (const p of parsed) assert.deepEqual(Object.keys(p), ['key', 'value']);
      keysAscend(parsed.map((p) => p.key), f.name);
      got.push(...parsed.map((p) => ({ k: p.key, v: p.value })));
    }
    assert.deepEqual(bag(got), bag(recs));
    // Chained by hand: the output directory as the next job's input (jsonl gives {key, value}).
    const again = await job(out, kv, ['--reducers', '1', '--output-format', 'jsonl']);
    const back = (await parts(again)).flatMap((f) => f.text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { key: string; value: Json }));
    assert.deepEqual(bag(back.map((p) => ({ k: p.key, v: p.value }))), bag(recs));
  });
}

/** The TSV line of a record, as the README defines it. */
function tsvLine(k: string, v: Json): string {
  const esc = (s: string) => s.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
  return `${esc(k)}\t${typeof v === 'string' ? esc(v) : typeof v === 'number' ? String(v) : JSON.stringify(v)}`;
}

test('--output-format tsv --compress gzip: part-NNNNN.gz holding the TSV lines; a second job reads them back line by line', async () => {
  const { path, recs } = await input();
  const out = await job(path, kv, ['--reducers', '2', '--compress', 'gzip']);
  const files = await parts(out);
  assert.deepEqual(files.map((f) => f.name), ['part-00000.gz', 'part-00001.gz']);
  const lines = files.flatMap((f) => f.text.split('\n').filter(Boolean));
  assert.deepEqual(lines.sort(), recs.map((r) => tsvLine(r.k, r.v)).sort());
  // Read back: each TSV line once per time it was written.
  const again = await job(out, linesWorker, []);
  const counts = new Map<string, number>();
  for (const l of lines) counts.set(l, (counts.get(l) ?? 0) + 1);
  const got = (await parts(again)).flatMap((f) => f.text.split('\n').filter(Boolean));
  assert.deepEqual(got.map((l) => l.split('\t')).map(([k, n]) => [unescapeText(k!), Number(n)]).sort(), [...counts].sort());
});

test('map-only with --output-format jsonl --compress gzip: part-m-NNNNN.gz in emit order', async () => {
  const { path, recs } = await input();
  const out = await job(path, kv, ['--reducers', '0', '--mappers', '1', '--output-format', 'jsonl', '--compress', 'gzip']);
  const files = await parts(out);
  assert.deepEqual(files.map((f) => f.name), ['part-m-00000.gz']);
  const got = files[0]!.text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { key: string; value: Json });
  assert.deepEqual(got.map((p) => [p.key, p.value]), recs.map((r) => [r.k, r.v]), 'emit order, not sorted');
});

test('an output format or compression gomr does not know is a bad flag (exit 2)', async () => {
  const { path } = await input();
  for (const flags of [['--output-format', 'xml'], ['--compress', 'zip']]) {
    const r = await runGomr(['run', '--input', path, '--output', join(await tempDir(), 'o'), ...flags, kv], { timeoutMs: 30_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`Expected --${flags[0]!.slice(2)}=${flags[1]} to be one of`));
  }
});
