import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { openStorage } from '@gomr/storage';
import { startS3rver } from '@gomr/storage/testing';
import { spawnGomr } from './support/job-watch.js';
import { repoRoot, runGomr, tempDir } from './support/run-gomr.js';

/**
 * `gomr replay`: a failed task re-run on this machine, in one process, through the real CLI,
 * after a real job failed; the user's error and stack printed as the run printed them.
 */

const worker = join(repoRoot, 'packages/cli/test/fixtures/replay-worker.ts');
const POISON_LINE = 20_000;

/** 30,000 short lines, the one at POISON_LINE holding "poison"; and that line's byte offset. */
async function input(dir: string): Promise<{ path: string; poisonOffset: number }> {
  const lines = Array.from({ length: 30_000 }, (_, i) => `fine line ${i}`);
  lines[POISON_LINE] = 'a poison line here';
  const path = join(dir, 'in.txt');
  await writeFile(path, lines.join('\n') + '\n');
  return { path, poisonOffset: Buffer.byteLength(lines.slice(0, POISON_LINE).join('\n') + '\n') };
}

/** A job that fails (where=map: the mapper on the poison line; where=reduce: the reducer on its key). */
async function failedJob(where: 'map' | 'reduce') {
  const dir = await tempDir();
  const home = await tempDir('gomr-home-');
  const { path, poisonOffset } = await input(dir);
  const r = await runGomr(
    ['run', '--input', path, '--mappers', '2', '--reducers', '2', '--max-attempts', '2', '--param', `where=${where}`, '--quiet', '--output', join(dir, 'out'), worker],
    { home, timeoutMs: 90_000 },
  );
  assert.equal(r.code, 1, r.stderr);
  const [jobId] = await readdir(join(home, 'jobs'));
  const failure = r.stderr.split('\n').find((l) => l.startsWith('gomr:'))!;
  return { home, jobId: jobId!, failure, runStderr: r.stderr, poisonOffset };
}

/** The user's stack frames, as printed (indented under the one-line error). */
function userFrames(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /^\s+at .*replay-worker\.ts:\d+:\d+/.test(l)).map((l) => l.trim());
}

const replay = (home: string, args: string[]) => runGomr(['replay', ...args], { home, timeoutMs: 60_000 });

test('a failed map task replayed: the same error and stack, exit 1; a named task that did not fail runs clean, exit 0', async () => {
  const job = await failedJob('map');
  assert.match(job.failure, /mapper failed in task m-00001 after 2 attempts \(input in\.txt, chunk at byte \d+\): poisoned line "a poison line here"/);

  const r = await replay(job.home, [job.jobId]);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('gomr:'));
  assert.equal(lines.length, 1, r.stderr);
  const chunk = Number(/chunk at byte (\d+)/.exec(job.failure)![1]);
  assert.equal(lines[0], `gomr: mapper failed in task m-00001 on this machine (input in.txt, chunk at byte ${chunk}): poisoned line "a poison line here" in task m-00001`);
  assert.ok(userFrames(r.stderr).length >= 2, `the stack points into the user's file:\n${r.stderr}`);
  assert.deepEqual(userFrames(r.stderr), userFrames(job.runStderr), 'the same frames as the run printed');
  assert.match(r.stderr, /replaying task m-00001 attempt 2 of job /);

  const named = await replay(job.home, [job.jobId, 'm-00000']);
  assert.equal(named.code, 0, named.stderr);
  assert.match(named.stdout, /^task m-00000 ran without error on this machine \(\d+ input records, \d+ ms\)$/m);
  const again = await replay(job.home, [job.jobId, 'm-00001']);
  assert.equal(again.code, 1, again.stderr);
});

test('--chunk replays only the failing chunk; --line names the failing line by its byte offset', async () => {
  const job = await failedJob('map');
  const chunk = Number(/chunk at byte (\d+)/.exec(job.failure)![1]);
  const c = await replay(job.home, [job.jobId, '--chunk']);
  assert.equal(c.code, 1, c.stderr);
  assert.match(c.stderr, new RegExp(`only the chunk at byte ${chunk}\\)`));
  assert.match(c.stderr, new RegExp(`gomr: mapper failed in task m-00001 on this machine \\(input in\\.txt, chunk at byte ${chunk}\\): poisoned line`));
  assert.ok(userFrames(c.stderr).length >= 2, c.stderr);

  const l = await replay(job.home, [job.jobId, '--line']);
  assert.equal(l.code, 1, l.stderr);
  assert.match(l.stderr, new RegExp(`gomr: mapper failed in task m-00001 on this machine \\(input in\\.txt, line at byte ${job.poisonOffset}\\): poisoned line "a poison line here"`));
  assert.ok(userFrames(l.stderr).length >= 2, l.stderr);
});

test('a failed reduce task replayed from the map runs the failed job kept; --chunk narrows it to the key', async () => {
  const job = await failedJob('reduce');
  const task = /reducer failed in task (r-\d+)/.exec(job.failure)![1]!;
  const r = await replay(job.home, [job.jobId]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`gomr: reducer failed in task ${task} on this machine \\(key "poison"\\): poisoned key in task ${task}`));
  assert.deepEqual(userFrames(r.stderr), userFrames(job.runStderr));
  const k = await replay(job.home, [job.jobId, '--chunk']);
  assert.equal(k.code, 1, k.stderr);
  assert.match(k.stderr, /only key "poison"\)/);
  const other = task === 'r-00000' ? 'r-00001' : 'r-00000';
  const clean = await replay(job.home, [job.jobId, other]);
  assert.equal(clean.code, 0, clean.stderr);
  assert.match(clean.stdout, new RegExp(`task ${other} ran without error on this machine`));
});

test('an unknown job or task is one line and a non-zero exit', async () => {
  const home = await tempDir('gomr-home-');
  const r = await replay(home, ['20260101-000000-dead']);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^gomr: no job 20260101-000000-dead in local store /);

  const job = await failedJob('map');
  const t = await replay(job.home, [job.jobId, 'm-00042']);
  assert.equal(t.code, 2, t.stderr);
  assert.equal(t.stderr.trim().split('\n').length, 1, t.stderr);
  assert.match(t.stderr, /^gomr: job \S+ has no task "m-00042" \(it has m-00000 to r-00001\)/);
});

test('--inspect waits for a debugger on the inspector port; resumed over CDP, the replay ends with the error', async () => {
  const job = await failedJob('map');
  // With --line, the line is found first: under the debugger the mapper sees that line alone.
  const child = spawnGomr(['replay', job.jobId, '--line', '--inspect', '--inspect-port', '0'], job.home, 60_000);
  let url: string | undefined;
  for (const end = Date.now() + 30_000; !url && Date.now() < end; await sleep(50)) {
    url = /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(child.stderr())?.[1];
  }
  assert.ok(url, `an inspector address is printed:\n${child.stderr()}`);
  // Waiting for the debugger: nothing has run yet.
  await sleep(300);
  assert.equal(child.child.exitCode, null, 'the replay waits for a debugger');
  assert.doesNotMatch(child.stderr(), /mapper failed/);
  const port = new URL(url).port;
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  assert.ok(targets[0]?.webSocketDebuggerUrl, JSON.stringify(targets));
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let id = 0;
  const send = (method: string) => ws.send(JSON.stringify({ id: ++id, method }));
  // --inspect-brk holds the first statement once the debugger is enabled: resume from every pause.
  ws.on('message', (m) => {
    if ((JSON.parse(String(m)) as { method?: string }).method === 'Debugger.paused') send('Debugger.resume');
  });
  send('Debugger.enable');
  send('Runtime.runIfWaitingForDebugger');
  const code = await child.exited;
  ws.close();
  assert.equal(code, 1, child.stderr());
  assert.match(child.stderr(), new RegExp(`only the line at byte ${job.poisonOffset}\\)`));
  assert.match(child.stderr(), new RegExp(`gomr: mapper failed in task m-00001 on this machine \\(input in\\.txt, line at byte ${job.poisonOffset}\\): poisoned line`));
  assert.ok(userFrames(child.stderr()).length >= 2, child.stderr());
});

test('a job on S3 replays through the storage flags, also with no local folder (as gomr start leaves it), or with --worker', async () => {
  const s3 = await startS3rver();
  try {
    const flags = ['--storage', 's3', '--s3-endpoint', s3.config.endpoint, '--s3-bucket', s3.config.bucket, '--s3-access-key', s3.config.accessKey, '--s3-secret-key', s3.config.secretKey];
    const dir = await tempDir();
    const home = await tempDir('gomr-home-');
    const { path } = await input(dir);
    const r = await runGomr(['run', '--input', path, '--mappers', '2', '--reducers', '2', '--max-attempts', '1', '--param', 'where=reduce', '--quiet', '--output', join(dir, 'out'), ...flags, worker], { home, timeoutMs: 90_000 });
    assert.equal(r.code, 1, r.stderr);
    const [jobId] = await readdir(join(home, 'jobs'));
    const task = /reducer failed in task (r-\d+)/.exec(r.stderr)![1]!;
    const expected = new RegExp(`^gomr: reducer failed in task ${task} on this machine \\(key "poison"\\): poisoned key`, 'm');

    const local = await replay(home, [jobId!, ...flags]);
    assert.equal(local.code, 1, local.stderr);
    assert.match(local.stderr, expected);

    // What gomr start leaves: the spec and the bundle in the store, no folder on this machine.
    const folder = join(home, 'jobs', jobId!);
    const store = await openStorage(s3.config);
    try {
      await store.put(`specs/${jobId}.json`, await readFile(join(folder, 'spec.json')));
      await store.put(`jobs/${jobId}/worker.mjs`, await readFile(join(folder, 'worker.mjs')));
      await rm(folder, { recursive: true });
      const stored = await replay(home, [jobId!, ...flags]);
      assert.equal(stored.code, 1, stored.stderr);
      assert.match(stored.stderr, expected);
      assert.deepEqual(await store.list(`jobs/${jobId}/replay-`), [], 'what the replay wrote is gone');

      await store.delete([`jobs/${jobId}/worker.mjs`]);
      const noBundle = await replay(home, [jobId!, ...flags]);
      assert.equal(noBundle.code, 2, noBundle.stderr);
      assert.match(noBundle.stderr, /^gomr: the bundle of job \S+ is neither on this machine nor in the store; pass its worker file with --worker/);
      const rebuilt = await replay(home, [jobId!, '--worker', worker, ...flags]);
      assert.equal(rebuilt.code, 1, rebuilt.stderr);
      assert.match(rebuilt.stderr, expected);
      assert.ok(userFrames(rebuilt.stderr).length >= 2, rebuilt.stderr);
    } finally {
      await store.close();
    }
  } finally {
    await s3.stop();
  }
});
