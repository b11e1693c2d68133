import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readOutput, runGomr, tempDir } from './support/run-gomr.js';
import { byTask, chaosWorker, jobDirIn, readExecutions, readMasterLog, readSummary } from './support/job-watch.js';

/**
 * The local runtime restarts workers that die at work for as long as the master keeps the job
 * going: here every map task kills its worker once, 24 deaths on one worker slot, more than the
 * 20 that once made the runtime give up on a job the master would have finished.
 */

const MAPS = 24;

test(`${MAPS} tasks that each kill their only worker once: the job succeeds`, { timeout: 150_000 }, async () => {
  const dir = await tempDir();
  const input = join(dir, 'numbers.txt');
  // Distinct words of letters only (the word-count tokenizer splits at anything else).
  const numbers = Array.from({ length: 3000 }, (_, i) => 'n' + [...String(i)].map((d) => 'abcdefghij'[Number(d)]).join(''));
  await writeFile(input, numbers.join('\n') + '\n');
  const home = await tempDir('gomr-home-');
  const logDir = await tempDir('gomr-exec-');
  const out = join(dir, 'out');
  const r = await runGomr(
    [
      'run', '--input', input, '--workers', '1', '--mappers', String(MAPS), '--heartbeat-timeout', '1000',
      '--param', 'die=first', '--param', `log=${logDir}`, '--output', out, '--quiet', chaosWorker,
    ],
    { home, timeoutMs: 120_000 },
  );
  assert.equal(r.code, 0, r.stderr);

  const maps = [...byTask(await readExecutions(logDir))].filter(([task]) => task.startsWith('m-'));
  assert.equal(maps.length, MAPS);
  for (const [task, runs] of maps) assert.deepEqual(runs.map((e) => e.attempt), [1, 2], `${task}: killed once, then run again`);
  const { jobId, dir: jobDir } = await jobDirIn(home);
  const registered = (await readMasterLog(jobDir)).filter((l) => / registered \(/.test(l.text));
  assert.equal(registered.length, MAPS + 1, 'the first worker and one replacement per death');
  for (const task of (await readSummary(home, jobId)).tasks.filter((t) => t.id.startsWith('m-'))) {
    assert.deepEqual(task.attempts.map((a) => a.outcome), ['killed', 'committed'], task.id);
  }

  const { lines } = await readOutput(out);
  assert.deepEqual(lines.map((l) => [l.key, l.value]), [...numbers].sort().map((n) => [n, '1']));
  assert.equal((await readFile(join(out, 'part-00000'), 'utf8')).split('\n').length, numbers.length + 1);
});
