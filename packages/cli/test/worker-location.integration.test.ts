import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readOutput, repoRoot, runGomr, tempDir } from './support/run-gomr.js';

/**
 * A worker file that reads files beside itself, through import.meta.url, import.meta.dirname
 * and __dirname, as it would under `node worker.ts`. `gomr run` bundles it into the job's folder;
 * those names still point at the worker file's own directory.
 */

const WORKER = `
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, type Context } from '@gomr/sdk';

// Read at load time and in the mapper: both run inside the worker process.
const stop = new Set(readFileSync(new URL('./stop.txt', import.meta.url), 'utf8').split('\\n').filter(Boolean));
const prefix = readFileSync(join(__dirname, 'data', 'prefix.txt'), 'utf8').trim();

run({
  mapper(ctx: Context<string>, chunk: string) {
    const suffix = readFileSync(join(import.meta.dirname, 'data', 'suffix.txt'), 'utf8').trim();
    for (const w of chunk.toLowerCase().split(/[^\\p{L}]+/u)) if (w && !stop.has(w)) ctx.emit(w, prefix + w + suffix);
  },
  reducer(ctx: Context<string>, key: string, values: string[]) {
    ctx.emit(key, values[0] + ':' + values.length + ':' + (import.meta.url.endsWith('/worker.ts') ? 'own' : import.meta.url));
  },
});
`;

test('gomr run: import.meta.url, import.meta.dirname and __dirname name the worker file\'s directory', async () => {
  const dir = await tempDir('gomr-located-');
  await mkdir(join(dir, 'data'));
  await writeFile(join(dir, 'worker.ts'), WORKER);
  await writeFile(join(dir, 'stop.txt'), 'the\nand\na\n');
  await writeFile(join(dir, 'data', 'prefix.txt'), '<\n');
  await writeFile(join(dir, 'data', 'suffix.txt'), '>\n');
  const input = join(repoRoot, 'examples/data/river.txt');
  const out = join(await tempDir(), 'out');
  // Run from another directory: nothing may resolve against the current one.
  const r = await runGomr(['run', '--input', input, '--mappers', '2', '--reducers', '1', '--output', out, '--quiet', join(dir, 'worker.ts')], { cwd: await tempDir() });
  assert.equal(r.code, 0, r.stderr);

  const counts = new Map<string, number>();
  for (const w of (await readFile(input, 'utf8')).toLowerCase().split(/[^\p{L}]+/u)) {
    if (w && !['the', 'and', 'a'].includes(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  const { lines } = await readOutput(out);
  assert.deepEqual(new Map(lines.map((l) => [l.key, l.value])), new Map([...counts].map(([w, n]) => [w, `<${w}>:${n}:own`])));
});
