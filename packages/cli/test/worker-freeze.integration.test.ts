import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { countWords, readOutput, repoRoot, tempDir } from './support/run-gomr.js';
import { byTask, chaosWorker, jobDirIn, jobProcesses, readExecutions, readMasterLog, readSummary, spawnGomr } from './support/job-watch.js';

/**
 * A worker that hangs (SIGSTOP) mid-task for longer than the heartbeat timeout, then wakes up
 * (SIGCONT) and finishes its stale attempt: the master has given the task to another worker,
 * ignores the late result, and the output counts every record once.
 */

const inputs = ['lighthouse.txt', 'market.txt', 'river.txt'].map((f) => join(repoRoot, 'examples/data', f));

test('a worker frozen mid-map past the heartbeat timeout, then woken: its late result is ignored', { timeout: 150_000 }, async (t) => {
  const home = await tempDir('gomr-home-');
  const logDir = await tempDir('gomr-exec-');
  const out = join(await tempDir(), 'out');
  const args = ['run', ...inputs.flatMap((i) => ['--input', i]), '--workers', '3', '--mappers', '6', '--reducers', '2', '--heartbeat-timeout', '2000'];
  args.push('--param', `log=${logDir}`, '--param', 'mapMs=3000', '--param', 'reduceMs=2000', '--output', out, '--quiet', chaosWorker);
  const job = spawnGomr(args, home, 120_000);

  // Freeze the worker of the first map attempt 2.5 s into its 3 s task, for 3 s: it wakes with
  // its task nearly done while the job still runs (6 maps of 3 s on 3 workers, then reduces).
  let victim;
  for (let i = 0; i < 600 && !victim; i++) {
    victim = (await readExecutions(logDir)).find((e) => e.kind === 'map');
    if (!victim) await sleep(50);
  }
  assert.ok(victim, 'a map task started');
  assert.ok(jobProcesses(job.child.pid!).some((p) => p.pid === victim.pid && p.role === 'worker'));
  await sleep(Math.max(0, victim.t + 2500 - Date.now()));
  process.kill(victim.pid, 'SIGSTOP');
  const frozenAt = Date.now();
  await sleep(3000);
  process.kill(victim.pid, 'SIGCONT');
  const wokenAt = Date.now();
  assert.equal(await job.exited, 0, job.stderr());

  const { lines } = await readOutput(out);
  assert.deepEqual(new Map(lines.map((l) => [l.key, Number(l.value)])), countWords(await Promise.all(inputs.map((p) => readFile(p, 'utf8')))));

  const runs = byTask(await readExecutions(logDir));
  assert.equal(runs.get(victim.task)!.length, 2, 'the frozen task ran again elsewhere');
  for (const [task, r] of runs) if (task !== victim.task) assert.equal(r.length, 1, `${task} ran once`);
  const { jobId, dir } = await jobDirIn(home);
  const attempts = (await readSummary(home, jobId)).tasks.find((x) => x.id === victim.task)!.attempts;
  assert.deepEqual(attempts.map((a) => [a.attempt, a.outcome]), [[victim.attempt, 'killed'], [victim.attempt + 1, 'committed']]);
  const log = await readMasterLog(dir);
  const lost = log.find((l) => l.text.includes(`worker ${victim.worker} missed heartbeats`));
  assert.ok(lost, 'the frozen worker was declared lost');
  assert.ok(log.find((l) => / (SUCCEEDED|FAILED) in /.test(l.text))!.t > wokenAt, 'the worker woke while the job still ran');
  t.diagnostic(`frozen worker declared lost ${lost.t - frozenAt} ms after SIGSTOP`);
});
