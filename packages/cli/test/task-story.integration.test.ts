import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, runGomr, tempDir } from './support/run-gomr.js';

/**
 * A task's story (`gomr status JOB --task T`): every attempt of one task, with its worker,
 * times, outcome, counters, error and stack, read from the summary of a past job.
 */

const worker = join(repoRoot, 'packages/cli/test/fixtures/replay-worker.ts');

test('a map task that fails once, then succeeds, tells both attempts: JSON and text', async () => {
  const dir = await tempDir();
  const home = await tempDir('gomr-home-');
  const input = join(dir, 'in.txt');
  await writeFile(input, 'one fine line\na poison line\nlast line\n');
  const r = await runGomr(
    ['run', '--input', input, '--mappers', '1', '--reducers', '1', '--param', 'where=map', '--param', 'once=1', '--param', 'each=1', '--quiet', '--output', join(dir, 'out'), worker],
    { home, timeoutMs: 90_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  const [jobId] = await readdir(join(home, 'jobs'));

  const json = await runGomr(['status', jobId!, '--task', 'm-00000', '--json'], { home });
  assert.equal(json.code, 0, json.stderr);
  const story = JSON.parse(json.stdout) as {
    source: { kind: string }; taskId: string; kind: string; committed: boolean; input: string; range: [number, number];
    attempts: { attempt: number; workerId: string; startedMs: number; endedMs: number; outcome: string; counters: Record<string, number>; userCounters: Record<string, number>; error: string; stack: string; input: string; offset: number }[];
  };
  assert.equal(story.source.kind, 'summary');
  assert.equal(story.taskId, 'm-00000');
  assert.equal(story.kind, 'MAP');
  assert.equal(story.committed, true);
  assert.equal(story.input, 'in.txt');
  assert.deepEqual(story.range, [0, 38]);
  assert.deepEqual(story.attempts.map((a) => [a.attempt, a.outcome]), [[1, 'failed'], [2, 'committed']]);
  const [first, second] = story.attempts as [typeof story.attempts[0], typeof story.attempts[0]];
  for (const a of story.attempts) {
    assert.match(a.workerId, /^w/, 'a worker id');
    assert.ok(a.startedMs > 0 && a.endedMs >= a.startedMs, `times of attempt ${a.attempt}`);
  }
  assert.equal(first.error, 'poisoned line "a poison line" in task m-00000');
  assert.match(first.stack, /replay-worker\.ts:\d+:\d+/, "the user's stack");
  assert.equal(first.input, 'in.txt');
  assert.equal(first.offset, 0);
  assert.deepEqual(first.counters, {}, 'a failed attempt reports no counters');
  assert.equal(second.error, '');
  assert.equal(second.counters.mapInputRecords, 3);
  assert.deepEqual(second.userCounters, { lines: 3 });

  const text = await runGomr(['status', jobId!, '--task', 'm-00000'], { home });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`^task m-00000 of job ${jobId}: committed, 2 attempts, input in\\.txt bytes 0-38 \\(from its summary in `));
  assert.match(text.stdout, /^ {2}#1 {2}failed on w\S+, .*\n {6}error {5}poisoned line "a poison line" in task m-00000 \(input in\.txt, chunk at byte 0\)\n {8}Error: poisoned line/m);
  assert.match(text.stdout, /^ {2}#2 {2}committed on w\S+, .*\n {6}counters {2}.*mapInputRecords=3/m);
  assert.match(text.stdout, /^ {6}user {6}lines=3$/m);

  const unknown = await runGomr(['status', jobId!, '--task', 'r-00007'], { home });
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, new RegExp(`^gomr: job ${jobId} has no task r-00007`));
});
