import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readOutput, repoRoot, runGomr, tempDir } from './support/run-gomr.js';

/**
 * The output directory: locked for the job's life, checked again before the final rename,
 * kept apart from the inputs, and its location checked before anything starts.
 */

const wordcount = join(repoRoot, 'examples/wordcount/worker.ts');
const gated = join(repoRoot, 'packages/cli/test/fixtures/gated-worker.ts');

function lockOf(out: string): string {
  return join(dirname(out), `.${basename(out)}.gomr-lock`);
}

async function until(what: string, ok: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('gomr:'));
}

async function setup() {
  const dir = await tempDir();
  const input = join(dir, 'in.txt');
  await writeFile(input, 'one two two\nthree three three\n');
  return { dir, input, out: join(dir, 'out'), gate: join(dir, 'go') };
}

test('a second job with the same --output is refused at once, naming the first; the first completes', async () => {
  const { input, out, gate } = await setup();
  const first = runGomr(['run', '--input', input, '--workers', '1', '--param', `gate=${gate}`, '--quiet', '--output', out, gated], { timeoutMs: 120_000 });
  await until('the first job to lock its output', () => existsSync(lockOf(out)));
  const firstJob = JSON.parse(await readFile(lockOf(out), 'utf8')).jobId as string;
  const second = await runGomr(['run', '--input', input, '--quiet', '--output', out, wordcount], { timeoutMs: 60_000 });
  assert.equal(second.code, 2, second.stderr);
  assert.equal(errorLines(second.stderr).length, 1, second.stderr);
  assert.match(errorLines(second.stderr)[0]!, new RegExp(`output directory .*out is in use by job ${firstJob} \\(pid \\d+`));
  await writeFile(gate, '');
  const r = await first;
  assert.equal(r.code, 0, r.stderr);
  const { lines } = await readOutput(out);
  assert.deepEqual(lines.map((l) => `${l.key}=${l.value}`), ['one=1', 'three=3', 'two=2']);
  assert.equal(existsSync(lockOf(out)), false, 'the lock is released');
});

test('a stale lock of a dead process is taken over', async () => {
  const { input, out } = await setup();
  const dead = spawn(process.execPath, ['-e', '0']);
  const pid = dead.pid!;
  await new Promise((r) => dead.on('exit', r));
  await writeFile(lockOf(out), JSON.stringify({ pid, host: hostname(), jobId: 'long-gone', since: new Date().toISOString() }));
  const r = await runGomr(['run', '--input', input, '--quiet', '--output', out, wordcount], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await readOutput(out)).lines.length, 3);
  assert.equal(existsSync(lockOf(out)), false);
});

test('a staging folder left by a killed run for the same output is removed at start', async () => {
  const { dir, input, out } = await setup();
  const dead = spawn(process.execPath, ['-e', '0']);
  const pid = dead.pid!;
  await new Promise((r) => dead.on('exit', r));
  const stale = join(dir, `.out.gomr-staging-${pid}`);
  await mkdir(stale);
  await writeFile(join(stale, 'part-00000'), 'half a part');
  const r = await runGomr(['run', '--input', input, '--quiet', '--output', out, wordcount], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(existsSync(stale), false, 'the stale staging folder is gone');
  assert.deepEqual((await readdir(dir)).sort(), ['in.txt', 'out']);
});

test('a file added to the output directory during the run is not deleted without --overwrite', async () => {
  const { input, out, gate } = await setup();
  const job = runGomr(['run', '--input', input, '--workers', '1', '--param', `gate=${gate}`, '--quiet', '--output', out, gated], { timeoutMs: 120_000 });
  await until('the job to lock its output', () => existsSync(lockOf(out)));
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'precious.txt'), 'keep me\n');
  await writeFile(gate, '');
  const r = await job;
  assert.equal(r.code, 2, r.stderr);
  assert.equal(errorLines(r.stderr).length, 1, r.stderr);
  assert.match(errorLines(r.stderr)[0]!, /output directory .*out got files while job \S+ ran; it is left as it is .*--overwrite/);
  assert.deepEqual(await readdir(out), ['precious.txt']);
  assert.equal(await readFile(join(out, 'precious.txt'), 'utf8'), 'keep me\n');
});

test('an output directory that contains an input is refused, and the input kept, even with --overwrite', async () => {
  const { dir, input } = await setup();
  const r = await runGomr(['run', '--input', input, '--overwrite', '--quiet', '--output', dir, wordcount], { timeoutMs: 60_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(errorLines(r.stderr)[0]!, /output directory .* contains the input .*in\.txt/);
  await access(input);
});

test('an output directory inside an input directory is refused', async () => {
  const { dir, out } = await setup();
  const r = await runGomr(['run', '--input', dir, '--quiet', '--output', join(out, 'deeper'), wordcount], { timeoutMs: 60_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.equal(errorLines(r.stderr).length, 1, r.stderr);
  assert.match(errorLines(r.stderr)[0]!, /output directory .*deeper is inside the input directory/);
});

test('an output under /proc fails at once with one line, not a spin', async () => {
  const { input } = await setup();
  const r = await runGomr(['run', '--input', input, '--quiet', '--output', '/proc/gomr-x', wordcount], { timeoutMs: 30_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.equal(errorLines(r.stderr).length, 1, r.stderr);
  assert.match(errorLines(r.stderr)[0]!, /cannot write beside the output directory \/proc\/gomr-x/);
});

test('an output whose parent is a file fails before the job starts', async () => {
  const { input } = await setup();
  const r = await runGomr(['run', '--input', input, '--quiet', '--output', join(input, 'sub', 'out'), wordcount], { timeoutMs: 30_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(errorLines(r.stderr)[0]!, /cannot create the output directory: .*in\.txt is not a directory/);
  assert.doesNotMatch(r.stderr, /job \d{8}-/, 'no job was started');
});

test('an output in a read-only directory fails before the job starts', { skip: process.getuid?.() === 0 && 'root writes everywhere' }, async () => {
  const { dir, input } = await setup();
  const ro = join(dir, 'ro');
  await mkdir(ro, { mode: 0o555 });
  const r = await runGomr(['run', '--input', input, '--output', join(ro, 'out'), wordcount], { timeoutMs: 30_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(errorLines(r.stderr)[0]!, /cannot write beside the output directory .*EACCES/);
  assert.doesNotMatch(r.stderr, /job \d{8}-/, 'no job was started');
});
