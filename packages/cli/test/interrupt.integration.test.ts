import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliBin, repoRoot, tempDir } from './support/run-gomr.js';
import { childrenOf } from './support/processes.js';

async function startSlowJob() {
  const dir = await tempDir();
  const worker = join(dir, 'slow.ts');
  await writeFile(worker, `import { run } from '@gomr/sdk';
run({ async mapper(ctx, chunk) { await new Promise((r) => setTimeout(r, 60_000)); ctx.emit('x', 1); }, reducer(ctx, k, v) { ctx.emit(k, v.length); } });
`);
  const child = spawn(process.execPath, [cliBin, 'run', '--input', join(repoRoot, 'examples/data/river.txt'), '--workers', '2', '--output', join(dir, 'out'), worker], {
    env: { ...process.env, GOMR_HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  // Wait until the master and both workers run.
  for (let i = 0; i < 600 && childrenOf(child.pid!).length < 3; i++) await sleep(100);
  assert.equal(childrenOf(child.pid!).length, 3, `expected master + 2 workers\n${stderr}`);
  return { child, exited, stderr: () => stderr, dir };
}

test('Ctrl-C stops the job, exits 130, and leaves no process behind', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const job = await startSlowJob();
  job.child.kill('SIGINT');
  assert.equal(await job.exited, 130, job.stderr());
  assert.match(job.stderr(), /gomr: interrupted; job \S+ stopped/);
  assert.deepEqual(childrenOf(job.child.pid!), []);
});

test('if the CLI is killed outright, its master and workers exit on their own', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const job = await startSlowJob();
  const pid = job.child.pid!;
  job.child.kill('SIGKILL');
  await job.exited;
  for (let i = 0; i < 50 && childrenOf(pid).length; i++) await sleep(100);
  assert.deepEqual(childrenOf(pid), []);
});
