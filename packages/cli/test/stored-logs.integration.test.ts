import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGomr, tempDir } from './support/run-gomr.js';

/**
 * Logs that outlive the processes: the master and each worker ship what they print to
 * jobs/<id>/logs/<name>/ in the store, every GOMR_LOG_FLUSH_MS and at exit; `gomr logs`
 * reads them back for any past job, the user's output line by line with its task.
 */

const CHATTY = `import { run } from '@gomr/sdk';
import { existsSync, writeFileSync } from 'node:fs';
run({
  async mapper(ctx, chunk) {
    console.log('mapper saw ' + ctx.input);
    console.error('mapper warns ' + ctx.taskId);
    if (ctx.params.marker && !existsSync(ctx.params.marker)) {
      writeFileSync(ctx.params.marker, '');
      console.log('about to be killed');
      // Longer than a flush: what was printed is in storage before the SIGKILL.
      await new Promise((r) => setTimeout(r, 800));
      process.kill(process.pid, 'SIGKILL');
    }
    // Long enough for both workers to register: one that is still starting when a short job
    // ends is stopped without ever knowing the job, so it has no log in the store.
    await new Promise((r) => setTimeout(r, 400));
    for (const w of chunk.split(/\\s+/)) if (w) ctx.emit(w, 1);
  },
  reducer(ctx, key, values) { ctx.emit(key, values.length); },
});
`;

async function setup(): Promise<{ dir: string; home: string; worker: string; inputs: string[] }> {
  const dir = await tempDir();
  const home = await tempDir('gomr-home-');
  const worker = join(dir, 'chatty.ts');
  await writeFile(worker, CHATTY);
  const inputs = [join(dir, 'a.txt'), join(dir, 'b.txt')];
  await writeFile(inputs[0]!, 'one two\n'.repeat(10));
  await writeFile(inputs[1]!, 'three four\n'.repeat(10));
  return { dir, home, worker, inputs };
}

test('a finished job: gomr logs reads its master, each worker, and every line about one task from the store', { timeout: 120_000 }, async () => {
  const { dir, home, worker, inputs } = await setup();
  const r = await runGomr(['run', ...inputs.flatMap((i) => ['-i', i]), '-w', '2', '-m', '2', '--json', '-o', join(dir, 'out'), worker], { home });
  assert.equal(r.code, 0, r.stderr);
  const { jobId } = JSON.parse(r.stdout) as { jobId: string };
  // The local folder's copies go: what is read is the store's.
  await rm(join(home, 'jobs', jobId, 'master.log'));
  await rm(join(home, 'jobs', jobId, 'worker-0.log'), { force: true });

  const master = await runGomr(['logs', jobId, '--master'], { home });
  assert.equal(master.code, 0, master.stderr);
  assert.match(master.stdout, new RegExp(`master job ${jobId} SUCCEEDED`));

  const workers = [await runGomr(['logs', jobId, '--worker', '0'], { home }), await runGomr(['logs', jobId, '--worker', '1'], { home })];
  for (const w of workers) assert.equal(w.code, 0, w.stderr);
  const both = workers.map((w) => w.stdout).join('');
  // User output, stdout and stderr, each line with its task and attempt.
  assert.match(both, /^\[m-00000#1\] mapper saw a\.txt$/m);
  assert.match(both, /^\[m-00001#1\] mapper saw b\.txt$/m);
  assert.match(both, /^\[m-00001#1\] mapper warns m-00001$/m);
  assert.match(both, /registered for job/);

  const task = await runGomr(['logs', jobId, '--task', 'm-00001'], { home });
  assert.equal(task.code, 0, task.stderr);
  const lines = task.stdout.trim().split('\n');
  assert.ok(lines.some((l) => /^worker-\d \| \[m-00001#1\] mapper saw b\.txt$/.test(l)), task.stdout);
  assert.ok(lines.every((l) => l.includes('m-00001')), 'only lines about the task');
  assert.ok(!lines.some((l) => l.includes('a.txt')));

  const tail = await runGomr(['logs', jobId, '--master', '--tail', '1'], { home });
  assert.equal(tail.stdout.trim().split('\n').length, 1);

  const badTask = await runGomr(['logs', jobId, '--task', 'x-1'], { home });
  assert.equal(badTask.code, 2);
  assert.match(badTask.stderr, /^gomr: "x-1" is not a task id/);
  const noWorker = await runGomr(['logs', jobId, '--worker', '7'], { home });
  assert.equal(noWorker.code, 2);
  assert.match(noWorker.stderr, /has no stored log of the worker 7 \(logs: master, worker-0, worker-1\)/);
});

test('a worker killed with SIGKILL mid-task: its log is in the store up to the last flush', { timeout: 120_000 }, async () => {
  const { dir, home, worker, inputs } = await setup();
  const marker = join(dir, 'killed');
  const r = await runGomr(
    ['run', ...inputs.flatMap((i) => ['-i', i]), '-w', '2', '-m', '2', '--heartbeat-timeout', '1000', '--param', `marker=${marker}`, '--json', '-o', join(dir, 'out'), worker],
    { home, env: { GOMR_LOG_FLUSH_MS: '200' } },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.ok(await stat(marker), 'a worker was killed');
  const { jobId } = JSON.parse(r.stdout) as { jobId: string };
  const logs = await Promise.all([0, 1].map((n) => runGomr(['logs', jobId, '--worker', String(n)], { home })));
  const killed = logs.find((l) => l.stdout.includes('about to be killed'));
  assert.ok(killed, logs.map((l) => l.stdout).join('\n---\n'));
  // The killed attempt's lines, and then its restarted process's (the same slot, the same log).
  assert.match(killed.stdout, /\[m-0000\d#1\] about to be killed\n/);
  assert.match(killed.stdout.slice(killed.stdout.indexOf('about to be killed')), /registered for job/, 'the restarted worker logs after the killed one');
  const master = await runGomr(['logs', jobId], { home, env: { KUBECONFIG: '/nonexistent' } });
  assert.equal(master.code, 0, master.stderr);
  assert.match(master.stdout, /attempt 2/);
});
