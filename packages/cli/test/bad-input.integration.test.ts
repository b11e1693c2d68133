import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, runGomr, tempDir } from './support/run-gomr.js';

const wordcount = join(repoRoot, 'examples/wordcount/worker.ts');
const sample = join(repoRoot, 'examples/data/river.txt');

/** Asserts a failed run: the exit code and one `gomr:` line matching the expected cause. */
async function expectError(args: string[], code: number, message: RegExp) {
  const r = await runGomr(args, { timeoutMs: 60_000 });
  assert.equal(r.code, code, `exit code; stderr:\n${r.stderr}`);
  const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('gomr:'));
  assert.equal(errorLines.length, 1, r.stderr);
  assert.match(errorLines[0]!, message);
  return r;
}

test('a missing input is refused', async () => {
  await expectError(['run', '--input', '/nonexistent/books', wordcount], 3, /input not found: \/nonexistent\/books/);
});

test('an empty directory is refused', async () => {
  const dir = await tempDir();
  await expectError(['run', '--input', dir, wordcount], 3, /input directory has no files/);
});

test('an unreadable file is refused', { skip: process.getuid?.() === 0 && 'root reads everything' }, async () => {
  const dir = await tempDir();
  const f = join(dir, 'secret.txt');
  await writeFile(f, 'x\n');
  await chmod(f, 0);
  await expectError(['run', '--input', f, wordcount], 3, /cannot read input .*EACCES/);
});

test('a binary file is refused', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'img.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
  await expectError(['run', '--input', join(dir, 'img.bin'), wordcount], 3, /looks binary/);
});

test('two inputs with the same base name are refused', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'a'));
  await mkdir(join(dir, 'b'));
  await writeFile(join(dir, 'a', 'x.txt'), 'a\n');
  await writeFile(join(dir, 'b', 'x.txt'), 'b\n');
  await expectError(['run', '--input', join(dir, 'a'), '--input', join(dir, 'b'), wordcount], 3, /share the base name x\.txt/);
});

test('a glob matching nothing is refused', async () => {
  await expectError(['run', '--input', '/tmp/no-such-dir-*/*.txt', wordcount], 3, /matches no file/);
});

test('a worker file that does not compile is refused with the compiler message', async () => {
  const dir = await tempDir();
  const w = join(dir, 'broken.ts');
  await writeFile(w, "import { run } from '@gomr/sdk';\nrun({ mapper(ctx, chunk { } });\n");
  await expectError(['run', '--input', sample, w], 4, /does not compile: .*broken\.ts:2:\d+/);
});

test('a worker that never calls run() is refused', async () => {
  const dir = await tempDir();
  const w = join(dir, 'norun.ts');
  await writeFile(w, "export function mapper() {}\n");
  await expectError(['run', '--input', sample, w], 4, /never called run/);
});

test('a worker importing a missing package is refused', async () => {
  const dir = await tempDir();
  const w = join(dir, 'missing.ts');
  await writeFile(w, "import { run } from '@gomr/sdk';\nimport x from 'no-such-package-here';\nrun({ mapper() { x(); }, reducer() {} });\n");
  await expectError(['run', '--input', sample, w], 4, /no-such-package-here/);
});

// 0 is a map-only job (issue 14; see map-only.integration.test.ts); below that is a usage error.
test('a negative reducer count is a usage error', async () => {
  await expectError(['run', '--input', sample, '--reducers=-1', wordcount], 2, /reducers|greater than or equal to 0/i);
});

test('a non-empty output directory is not overwritten', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'keep.txt'), 'precious\n');
  await expectError(['run', '--input', sample, '--output', dir, wordcount], 2, /output directory is not empty/);
});

test('--param without = is refused', async () => {
  await expectError(['run', '--input', sample, '--param', 'oops', wordcount], 2, /KEY=VALUE/);
});
