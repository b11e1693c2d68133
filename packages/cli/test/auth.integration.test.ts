import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { MasterConnection } from '@gomr/proto';
import { countWords, readOutput, repoRoot, tempDir } from './support/run-gomr.js';
import { byTask, chaosWorker, jobDirIn, readExecutions, readMasterLog, spawnGomr } from './support/job-watch.js';

/**
 * A client without the job's token cannot join the master of a real job started by the CLI:
 * every worker call is refused with UNAUTHENTICATED, the read-only status call still answers,
 * and the job goes on undisturbed.
 */

const inputs = ['lighthouse.txt', 'river.txt'].map((f) => join(repoRoot, 'examples/data', f));

function unauthenticated(err: unknown): boolean {
  return (err as ServiceError).code === grpcStatus.UNAUTHENTICATED;
}

/**
 * The master's port, from master.log, once it listens, and the job's token, once its spec is
 * written (the master listens before it: the pre-flight check may still run).
 */
async function masterPort(home: string, deadline: number): Promise<{ port: number; token: string }> {
  for (;;) {
    const job = await jobDirIn(home).catch(() => null);
    if (job) {
      const listening = (await readMasterLog(job.dir)).find((l) => /^master listening on port \d+/.test(l.text));
      const spec = await readFile(join(job.dir, 'spec.json'), 'utf8').catch(() => '');
      if (listening && spec) return { port: Number(/port (\d+)/.exec(listening.text)![1]), token: (JSON.parse(spec) as { token: string }).token };
    }
    if (Date.now() > deadline) throw new Error('the master never logged its port, or the spec was never written');
    await sleep(50);
  }
}

test('a worker with the wrong token is refused; status stays readable; the job is unharmed', { timeout: 120_000 }, async () => {
  const home = await tempDir('gomr-home-');
  const logDir = await tempDir('gomr-exec-');
  const out = join(await tempDir(), 'out');
  const job = spawnGomr(
    ['run', ...inputs.flatMap((i) => ['--input', i]), '--workers', '2', '--mappers', '2', '--param', `log=${logDir}`, '--param', 'mapMs=4000', '--output', out, '--quiet', chaosWorker],
    home,
    90_000,
  );
  const { port, token: jobToken } = await masterPort(home, Date.now() + 60_000);
  assert.ok(jobToken.length >= 16, 'the job has a real token');

  for (const token of ['wrong-token', '', jobToken.slice(0, -1)]) {
    const intruder = new MasterConnection(`127.0.0.1:${port}`, { token, deadlineMs: 5000 });
    try {
      await assert.rejects(intruder.register({ host: 'intruder', pid: 1, version: '0' }), unauthenticated, `register with token ${JSON.stringify(token)}`);
      await assert.rejects(intruder.taskChannel().getTask({ workerId: 'w-001' }), unauthenticated, 'task stream get');
      await assert.rejects(intruder.heartbeat({ workerId: 'w-001', taskId: 'm-00000', attempt: 1, progress: 0 }), unauthenticated, 'heartbeat');
      await assert.rejects(
        intruder.taskChannel().reportTask({ workerId: 'w-001', taskId: 'm-00000', attempt: 1, ok: false, error: { message: 'forged', stack: '', input: '', offset: 0, key: '' } }),
        unauthenticated,
        'task stream report',
      );
      const status = await intruder.getStatus();
      assert.match(status.state, /MAPPING|REDUCING/, 'status is readable without the token while the job runs');
      assert.ok(status.workers.every((w) => w.host !== 'intruder'), 'the intruder is not a worker');
    } finally {
      intruder.close();
    }
  }

  assert.equal(await job.exited, 0, job.stderr());
  const { lines } = await readOutput(out);
  assert.deepEqual(new Map(lines.map((l) => [l.key, Number(l.value)])), countWords(await Promise.all(inputs.map((p) => readFile(p, 'utf8')))));
  for (const [task, runs] of byTask(await readExecutions(logDir))) assert.equal(runs.length, 1, `${task} ran once`);
});
