import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { countWords, readOutput, repoRoot, runGomr, tempDir } from './support/run-gomr.js';
import { byTask, chaosWorker, jobDirIn, readExecutions, readMasterLog, readSummary } from './support/job-watch.js';

/**
 * A healthy job whose tasks take a normal 2-5 s each runs every task exactly once: no backup
 * copies (speculation), no re-runs. The durations grow with the task index, so the last tasks
 * of each phase are the slowest while workers sit idle: the shape that tempts a speculator.
 */

const inputs = ['lighthouse.txt', 'market.txt', 'river.txt'].map((f) => join(repoRoot, 'examples/data', f));

test('a healthy job with 2-5 s tasks runs every task exactly once', { timeout: 120_000 }, async () => {
  const home = await tempDir('gomr-home-');
  const logDir = await tempDir('gomr-exec-');
  const out = join(await tempDir(), 'out');
  const r = await runGomr(
    [
      'run', ...inputs.flatMap((i) => ['--input', i]), '--workers', '2', '--mappers', '6', '--reducers', '2',
      '--param', `log=${logDir}`, '--param', 'mapMs=2000,3000,4000,5000', '--param', 'reduceMs=2000,5000',
      '--param', 'sleep=mixed', '--output', out, '--quiet', chaosWorker,
    ],
    { home, timeoutMs: 100_000 },
  );
  assert.equal(r.code, 0, r.stderr);

  const executions = await readExecutions(logDir);
  const tasks = byTask(executions);
  assert.equal(tasks.size, 8, '6 map and 2 reduce tasks ran');
  for (const [task, runs] of tasks) assert.equal(runs.length, 1, `${task} ran ${runs.length} times: ${JSON.stringify(runs)}`);

  const { jobId, dir } = await jobDirIn(home);
  const summary = await readSummary(home, jobId);
  for (const task of summary.tasks) assert.deepEqual(task.attempts.map((a) => a.outcome), ['committed'], `${task.id} has one attempt`);
  const log = await readMasterLog(dir);
  assert.deepEqual(log.filter((l) => /missed heartbeats|speculative|re-run/.test(l.text)), [], 'no worker lost, no backup task');

  const { lines } = await readOutput(out);
  const expected = countWords(await Promise.all(inputs.map((p) => readFile(p, 'utf8'))));
  assert.deepEqual(new Map(lines.map((l) => [l.key, Number(l.value)])), expected);
});
