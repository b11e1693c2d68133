import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliBin, countWords, readOutput, repoRoot, tempDir } from './support/run-gomr.js';
import { processesOf } from './support/processes.js';

/**
 * Word count whose every map and reduce task logs its execution to a file, and takes about a
 * second, so there is time to kill the master while tasks are in flight.
 */
const COUNTING_WORKER = `import { run } from '@gomr/sdk';
import { appendFileSync } from 'node:fs';
const started = new Set<string>();
async function once(ctx: any) {
  const id = ctx.taskId + '#' + ctx.attempt;
  if (started.has(id)) return;
  started.add(id);
  appendFileSync(ctx.params.log, ctx.taskId + ' ' + ctx.attempt + '\\n');
  await new Promise((r) => setTimeout(r, 700));
}
run({
  async mapper(ctx, chunk) { await once(ctx); for (const w of chunk.split(/[^\\p{L}]+/u)) if (w) ctx.emit(w, 1); },
  async reducer(ctx, key, values) { await once(ctx); ctx.emit(key, values.reduce((a: number, b: number) => a + b, 0)); },
});
`;

/** Task ids in the master's commit log: an object holds one record, or an array of them. */
function committedTasks(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const parsed = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { taskId: string } | { taskId: string }[];
    return (Array.isArray(parsed) ? parsed : [parsed]).map((r) => r.taskId);
  });
}

async function killMasterDuring(phase: 'map' | 'reduce') {
  const dir = await tempDir();
  const worker = join(dir, 'counting.ts');
  await writeFile(worker, COUNTING_WORKER);
  const log = join(dir, 'executions.log');
  const inputs = ['river.txt', 'lighthouse.txt', 'market.txt'].map((f) => join(repoRoot, 'examples/data', f));
  const out = join(dir, 'out');
  const child = spawn(process.execPath, [cliBin, 'run', ...inputs.flatMap((i) => ['--input', i]), '--workers', '2', '--mappers', '8', '--reducers', '4',
    '--heartbeat-timeout', '3000', '--param', `log=${log}`, '--output', out, worker], { env: { ...process.env, GOMR_HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));

  // Wait for the first commits of the chosen phase, then kill -9 the master.
  const jobsDir = join(dir, 'store', 'jobs');
  const prefix = phase === 'map' ? 'm-' : 'r-';
  let committedBefore: string[] = [];
  for (let i = 0; i < 1200 && committedBefore.length < 2; i++) {
    await sleep(50);
    const job = existsSync(jobsDir) ? readdirSync(jobsDir)[0] : undefined;
    const commits = job ? join(jobsDir, job, 'commits') : '';
    if (commits && existsSync(commits)) committedBefore = committedTasks(commits).filter((t) => t.startsWith(prefix));
  }
  assert.ok(committedBefore.length >= 2, `no ${phase} commits seen\n${stderr}`);
  const master = processesOf(child.pid!).find((p) => p.role === 'master');
  assert.ok(master, 'master process found');
  const allCommitted = committedTasks(join(jobsDir, readdirSync(jobsDir)[0]!, 'commits'));
  process.kill(master.pid, 'SIGKILL');

  assert.equal(await exited, 0, stderr);
  assert.match(stderr, /master exited \(code \d+\); restarting it/);
  const expected = countWords(inputs.map((f) => readFileSync(f, 'utf8')));
  const { lines } = await readOutput(out);
  assert.deepEqual(new Map(lines.map((l) => [l.key, Number(l.value)])), expected);

  const runs = new Map<string, number>();
  for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
    const task = line.split(' ')[0]!;
    runs.set(task, (runs.get(task) ?? 0) + 1);
  }
  for (const task of allCommitted) assert.equal(runs.get(task), 1, `${task} was committed before the kill and must not run again`);
  return { committedBefore: allCommitted, runs };
}

test('kill -9 of the master mid-map: it restarts, resumes, and committed maps do not run again', async () => {
  const { committedBefore } = await killMasterDuring('map');
  assert.ok(committedBefore.some((t) => t.startsWith('m-')));
});

test('kill -9 of the master mid-reduce: same output, committed maps and reduces do not run again', async () => {
  const { committedBefore, runs } = await killMasterDuring('reduce');
  assert.equal(committedBefore.filter((t) => t.startsWith('m-')).length, 8, 'every map committed before the reduce phase');
  for (let m = 0; m < 8; m++) assert.equal(runs.get(`m-0000${m}`), 1);
});
