import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnGomr } from './support/job-watch.js';
import { processesOf } from './support/processes.js';
import { repoRoot, runGomr, tempDir } from './support/run-gomr.js';

/** Failures are the user's, the input's or gomr's, and the exit code and message say which. */

test("a partitioner that throws is the user's error: exit 1, naming the partitioner and key", async () => {
  const dir = await tempDir();
  const worker = join(dir, 'bad-partitioner.ts');
  await writeFile(
    worker,
    `import { run } from '@gomr/sdk';
run({
  mapper(ctx, chunk: string) { for (const w of chunk.split(/\\s+/)) if (w) ctx.emit(w, 1); },
  reducer(ctx, key: string, values: number[]) { ctx.emit(key, values.length); },
  partitioner(key: string, reducers: number) { if (key === 'bad') throw new Error('no place for bad'); return key.length % reducers; },
});
`,
  );
  const input = join(dir, 'in.txt');
  await writeFile(input, 'good bad good\n');
  const r = await runGomr(['run', '--input', input, '--reducers', '2', '--max-attempts', '1', '--quiet', '--output', join(dir, 'out'), worker], { timeoutMs: 60_000 });
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('gomr:'));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /task m-00000 after 1 attempts: partitioner failed on key "bad": no place for bad/);
  assert.match(r.stderr, /bad-partitioner\.ts:\d+/, 'the stack points into the user file');
});

test('a worker killed by SIGKILL is logged as killed by SIGKILL, not "exited with code 128"', async () => {
  const dir = await tempDir();
  const input = join(dir, 'in.txt');
  await writeFile(input, 'one two two\n');
  const gate = join(dir, 'go');
  const home = await tempDir('gomr-home-');
  const gated = join(repoRoot, 'packages/cli/test/fixtures/gated-worker.ts');
  const job = spawnGomr(['run', '--input', input, '--workers', '1', '--param', `gate=${gate}`, '--output', join(dir, 'out'), gated], home, 120_000);
  let worker: number | undefined;
  for (const end = Date.now() + 60_000; !worker && Date.now() < end; await sleep(100)) {
    worker = processesOf(job.child.pid!).find((p) => p.role === 'worker')?.pid;
  }
  assert.ok(worker, 'a worker started');
  process.kill(worker, 'SIGKILL');
  for (const end = Date.now() + 30_000; !/worker 0 was killed/.test(job.stderr()) && Date.now() < end; ) await sleep(100);
  await writeFile(gate, '');
  assert.equal(await job.exited, 0, job.stderr());
  assert.match(job.stderr(), /worker 0 was killed by SIGKILL( before registering)?; restarting/);
  assert.doesNotMatch(job.stderr(), /exited with code 128/);
});

test("a task that fills its heap is the user's failure: exit 1, saying out of memory and how to raise the limit", async () => {
  const dir = await tempDir();
  const worker = join(dir, 'hoards.ts');
  await writeFile(
    worker,
    `import { run } from '@gomr/sdk';
const hoard: string[] = [];
run({
  mapper(ctx, chunk: string) { for (;;) hoard.push(chunk + hoard.length); },
  reducer(ctx, key: string, values: number[]) { ctx.emit(key, values.length); },
});
`,
  );
  const input = join(dir, 'in.txt');
  await writeFile(input, 'some words to hoard\n'.repeat(100));
  const r = await runGomr(['run', '--input', input, '--workers', '1', '--executor-heap-mb', '64', '--max-attempts', '1', '--quiet', '--output', join(dir, 'out'), worker], {
    timeoutMs: 90_000,
  });
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('gomr:'));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /mapper failed in task m-00000 after 1 attempts: the task ran out of memory: .*limited to 64 MiB .*--executor-heap-mb/);
});
