import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultPartition } from '@gomr/sdk/data';
import { countWords, readOutput, runGomr, tempDir } from './support/run-gomr.js';
import { byTask, chaosWorker, jobDirIn, readExecutions, readSummary, storeLeftovers, vocabularyFor } from './support/job-watch.js';

/**
 * The MIT 6.824 crash test: at the start of every map and reduce call the worker dies, stalls
 * for up to 10 s, or goes on, a third of the time each. The job must still give exactly the
 * output of a run without faults, in bounded time, every time.
 *
 * The reducer is called once per key, so a reduce task with k keys survives an attempt with
 * probability (2/3)^k, and the master gives up on a task after 16 killed attempts. Like the
 * MIT app (4 keys in all), the input has few distinct words: one per partition, so a task dies
 * 16 times in a row with probability (1/3)^16, never in practice (two per partition would make
 * that (5/9)^16, about one failed CI run in a thousand).
 */

const RUNS = 3;
const REDUCERS = 6;
const RUN_BOUND_MS = 180_000;

async function writeInputs(dir: string): Promise<string[]> {
  const vocab = vocabularyFor(REDUCERS, 1, defaultPartition);
  const paths: string[] = [];
  let seed = 7;
  // The high bits: an LCG's low bits repeat with short periods.
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 16;
  for (let f = 0; f < 4; f++) {
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) lines.push(Array.from({ length: 1 + (next() % 8) }, () => vocab[next() % vocab.length]).join(' '));
    const p = join(dir, `in-${f}.txt`);
    await writeFile(p, lines.join('\n') + '\n');
    paths.push(p);
  }
  return paths;
}

async function wordcount(inputs: string[], out: string, params: string[], home: string, tmp?: string) {
  const args = ['run', ...inputs.flatMap((i) => ['--input', i]), '--workers', '3', '--mappers', '8', '--reducers', String(REDUCERS)];
  args.push('--heartbeat-timeout', '2000', ...params.flatMap((p) => ['--param', p]), '--output', out, '--quiet', chaosWorker);
  return runGomr(args, { home, timeoutMs: RUN_BOUND_MS, ...(tmp ? { env: { TMPDIR: tmp } } : {}) });
}

async function partFiles(dir: string): Promise<string[]> {
  const { files } = await readOutput(dir);
  return Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
}

test(`crash app: ${RUNS} runs with dying and stalling workers give the fault-free output`, { timeout: RUNS * RUN_BOUND_MS + 120_000 }, async (t) => {
  const dir = await tempDir();
  const inputs = await writeInputs(dir);

  const clean = await wordcount(inputs, join(dir, 'clean'), [], await tempDir('gomr-home-'));
  assert.equal(clean.code, 0, clean.stderr);
  const expectedParts = await partFiles(join(dir, 'clean'));
  const expected = countWords(await Promise.all(inputs.map((p) => readFile(p, 'utf8'))));
  const { lines } = await readOutput(join(dir, 'clean'));
  assert.deepEqual(new Map(lines.map((l) => [l.key, Number(l.value)])), expected, 'the fault-free run counts every word');
  assert.equal(expected.size, REDUCERS, 'every word of the vocabulary occurs, so every reduce task has work');

  const times: number[] = [];
  let extraExecutions = 0;
  for (let run = 1; run <= RUNS; run++) {
    const home = await tempDir('gomr-home-');
    const logDir = await tempDir('gomr-exec-');
    const out = join(dir, `crash-${run}`);
    const tmp = await tempDir('gomr-tmp-');
    const r = await wordcount(inputs, out, ['chaos=crash', `log=${logDir}`], home, tmp);
    times.push(r.ms);
    assert.equal(r.code, 0, `crash run ${run} failed:\n${r.stderr}`);
    assert.deepEqual(await readdir(tmp), [], 'dead workers leave nothing in TMPDIR');
    assert.deepEqual(await partFiles(out), expectedParts, `crash run ${run}: part files differ from the fault-free run`);

    // Lost attempts are killed, never failed: the user's code never threw.
    const { jobId } = await jobDirIn(home);
    const summary = await readSummary(home, jobId);
    assert.deepEqual(await storeLeftovers(home, jobId), [], 'no attempt output or temp file is left in the store');
    const attempts = summary.tasks.flatMap((task) => task.attempts.map((a) => ({ task: task.id, ...a })));
    assert.deepEqual(attempts.filter((a) => a.outcome === 'failed'), [], 'no attempt counts as failed');
    for (const task of summary.tasks) assert.equal(task.attempts.filter((a) => a.outcome === 'committed').length, 1, `${task.id} committed once`);
    const executions = await readExecutions(logDir);
    assert.equal(byTask(executions).size, summary.tasks.length, 'every task ran');
    extraExecutions += executions.length - byTask(executions).size;
    const killed = attempts.filter((a) => a.outcome === 'killed').length;
    t.diagnostic(`crash run ${run}: ${(r.ms / 1000).toFixed(1)} s, ${executions.length} attempts started for ${summary.tasks.length} tasks, ${killed} killed`);
  }
  // Each call dies with probability 1/3: three runs without a single death would mean no faults were injected.
  assert.ok(extraExecutions > 0, 'the crash app re-ran tasks');
  t.diagnostic(`crash runs: ${times.map((ms) => (ms / 1000).toFixed(1) + ' s').join(', ')}`);
});
