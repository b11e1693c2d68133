import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGomr, tempDir } from './support/run-gomr.js';

test('a worker file that throws only inside the executor thread fails the job at once with exit 4 and its stack', async () => {
  const dir = await tempDir();
  const worker = join(dir, 'throws-in-thread.ts');
  // The CLI's pre-flight check loads the file on a main thread; the executor loads it in a worker thread.
  await writeFile(
    worker,
    `import { isMainThread } from 'node:worker_threads';
import { run } from '@gomr/sdk';
function failInThread(): void {
  if (!isMainThread) throw new Error('no config in the executor thread');
}
failInThread();
run({
  mapper(ctx, chunk: string) { for (const w of chunk.split(/\\s+/)) if (w) ctx.emit(w, 1); },
  reducer(ctx, key: string, values: number[]) { ctx.emit(key, values.length); },
});
`,
  );
  const input = join(dir, 'in.txt');
  await writeFile(input, 'one two two\n');
  const r = await runGomr(['run', '--input', input, '--workers', '2', '--quiet', '--output', join(dir, 'out'), worker], { timeoutMs: 60_000 });
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /bad worker file: the worker file threw while loading: no config in the executor thread/);
  assert.match(r.stderr, /throws-in-thread\.ts:\d+/, 'the stack points into the user file');
  assert.doesNotMatch(r.stderr, /restarting/);
  assert.ok(r.ms < 20_000, `took ${r.ms} ms`);
});
