import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliBin, countWords, repoRoot, runGomr, tempDir } from './support/run-gomr.js';
import { processesOf } from './support/processes.js';

/**
 * Jobs of steps through the real CLI (`gomr run`, child processes, the local store), checked
 * against the same computation done here directly: step 1 counts words, step 2 groups the
 * words by their count (a step 2 mapper takes step 1's numbers as numbers), step 3 totals
 * them. Each task's first call logs `taskId attempt pid` to the file --param log names (when
 * given) and sleeps --param sleep1 / sleep2 ms (step 1 / later steps), so tests can tell what
 * ran where and have time to kill a process mid-step.
 */
const inputs = ['river.txt', 'lighthouse.txt', 'market.txt'].map((f) => join(repoRoot, 'examples/data', f));
const texts = () => inputs.map((f) => readFileSync(f, 'utf8'));

const worker = (steps: 2 | 3) => `import { run, type Context } from '@gomr/sdk';
import { appendFileSync } from 'node:fs';
const started = new Set<string>();
async function once(ctx: Context, ms: string | undefined) {
  const id = ctx.taskId + '#' + ctx.attempt;
  if (started.has(id)) return;
  started.add(id);
  if (ctx.params.log) appendFileSync(ctx.params.log, ctx.taskId + ' ' + ctx.attempt + ' ' + process.pid + '\\n');
  if (ms) await new Promise((r) => setTimeout(r, Number(ms)));
}
async function words(ctx: Context<number>, chunk: string) {
  await once(ctx, ctx.params.sleep1);
  for (const w of chunk.split(/[^\\p{L}]+/u)) if (w) ctx.emit(w, 1);
}
async function sum(ctx: Context<number>, key: string, values: number[]) {
  await once(ctx, ctx.params.sleep1);
  ctx.emit(key, values.reduce((a, b) => a + b, 0));
}
async function byCount(ctx: Context<string>, word: string, count: number) {
  await once(ctx, ctx.params.sleep2);
  if (typeof count !== 'number') throw new TypeError('step 2 got a ' + typeof count);
  if (word === ctx.params.bad) throw new Error('a bad word: ' + word);
  ctx.emit(String(count), word);
}
async function list(ctx: Context<string[]>, count: string, ws: string[]) {
  await once(ctx, ctx.params.sleep2);
  ctx.emit(count, [...ws].sort());
}
function totals(ctx: Context<number>, count: string, ws: string[]) {
  ctx.emit('distinct', ws.length);
  ctx.emit('tokens', Number(count) * ws.length);
}
function add(ctx: Context<number>, key: string, values: number[]) {
  ctx.emit(key, values.reduce((a, b) => a + b, 0));
}
run({
  steps: [
    { mapper: words, reducer: sum, combiner: sum },
    { mapper: byCount, reducer: list },
    ${steps === 3 ? '{ mapper: totals, reducer: add, combiner: add, reducers: 1 },' : ''}
  ],
});
`;

async function workerFile(dir: string, steps: 2 | 3): Promise<string> {
  const path = join(dir, `steps${steps}.ts`);
  await writeFile(path, worker(steps));
  return path;
}

/** Step 2's output as computed here: each count, with its words sorted. */
function wordsByCount(): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const [w, c] of countWords(texts())) by.set(String(c), [...(by.get(String(c)) ?? []), w]);
  for (const ws of by.values()) ws.sort();
  return by;
}

/** The part files of a jsonl output, as key -> value. */
async function readJsonl(out: string): Promise<Map<string, unknown>> {
  const files = (await readdir(out)).filter((f) => f.startsWith('part-')).sort();
  const got = new Map<string, unknown>();
  for (const f of files) {
    for (const line of (await readFile(join(out, f), 'utf8')).split('\n').filter(Boolean)) {
      const { key, value } = JSON.parse(line) as { key: string; value: unknown };
      assert.ok(!got.has(key), `${key} twice`);
      got.set(key, value);
    }
  }
  return got;
}

const inputArgs = inputs.flatMap((i) => ['--input', i]);

test('2 steps: words grouped by count equal the count done here; --json shows each step; step 1 runs are gone after', async () => {
  const dir = await tempDir();
  const home = await tempDir('gomr-home-');
  const out = join(dir, 'out');
  const r = await runGomr(['run', ...inputArgs, '--workers', '2', '--mappers', '5', '--reducers', '3', '--output-format', 'jsonl', '--json', '--output', out, await workerFile(dir, 2)], { home });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await readJsonl(out), wordsByCount());
  const status = JSON.parse(r.stdout) as { jobId: string; state: string; steps: { step: number; state: string; maps: { total: number; done: number }; reduces: { total: number; done: number }; counters: Record<string, number>; startedMs: number; finishedMs: number }[]; counters: Record<string, number> };
  assert.equal(status.state, 'SUCCEEDED');
  assert.deepEqual(status.steps.map((s) => [s.step, s.state, s.maps.total, s.maps.done, s.reduces.total, s.reduces.done]), [[0, 'DONE', 5, 5, 3, 3], [1, 'DONE', 3, 3, 3, 3]]);
  // Step 2 read what step 1 wrote; the job's input and output are counted once.
  assert.equal(status.steps[1]!.counters.stepInputRecords, status.steps[0]!.counters.stepOutputRecords);
  assert.equal(status.counters.outputRecords, wordsByCount().size);
  for (const s of status.steps) assert.ok(s.startedMs > 0 && s.finishedMs >= s.startedMs);
  // Without --keep-intermediate, step 1's runs are deleted once the job succeeded.
  const jobDir = join(home, 'store', 'jobs', status.jobId);
  assert.ok(!existsSync(join(jobDir, 'reduce')) || readdirSync(join(jobDir, 'reduce')).length === 0, 'step 1 output deleted');
  // gomr status, from the job's summary: each step, and the snapshot's steps in --json.
  const shown = await runGomr(['status', status.jobId], { home, timeoutMs: 30_000 });
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /^ {2}steps {5}2; maps and reduces below are step 2's$/m);
  assert.match(shown.stdout, /^ {2}step 1 {4}done in [\d.]+ s: 5\/5 map, 3\/3 reduce/m);
  const snapshot = JSON.parse((await runGomr(['status', status.jobId, '--json'], { home, timeoutMs: 30_000 })).stdout) as { steps: { state: string }[]; attempts: { taskId: string }[] };
  assert.deepEqual(snapshot.steps.map((x) => x.state), ['DONE', 'DONE']);
  assert.ok(snapshot.attempts.some((x) => x.taskId === 'm-00000') && snapshot.attempts.some((x) => x.taskId === 's1-r-00002'), 'the timeline has every step');
});

test('3 steps: totals equal the count done here; the summary lists the steps; --keep-intermediate keeps steps 1 and 2 output', async () => {
  const dir = await tempDir();
  const home = await tempDir('gomr-home-');
  const out = join(dir, 'out');
  const r = await runGomr(['run', ...inputArgs, '--workers', '2', '--mappers', '4', '--reducers', '2', '--keep-intermediate', '--output', out, await workerFile(dir, 3)], { home });
  assert.equal(r.code, 0, r.stderr);
  const counts = countWords(texts());
  const tokens = [...counts.values()].reduce((a, b) => a + b, 0);
  assert.equal(await readFile(join(out, 'part-00000'), 'utf8'), `distinct\t${counts.size}\ntokens\t${tokens}\n`);
  assert.deepEqual(readdirSync(out).filter((f) => f.startsWith('part-')), ['part-00000'], 'the last step has one reducer: one part');
  assert.match(r.stdout, /tasks {5}8 map, 5 reduce in 3 steps/);
  assert.match(r.stdout, /step 1 {4}done in [\d.]+ s: 4\/4 map, 2\/2 reduce/);
  assert.match(r.stdout, /step 3 {4}done in [\d.]+ s: 2\/2 map, 1\/1 reduce/);
  const job = readdirSync(join(home, 'store', 'jobs'))[0]!;
  const kept = readdirSync(join(home, 'store', 'jobs', job, 'reduce')).sort();
  assert.deepEqual(kept.filter((f) => f.endsWith('.run')).map((f) => f.replace(/\.a\d+\./, '.')), [
    'r-00000.part-00000.run', 'r-00001.part-00001.run', 's1-r-00000.part-00000.run', 's1-r-00001.part-00001.run',
  ]);
});

test('--skip-bad-records in step 2: the record its mapper throws on is skipped and reported, the rest is exact', async () => {
  const dir = await tempDir();
  const out = join(dir, 'out');
  const r = await runGomr(['run', ...inputArgs, '--workers', '2', '--reducers', '2', '--max-attempts', '2', '--skip-bad-records', '--param', 'bad=river',
    '--output-format', 'jsonl', '--output', out, await workerFile(dir, 2)]);
  assert.equal(r.code, 0, r.stderr);
  const expected = wordsByCount();
  const count = String(countWords(texts()).get('river'));
  const rest = expected.get(count)!.filter((w) => w !== 'river');
  if (rest.length) expected.set(count, rest);
  else expected.delete(count);
  assert.deepEqual(await readJsonl(out), expected);
  assert.match(r.stdout, /skipped {3}1 bad records/);
  // Its dead letter: the record of step 1's output the step 2 mapper threw on.
  const letters = (await readdir(join(out, '_skipped'))).map((f) => join(out, '_skipped', f));
  const lines = (await Promise.all(letters.map((f) => readFile(f, 'utf8')))).join('').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.record), [{ key: 'river', value: countWords(texts()).get('river') }]);
  assert.match(lines[0].task, /^s1-m-\d{5}$/);
});

test('a map-only last step: one part-m file per reduce of the step before, its records as the mapper emitted them', async () => {
  const dir = await tempDir();
  const file = join(dir, 'filter.ts');
  await writeFile(file, `import { run, type Context } from '@gomr/sdk';
run({
  steps: [
    { mapper: (ctx: Context<number>, chunk: string) => { for (const w of chunk.split(/[^\\p{L}]+/u)) if (w) ctx.emit(w, 1); }, reducer: (ctx: Context<number>, k: string, v: number[]) => ctx.emit(k, v.length) },
    { mapper: (ctx: Context<number>, word: string, count: number) => { if (count > 2) ctx.emit(word, count); } },
  ],
});
`);
  const out = join(dir, 'out');
  const r = await runGomr(['run', ...inputArgs, '--workers', '2', '--reducers', '3', '--output-format', 'jsonl', '--output', out, file]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(out).filter((f) => f.startsWith('part-')).sort(), ['part-m-00000', 'part-m-00001', 'part-m-00002']);
  const expected = new Map([...countWords(texts())].filter(([, c]) => c > 2));
  assert.deepEqual(await readJsonl(out), expected);
  assert.match(r.stdout, /step 2 {4}done in [\d.]+ s: 3\/3 map, no reduce \(map-only\)/);
  assert.match(r.stdout, /shuffle/, 'the job\'s counters still show step 1\'s shuffle');
});

test('--dry-run prints the steps', async () => {
  const dir = await tempDir();
  const r = await runGomr(['run', ...inputArgs, '--mappers', '4', '--reducers', '2', '--dry-run', await workerFile(dir, 3)]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^steps {9}3; the tasks above are step 1's$/m);
  assert.match(r.stdout, /^ {2}step 2 {2}2 map, 2 reduce; reads step 1's output/m);
  assert.match(r.stdout, /^ {2}step 3 {2}2 map, 1 reduce; reads step 2's output.*writes part-00000$/m);
});

test('types flow from step to step: a step 2 mapper that takes a string where step 1 emits numbers does not type-check', async () => {
  const dir = await tempDir();
  const good = join(dir, 'good.ts');
  const bad = join(dir, 'bad.ts');
  const src = (value: string) => `import { run, type Context } from '@gomr/sdk';
run({
  steps: [
    { mapper: (ctx: Context<number>, chunk: string) => ctx.emit(chunk, 1), reducer: (ctx: Context<number>, k: string, v: number[]) => ctx.emit(k, v.length) },
    { mapper: (ctx: Context<number>, key: string, ${value}) => ctx.emit(key, 1), reducer: (ctx: Context<number>, k: string, v: number[]) => ctx.emit(k, v.length) },
  ],
});
`;
  await writeFile(good, src('value: number'));
  await writeFile(bad, src('value: string'));
  const ok = await runGomr(['check', good]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /defines 2 steps \(1: mapper, reducer; 2: mapper, reducer\)/);
  const refused = await runGomr(['check', bad]);
  assert.equal(refused.code, 4, refused.stderr);
  assert.match(refused.stderr, /does not type-check/);
});

for (const [name, definition, message] of [
  ['an empty steps array', 'run({ steps: [] } as any);', /steps is empty/],
  ['a step without a mapper', 'run({ steps: [{ mapper: (c: any, l: string) => c.emit(l, 1), reducer: (c: any, k: string) => c.emit(k, 1) }, { reducer: (c: any, k: string) => c.emit(k, 1) }] } as any);', /step 2 has no mapper function/],
  ['both steps and a mapper', 'run({ mapper: (c: any, l: string) => c.emit(l, 1), steps: [{ mapper: (c: any, l: string) => c.emit(l, 1) }] } as any);', /either steps or a mapper at the top level, not both/],
  ['a step before the last without a reducer', 'run({ steps: [{ mapper: (c: any, l: string) => c.emit(l, 1) }, { mapper: (c: any, k: string) => c.emit(k, 1) }] } as any);', /step 1 has no reducer; only the last step may be map-only/],
] as const) {
  test(`a bad definition of steps (${name}): one line, exit 4, nothing run`, async () => {
    const dir = await tempDir();
    const file = join(dir, 'bad.ts');
    await writeFile(file, `import { run } from '@gomr/sdk';\n${definition}\n`);
    const r = await runGomr(['run', '--input', inputs[0]!, '--output', join(dir, 'out'), '--quiet', file]);
    assert.equal(r.code, 4, r.stderr);
    const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('gomr:'));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^gomr: bad worker file: /);
    assert.match(lines[0]!, message);
  });
}

/** Lines of the execution log: task, attempt, pid. */
function executions(log: string): { task: string; attempt: number; pid: number }[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => {
    const [task, attempt, pid] = l.split(' ');
    return { task: task!, attempt: Number(attempt), pid: Number(pid) };
  });
}

/** Starts a 2-step job whose step 2 tasks take `sleep2` ms each; resolves with its handles. */
function startSlowStep2(dir: string, file: string, log: string, out: string) {
  const child = spawn(process.execPath, [cliBin, 'run', ...inputArgs, '--workers', '2', '--mappers', '4', '--reducers', '4', '--heartbeat-timeout', '2000',
    '--output-format', 'jsonl', '--param', `log=${log}`, '--param', 'sleep2=1500', '--output', out, '--quiet', file], { env: { ...process.env, GOMR_HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  return { child, exited, stderr: () => stderr };
}

async function waitFor<T>(what: string, fn: () => T | undefined, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

test('a worker SIGKILLed during step 2: the step 2 task runs again elsewhere, the output is exact, step 1 is not redone', { timeout: 120_000 }, async () => {
  const dir = await tempDir();
  const log = join(dir, 'executions.log');
  const out = join(dir, 'out');
  const job = startSlowStep2(dir, await workerFile(dir, 2), log, out);
  const victim = await waitFor('a step 2 map task', () => executions(log).find((e) => e.task.startsWith('s1-m-')));
  process.kill(victim.pid, 'SIGKILL');
  assert.equal(await job.exited, 0, job.stderr());
  assert.deepEqual(await readJsonl(out), wordsByCount());
  const runs = executions(log);
  assert.ok(runs.some((e) => e.task === victim.task && e.attempt > victim.attempt), `${victim.task} ran again after its worker died`);
  for (const e of runs.filter((x) => !x.task.startsWith('s1-'))) assert.equal(e.attempt, 1, `step 1 task ${e.task} ran once`);
});

test('kill -9 of the master during step 2: it restarts at step 2, step 1 does not run again, the output is exact', { timeout: 120_000 }, async () => {
  const dir = await tempDir();
  const log = join(dir, 'executions.log');
  const out = join(dir, 'out');
  const job = startSlowStep2(dir, await workerFile(dir, 2), log, out);
  await waitFor('a step 2 map task', () => executions(log).find((e) => e.task.startsWith('s1-m-')));
  const master = processesOf(job.child.pid!).find((p) => p.role === 'master');
  assert.ok(master, 'master process found');
  const before = executions(log);
  process.kill(master.pid, 'SIGKILL');
  assert.equal(await job.exited, 0, job.stderr());
  assert.deepEqual(await readJsonl(out), wordsByCount());
  const step1 = executions(log).filter((e) => !e.task.startsWith('s1-'));
  assert.deepEqual(step1, before.filter((e) => !e.task.startsWith('s1-')), 'no step 1 task ran after the restart');
  assert.equal(new Set(step1.map((e) => e.task)).size, step1.length, 'each step 1 task ran once');
  const masterLog = readFileSync(join(dir, 'jobs', readdirSync(join(dir, 'jobs'))[0]!, 'master.log'), 'utf8');
  assert.match(masterLog, /restarted \(epoch 2\): \d+ committed tasks restored/);
});
