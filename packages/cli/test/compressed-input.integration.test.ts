import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { zstdAvailable } from '@gomr/storage';
import { countWords, readOutput, repoRoot, runGomr, tempDir } from './support/run-gomr.js';

/**
 * Compressed inputs through the real CLI: read by name (.gz, .br, .zst), one map task per
 * compressed file, the result equal to an independent count of the decompressed text; corrupt,
 * truncated and trailing-garbage files fail naming the file and the byte, with no output.
 */

const wordcount = join(repoRoot, 'examples/wordcount/worker.ts');
const indexer = join(repoRoot, 'examples/indexer/worker.ts');

/** Distinct text per file, long enough for several chunks once decompressed. */
function text(seed: number, lines: number): string {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'épsilon', 'zeta', 'ηta', 'theta'];
  let out = '';
  for (let i = 0; i < lines; i++) out += `${words[(i * seed) % 8]} ${words[(i + seed) % 8]} w${(i * 7 + seed) % 101}\n`;
  return out;
}

function asMap(lines: { key: string; value: string }[]): Map<string, number> {
  return new Map(lines.map((l) => [l.key, Number(l.value)]));
}

async function runWordCount(inputs: string[], extra: string[] = []) {
  const out = join(await tempDir(), 'out');
  const r = await runGomr(['run', ...inputs.flatMap((i) => ['--input', i]), '--workers', '2', '--output', out, ...extra, wordcount], { timeoutMs: 90_000 });
  return { r, out };
}

test('gzip (single and multi-member), brotli and plain inputs together count as the plain text does; --mappers says compressed files are one task each', async () => {
  const dir = await tempDir();
  const a = text(1, 30_000); // ~600 KB: several chunks
  const b1 = text(3, 5_000);
  const b2 = text(5, 7_000);
  const c = text(7, 2_000);
  const d = text(11, 40_000);
  await writeFile(join(dir, 'a.txt.gz'), gzipSync(a));
  // What `cat b1.gz b2.gz > b.gz` makes: two members, read as one stream.
  await writeFile(join(dir, 'b.log.gz'), Buffer.concat([gzipSync(b1), gzipSync(b2)]));
  await writeFile(join(dir, 'c.txt.br'), brotliCompressSync(c));
  await writeFile(join(dir, 'd.txt'), d);
  const { r, out } = await runWordCount([dir], ['--mappers', '8']);
  assert.equal(r.code, 0, r.stderr);
  // d.txt takes the 5 extra splits; the three compressed files one each.
  assert.doesNotMatch(r.stderr, /^--mappers/m, "8 tasks can be had: nothing to say");
  const { lines } = await readOutput(out);
  assert.deepEqual(asMap(lines), countWords([a, b1 + b2, c, d]));
  const summary = /tasks\s+(\d+) map/.exec(r.stdout);
  assert.equal(Number(summary?.[1]), 8, r.stdout);
});

test('--mappers above what compressed inputs allow: the job runs one task per file and says so', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'x.gz'), gzipSync(text(2, 1000)));
  await writeFile(join(dir, 'y.gz'), gzipSync(text(4, 1000)));
  const { r, out } = await runWordCount([dir], ['--mappers', '6']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^--mappers 6: 2 map tasks, because compressed inputs cannot be split: each is read by one map task \(2: x\.gz, y\.gz\)$/m);
  assert.match(r.stdout, /tasks\s+2 map/);
  assert.deepEqual(asMap((await readOutput(out)).lines), countWords([text(2, 1000), text(4, 1000)]));
});

test('ctx.input is the base name with its compression suffix', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'one.txt.gz'), gzipSync('apple pear\n'));
  await writeFile(join(dir, 'two.txt'), 'pear\n');
  const out = join(await tempDir(), 'out');
  const r = await runGomr(['run', '--input', dir, '--output', out, '--quiet', indexer], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  const got = new Map((await readOutput(out)).lines.map((l) => [l.key, l.value]));
  assert.deepEqual(got, new Map([['apple', '["one.txt.gz"]'], ['pear', '["one.txt.gz","two.txt"]']]));
});

test('an empty .gz file (0 bytes) and a gzip of nothing are empty inputs', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'zero.gz'), '');
  await writeFile(join(dir, 'nothing.gz'), gzipSync(''));
  await writeFile(join(dir, 'some.txt'), 'kiwi kiwi\n');
  const { r, out } = await runWordCount([dir], ['--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(asMap((await readOutput(out)).lines), new Map([['kiwi', 2]]));
});

/** A job over one broken compressed file: exit code, the one error line, no output. */
async function failsOn(name: string, bytes: Buffer) {
  const dir = await tempDir();
  await writeFile(join(dir, name), bytes);
  const { r, out } = await runWordCount([join(dir, name)], ['--max-attempts', '2', '--quiet']);
  assert.notEqual(r.code, 0, r.stderr);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('gomr:'));
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0]!, /after 2 attempts/, 'the usual attempts were made');
  await assert.rejects(access(out), 'no output, not even a partial one');
  return errors[0]!;
}

test('a truncated .gz fails with one line naming the file and the byte where its data ends', async () => {
  const whole = gzipSync(text(3, 20_000));
  const cut = Math.floor(whole.length / 2);
  const line = await failsOn('cut.txt.gz', whole.subarray(0, cut));
  assert.match(line, new RegExp(`input cut\\.txt\\.gz is truncated: its compressed data ends early, at byte ${cut}$`));
});

test('a corrupt .gz fails with one line naming the file and the compressed bytes that do not decompress', async () => {
  const bytes = Buffer.from(gzipSync(text(5, 20_000)));
  bytes[bytes.length - 6]! ^= 0xff; // in the CRC-32 trailer
  const line = await failsOn('bad.gz', bytes);
  assert.match(line, /input bad\.gz is corrupt: incorrect data check in compressed bytes \d+-\d+$/);
  const [from, to] = /bytes (\d+)-(\d+)$/.exec(line)!.slice(1).map(Number);
  assert.ok(from! <= bytes.length - 6 && bytes.length - 6 <= to!, `the range ${from}-${to} holds the bad byte ${bytes.length - 6}`);
});

test('a .gz with bytes after its last member is refused, not silently cut short', async () => {
  const line = await failsOn('tail.gz', Buffer.concat([gzipSync('good words\n'), Buffer.from('not gzip at all\n')]));
  assert.match(line, /input tail\.gz is corrupt: incorrect header check in compressed bytes/);
});

test('a .zst input: read where Node has zstd, else refused before the job with the Node version it needs', async () => {
  const dir = await tempDir();
  const plain = text(9, 3000);
  if (zstdAvailable()) {
    const zlib = (await import('node:zlib')) as unknown as { zstdCompressSync: (b: string) => Buffer };
    await writeFile(join(dir, 'z.txt.zst'), zlib.zstdCompressSync(plain));
    const { r, out } = await runWordCount([join(dir, 'z.txt.zst')], ['--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(asMap((await readOutput(out)).lines), countWords([plain]));
    return;
  }
  await writeFile(join(dir, 'z.txt.zst'), Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0]));
  const { r } = await runWordCount([join(dir, 'z.txt.zst')], ['--quiet']);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr.trim(), new RegExp(`^gomr: input z\\.txt\\.zst is zstd-compressed: reading \\.zst needs Node 22\\.15 or newer \\(this is Node ${process.versions.node.replace(/\./g, '\\.')}\\)$`));
});

test('a .br with bytes after its stream is refused too (brotli stops at its end and would drop them)', async () => {
  const line = await failsOn('tail.txt.br', Buffer.concat([brotliCompressSync(text(2, 3000)), Buffer.from('more text that would be lost\n')]));
  assert.match(line, /input tail\.txt\.br is corrupt: bytes after the end of the brotli stream in compressed bytes \d+-\d+$/);
});
