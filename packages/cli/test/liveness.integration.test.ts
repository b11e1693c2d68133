import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { countWords, readOutput, repoRoot, runGomr, tempDir } from './support/run-gomr.js';
import { byTask, chaosWorker, jobDirIn, readExecutions, readMasterLog, readSummary } from './support/job-watch.js';

/**
 * Liveness is not user code: a mapper that computes for 60 s without ever yielding, under a
 * 3 s heartbeat timeout, is a live worker. Its task runs once and the job succeeds.
 */

const COMPUTE_MS = 60_000;
const input = join(repoRoot, 'examples/data/river.txt');

test(`a mapper computing ${COMPUTE_MS / 1000} s without yielding is not a dead worker`, { timeout: COMPUTE_MS + 90_000 }, async () => {
  const home = await tempDir('gomr-home-');
  const logDir = await tempDir('gomr-exec-');
  const out = join(await tempDir(), 'out');
  const r = await runGomr(
    [
      'run', '--input', input, '--workers', '2', '--mappers', '1', '--reducers', '1', '--heartbeat-timeout', '3000',
      '--param', `log=${logDir}`, '--param', `busyMs=${COMPUTE_MS}`, '--output', out, '--quiet', chaosWorker,
    ],
    { home, timeoutMs: COMPUTE_MS + 60_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.ms >= COMPUTE_MS, `the mapper really computed for ${COMPUTE_MS} ms (job took ${r.ms} ms)`);

  const tasks = byTask(await readExecutions(logDir));
  assert.deepEqual([...tasks.keys()].sort(), ['m-00000', 'r-00000']);
  for (const [task, runs] of tasks) assert.equal(runs.length, 1, `${task} ran ${runs.length} times`);

  const { jobId, dir } = await jobDirIn(home);
  const summary = await readSummary(home, jobId);
  for (const task of summary.tasks) assert.deepEqual(task.attempts.map((a) => a.outcome), ['committed'], `${task.id} has one attempt`);
  const log = await readMasterLog(dir);
  assert.deepEqual(log.filter((l) => /missed heartbeats/.test(l.text)), [], 'no worker was declared dead');

  const { lines } = await readOutput(out);
  assert.deepEqual(new Map(lines.map((l) => [l.key, Number(l.value)])), countWords([await readFile(input, 'utf8')]));
});
