import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { countWords, readOutput, repoRoot, runGomr, tempDir } from './support/run-gomr.js';
import { jobDirIn, readMasterLog, readSummary } from './support/job-watch.js';

/**
 * A mapper that prints 440,000 lines a chunk, under a 1 s heartbeat timeout. Unbounded, that
 * output queued in the worker's control thread made heartbeats late (workers declared dead
 * again and again) and wrote 60 MB of logs for an 829-byte input. Each task may print 1 MiB:
 * the rest is counted, and every line printed or dropped is accounted for.
 */

const noisyWorker = join(repoRoot, 'packages/cli/test/fixtures/noisy-worker.ts');
const input = join(repoRoot, 'examples/data/river.txt');
const LINES = 400_000; // to stdout, and a tenth as many to stderr, per map call
const MAPS = 4;

test('heavy user output is bounded per task and never starves heartbeats', { timeout: 180_000 }, async () => {
  const home = await tempDir('gomr-home-');
  const out = join(await tempDir(), 'out');
  const r = await runGomr(
    [
      'run', '--input', input, '--workers', '2', '--mappers', String(MAPS), '--reducers', '1', '--heartbeat-timeout', '1000',
      '--param', `lines=${LINES}`, '--output', out, '--json', noisyWorker,
    ],
    { home, timeoutMs: 170_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  const { jobId, dir } = await jobDirIn(home);
  const log = await readMasterLog(dir);
  assert.deepEqual(log.filter((l) => /missed heartbeats/.test(l.text)).map((l) => l.text), [], 'no worker was declared dead');
  const summary = await readSummary(home, jobId);
  for (const task of summary.tasks) assert.deepEqual(task.attempts.map((a) => a.outcome), ['committed'], `${task.id} has one attempt`);

  // Every line a map call printed was either written, labelled with its task, or counted as dropped.
  const status = JSON.parse(r.stdout) as { counters: Record<string, number> };
  const logs = (await readdir(dir)).filter((f) => /^worker-\d+\.log$/.test(f));
  let written = 0;
  let logBytes = 0;
  const notices: string[] = [];
  for (const f of logs) {
    logBytes += (await stat(join(dir, f))).size;
    for (const line of (await readFile(join(dir, f), 'utf8')).split('\n')) {
      if (/^\[m-\d{5}#\d+\] (debug|warn) /.test(line)) written++;
      else if (/^\[m-\d{5}#\d+\] gomr: \d+ lines .* dropped/.test(line)) notices.push(line);
    }
  }
  const dropped = status.counters.userOutputDroppedLines ?? 0;
  assert.equal(notices.length, MAPS, `one "dropped" notice per map task: ${notices.join('\n')}`);
  assert.equal(written + dropped, MAPS * (LINES + LINES / 10), 'printed = written + dropped');
  assert.ok(logBytes < MAPS * 1.2 * 1024 * 1024 + 1024 * 1024, `worker logs stay about 1 MiB per task (${logBytes} bytes)`);

  const { lines } = await readOutput(out);
  assert.deepEqual(new Map(lines.map((l) => [l.key, Number(l.value)])), countWords([(await readFile(input, 'utf8')).toLowerCase()]));
});

test('the summary says how much of the job\'s own output was dropped', { timeout: 120_000 }, async () => {
  const home = await tempDir('gomr-home-');
  const r = await runGomr(
    ['run', '--input', input, '--mappers', '1', '--reducers', '1', '--param', 'lines=50000', '--output', join(await tempDir(), 'out'), noisyWorker],
    { home, timeoutMs: 110_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr + r.stdout, /logs +[\d,]+ lines of the job's own output dropped \(over 1 MiB per task/);
});
