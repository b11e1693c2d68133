import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openStorage, type Storage } from '@gomr/storage';
import { startS3rver, type RunningS3rver } from '@gomr/storage/testing';
import { countWords, readOutput, repoRoot, runGomr, tempDir } from './support/run-gomr.js';

/**
 * s3:// inputs on `gomr run` against s3rver on loopback: a prefix, a single key, a glob, read
 * by the map tasks from the bucket (nothing uploaded), and one-line errors for a missing
 * bucket, a missing key and wrong credentials.
 */

const wordcount = join(repoRoot, 'examples/wordcount/worker.ts');
const books = ['river.txt', 'lighthouse.txt', 'market.txt'];
let s3: RunningS3rver;
let texts: Map<string, string>;

before(async () => {
  s3 = await startS3rver({ bucket: 'inputs' });
  const store: Storage = await openStorage(s3.config, { retry: false });
  texts = new Map();
  for (const b of books) {
    const text = await readFile(join(repoRoot, 'examples/data', b), 'utf8');
    texts.set(b, text);
    await store.put(`books/${b}`, text);
  }
  await store.put('books/extra/notes.txt.gz', gzipSync('notes notes river\n'));
  texts.set('notes.txt.gz', 'notes notes river\n');
  await store.put('books/_SUCCESS', '');
  await store.put('books/.hidden', 'not an input\n');
  await store.close();
});

after(async () => {
  await s3?.stop();
});

function s3Flags(access = s3.config.accessKey, secret = s3.config.secretKey): string[] {
  return ['--s3-endpoint', s3.config.endpoint, '--s3-access-key', access, '--s3-secret-key', secret];
}

async function wc(inputs: string[], extra: string[] = []) {
  const out = join(await tempDir(), 'out');
  const r = await runGomr(['run', ...inputs.flatMap((i) => ['--input', i]), '--workers', '2', '--output', out, ...extra, wordcount], { timeoutMs: 90_000 });
  return { r, out };
}

const counts = async (out: string) => new Map((await readOutput(out)).lines.map((l) => [l.key, Number(l.value)]));

test('s3://bucket/prefix/: every object under it (markers and hidden names left out), split into ranges, with a gzipped one', async () => {
  const { r, out } = await wc(['s3://inputs/books/'], [...s3Flags(), '--mappers', '6', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await counts(out), countWords([...texts.values()]));
  const status = JSON.parse(r.stdout);
  assert.equal(status.maps.total, 6, 'the plain objects are cut into byte ranges as files are');
});

test('s3://bucket/key: that object only; ctx.input is its base name', async () => {
  const { r, out } = await wc(['s3://inputs/books/market.txt'], [...s3Flags(), '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await counts(out), countWords([texts.get('market.txt')!]));
});

test('an s3:// glob: the objects of the listing that match', async () => {
  const { r, out } = await wc(['s3://inputs/books/*.txt', 's3://inputs/books/l*.txt'], [...s3Flags(), '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await counts(out), countWords(books.map((b) => texts.get(b)!)));
});

async function fails(inputs: string[], flags: string[], code: number, message: RegExp) {
  const { r } = await wc(inputs, [...flags, '--quiet']);
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, message);
}

test('a missing bucket is a one-line input error, and is not created', async () => {
  await fails(['s3://no-such-bucket/x/'], s3Flags(), 3, /^gomr: input bucket no-such-bucket does not exist at http:\/\/127\.0\.0\.1:\d+$/);
  const store = await openStorage({ ...s3.config, bucket: 'no-such-bucket' }, { retry: false, createBucket: false });
  await assert.rejects(store.list(''), /does not exist/);
  await store.close();
});

test('a missing key, an empty prefix and a glob matching nothing are one-line input errors', async () => {
  await fails(['s3://inputs/books/nope.txt'], s3Flags(), 3, /^gomr: input not found: s3:\/\/inputs\/books\/nope\.txt$/);
  await fails(['s3://inputs/empty/'], s3Flags(), 3, /^gomr: no objects under s3:\/\/inputs\/empty\/$/);
  await fails(['s3://inputs/books/*.csv'], s3Flags(), 3, /^gomr: input pattern matches no object: s3:\/\/inputs\/books\/\*\.csv$/);
});

test('wrong credentials are a one-line storage error naming the endpoint and bucket', async () => {
  await fails(['s3://inputs/books/'], s3Flags('WRONG', 'nope'), 5, /^gomr: S3 at http:\/\/127\.0\.0\.1:\d+ refused the credentials for bucket inputs \(\w+\): check --s3-access-key and --s3-secret-key$/);
});

test('s3:// inputs without an endpoint, mixed with local files, or from two buckets are refused', async () => {
  await fails(['s3://inputs/books/'], [], 2, /^gomr: s3:\/\/ inputs need --s3-endpoint \(or GOMR_S3_ENDPOINT\)$/);
  await fails(['s3://inputs/books/', join(repoRoot, 'examples/data/river.txt')], s3Flags(), 3, /^gomr: s3:\/\/ inputs cannot be mixed with local ones in one job/);
  await fails(['s3://inputs/books/', 's3://other/x'], s3Flags(), 3, /^gomr: s3:\/\/ inputs from more than one bucket \(inputs, other\)/);
});

test('s3:// inputs with side files: the files come from the job\'s store, not the input bucket', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'en.txt'), 'the\nand\n');
  await writeFile(join(dir, 'options.json'), JSON.stringify({ minLength: 1 }));
  const stopWorker = join(repoRoot, 'packages/cli/test/fixtures/stop-words-worker.ts');
  const stopDir = join(dir, 'stop');
  await mkdir(stopDir);
  await rename(join(dir, 'en.txt'), join(stopDir, 'en.txt'));
  const out = join(await tempDir(), 'out');
  const r = await runGomr(
    ['run', '--input', 's3://inputs/books/river.txt', ...s3Flags(), '--file', stopDir, '--file', join(dir, 'options.json'), '--output', out, stopWorker],
    { timeoutMs: 90_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  const expected = new Map<string, number>();
  for (const w of texts.get('river.txt')!.toLowerCase().split(/[^\p{L}]+/u)) if (w && w !== 'the' && w !== 'and') expected.set(w, (expected.get(w) ?? 0) + 1);
  assert.deepEqual(await counts(out), expected);
});
