import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { countWords, readOutput, repoRoot, runGomr, tempDir } from './support/run-gomr.js';

/** Symbolic links inside an input directory are followed, as `find -L` does. */

const wordcount = join(repoRoot, 'examples/wordcount/worker.ts');

async function countsOf(dir: string): Promise<Map<string, number>> {
  const { lines } = await readOutput(dir);
  return new Map(lines.map((l) => [l.key, Number(l.value)]));
}

test('a directory mixing files, links to files, links to directories and a loop reads every file once', async () => {
  const root = await tempDir();
  const elsewhere = join(root, 'elsewhere');
  await mkdir(join(elsewhere, 'deep'), { recursive: true });
  await writeFile(join(elsewhere, 'linked.txt'), 'linked file words\n');
  await writeFile(join(elsewhere, 'deep', 'deeper.txt'), 'deeper still words\n');
  const input = join(root, 'input');
  await mkdir(join(input, 'sub'), { recursive: true });
  await writeFile(join(input, 'plain.txt'), 'plain file words\n');
  await writeFile(join(input, 'sub', 'nested.txt'), 'nested words\n');
  await symlink(join(elsewhere, 'linked.txt'), join(input, 'link-to-file.txt'));
  await symlink(join(elsewhere, 'deep'), join(input, 'link-to-dir'));
  await symlink('..', join(input, 'sub', 'loop')); // back to input/: a cycle
  await symlink('plain.txt', join(input, 'alias.txt')); // the same file by a second name: read once
  const out = join(root, 'out');
  const r = await runGomr(['run', '--input', input, '--quiet', '--output', out, wordcount], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  const expected = countWords(['plain file words\n', 'nested words\n', 'linked file words\n', 'deeper still words\n']);
  assert.deepEqual([...(await countsOf(out))].sort(), [...expected].sort());
});

test('a directory holding only symlinks is not empty', async () => {
  const root = await tempDir();
  await writeFile(join(root, 'real.txt'), 'only through a link\n');
  const input = join(root, 'links');
  await mkdir(input);
  await symlink(join(root, 'real.txt'), join(input, 'a.txt'));
  const out = join(root, 'out');
  const r = await runGomr(['run', '--input', input, '--quiet', '--output', out, wordcount], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await countsOf(out)).get('through'), 1);
});

test('a broken symlink inside an input directory is refused, naming it', async () => {
  const root = await tempDir();
  await writeFile(join(root, 'ok.txt'), 'fine\n');
  await symlink(join(root, 'missing.txt'), join(root, 'dangling.txt'));
  const r = await runGomr(['run', '--input', root, '--quiet', '--output', join(await tempDir(), 'out'), wordcount], { timeoutMs: 60_000 });
  assert.equal(r.code, 3, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('gomr:'));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /dangling\.txt is a symbolic link to .*missing\.txt, which does not exist/);
});
