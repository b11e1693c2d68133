import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { openStorage } from '@gomr/storage';
import { startS3rver } from '@gomr/storage/testing';
import { downloadJobOutput } from '../src/kube/job-output.js';
import { countWords, readOutput, runGomr, tempDir } from './support/run-gomr.js';

/**
 * --skip-bad-records' dead-letter files: every record left out is written, with its error, to
 * OUTPUT/_skipped/<task>.jsonl, once, whatever attempts ran. Compared with an independent
 * filter over the inputs.
 */

const PICKY = `import { run } from '@gomr/sdk';
import { existsSync, writeFileSync } from 'node:fs';
run({
  mapper(ctx, chunk) {
    if (chunk.includes('poison')) throw new Error('poisoned line');
    // Run line by line (the attempt that skips): the first time, the worker dies here, after the
    // poison line before it in the chunk was already written to the attempt's dead letter.
    if (chunk === 'die here\\n' && ctx.params.marker && !existsSync(ctx.params.marker)) {
      writeFileSync(ctx.params.marker, '');
      process.kill(process.pid, 'SIGKILL');
    }
    for (const w of chunk.split(/[^\\p{L}]+/u)) if (w) ctx.emit(w, 1);
  },
  reducer(ctx, key, values) {
    if (key === 'cursed') throw new Error('cursed key');
    ctx.emit(key, values.length);
  },
});
`;

interface DeadLine {
  task: string;
  input?: string;
  offset?: number;
  line?: string;
  key?: string;
  values?: unknown[];
  error: string;
}

/** The lines of `text` that match, with their byte offsets: what the dead letter must hold. */
function badLines(input: string, text: string, bad: (line: string) => boolean): { input: string; offset: number; line: string }[] {
  const out: { input: string; offset: number; line: string }[] = [];
  let offset = 0;
  for (const piece of text.split(/(?<=\n)/)) {
    const line = piece.endsWith('\n') ? piece.slice(0, -1) : piece;
    if (bad(line)) out.push({ input, offset, line });
    offset += Buffer.byteLength(piece);
  }
  return out;
}

/** Every line of every file of OUT/_skipped/, with the file it came from. */
async function readSkipped(out: string): Promise<{ file: string; rec: DeadLine }[]> {
  const dir = join(out, '_skipped');
  const lines: { file: string; rec: DeadLine }[] = [];
  for (const file of (await readdir(dir)).sort()) {
    for (const l of (await readFile(join(dir, file), 'utf8')).split('\n')) if (l) lines.push({ file, rec: JSON.parse(l) as DeadLine });
  }
  return lines;
}

const byPlace = (a: { input?: string; offset?: number }, b: { input?: string; offset?: number }) =>
  a.input! < b.input! ? -1 : a.input! > b.input! ? 1 : a.offset! - b.offset!;

async function setup(texts: string[]): Promise<{ dir: string; worker: string; inputs: string[] }> {
  const dir = await tempDir();
  const worker = join(dir, 'picky.ts');
  await writeFile(worker, PICKY);
  const inputs: string[] = [];
  for (let i = 0; i < texts.length; i++) {
    inputs.push(join(dir, `in-${i}.txt`));
    await writeFile(inputs[i]!, texts[i]!);
  }
  return { dir, worker, inputs };
}

function withPoison(seed: number): string {
  let text = '';
  for (let i = 0; i < 300; i++) text += i % 37 === seed ? `poison number ${i} of ${seed}\n` : `alpha beta ${i % 5 ? 'gamma' : 'delta'}\n`;
  return text;
}

test('bad lines in two inputs are written, exactly, to _skipped/; the summary and --json say how many and where', { timeout: 120_000 }, async () => {
  const texts = [withPoison(3), withPoison(11)];
  const { dir, worker, inputs } = await setup(texts);
  const out = join(dir, 'out');
  const r = await runGomr(['run', ...inputs.flatMap((i) => ['--input', i]), '--mappers', '4', '--workers', '2', '--max-attempts', '1', '--skip-bad-records', '--json', '--output', out, worker]);
  assert.equal(r.code, 0, r.stderr);
  const expected = inputs.flatMap((p, i) => badLines(basename(p), texts[i]!, (l) => l.includes('poison'))).sort(byPlace);
  assert.ok(expected.length >= 16);
  const got = await readSkipped(out);
  for (const { file, rec } of got) {
    assert.equal(file, `${rec.task}.jsonl`, 'each task writes its own file');
    assert.match(rec.task, /^m-\d{5}$/);
    assert.equal(rec.error, 'poisoned line');
  }
  assert.deepEqual(got.map(({ rec }) => ({ input: rec.input, offset: rec.offset, line: rec.line })).sort(byPlace), expected);
  // The rest of the output is the good lines' word count.
  const { lines } = await readOutput(out);
  const good = texts.map((t) => t.split('\n').filter((l) => !l.includes('poison')).join('\n'));
  assert.deepEqual(new Map(lines.map((l) => [l.key, Number(l.value)])), countWords(good));
  const json = JSON.parse(r.stdout) as { counters: Record<string, number>; skippedKeys: string[]; skippedFiles: string[] };
  assert.equal(json.counters.skippedRecords, expected.length);
  assert.equal(json.counters.skippedWritten, expected.length);
  assert.deepEqual(json.skippedFiles.map((f) => basename(f)).sort(), [...new Set(got.map((g) => g.file))].sort());
  assert.ok(json.skippedKeys.every((k) => /^jobs\/[^/]+\/output\/_skipped\/m-\d{5}\.jsonl$/.test(k)), json.skippedKeys.join());

  // The human summary names the count and the folder.
  const human = await runGomr(['run', ...inputs.flatMap((i) => ['--input', i]), '--mappers', '2', '--max-attempts', '1', '--skip-bad-records', '--output', join(dir, 'out2'), worker]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, new RegExp(`skipped\\s+${expected.length} bad records`));
  assert.ok(human.stdout.includes(`each written with its error to ${join(dir, 'out2', '_skipped')}/`), human.stdout);
});

test('a reduce-side skip writes the key and all its values; a job without skips writes no _skipped/', { timeout: 120_000 }, async () => {
  const text = 'cursed alpha\nbeta cursed cursed\nalpha\n'.repeat(20);
  const { dir, worker, inputs } = await setup([text]);
  const out = join(dir, 'out');
  const r = await runGomr(['run', '--input', inputs[0]!, '--mappers', '2', '--reducers', '2', '--max-attempts', '1', '--skip-bad-records', '--output', out, worker]);
  assert.equal(r.code, 0, r.stderr);
  const got = await readSkipped(out);
  assert.equal(got.length, 1);
  const { file, rec } = got[0]!;
  assert.match(file, /^r-\d{5}\.jsonl$/);
  assert.equal(rec.key, 'cursed');
  assert.equal(rec.error, 'cursed key');
  // Each map task's combiner-less output: one value 1 per occurrence.
  assert.deepEqual(rec.values, Array(countWords([text]).get('cursed')).fill(1));
  assert.match(r.stdout, /skipped\s+1 bad records \(60 values of skipped keys\)/);

  const clean = join(dir, 'clean');
  await writeFile(inputs[0]!, 'alpha beta\n'.repeat(50));
  const c = await runGomr(['run', '--input', inputs[0]!, '--mappers', '2', '--skip-bad-records', '--output', clean, worker]);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(await stat(join(clean, '_skipped')).catch(() => null), null, 'no _skipped/ without skips');
  assert.doesNotMatch(c.stdout, /skipped/);
});

test('--max-skipped-records caps the lines each task writes; the rest are counted and the summary says so', { timeout: 120_000 }, async () => {
  const text = 'ok line\npoison 1\npoison 2\nok\npoison 3\npoison 4\npoison 5\nfine\n';
  const { dir, worker, inputs } = await setup([text]);
  const out = join(dir, 'out');
  const home = await tempDir('gomr-home-');
  const r = await runGomr(['run', '--input', inputs[0]!, '--mappers', '1', '--max-attempts', '1', '--skip-bad-records', '--max-skipped-records', '2', '--output', out, worker], { home });
  assert.equal(r.code, 0, r.stderr);
  const got = await readSkipped(out);
  assert.deepEqual(got.map((g) => g.rec.line), ['poison 1', 'poison 2'], 'the first two, in input order');
  assert.match(r.stdout, /skipped\s+5 bad records/);
  assert.match(r.stdout, /2 written with their errors to .*_skipped\/; 3 more only counted/);
  assert.match(r.stdout, /--max-skipped-records/);
  // gomr status says the same from the saved summary, naming the folder in the store.
  const jobId = /^job (\S+) succeeded/m.exec(r.stdout)![1]!;
  const status = await runGomr(['status', jobId], { home });
  assert.equal(status.code, 0, status.stderr);
  assert.ok(status.stdout.includes(`2 written with their errors to jobs/${jobId}/output/_skipped/; 3 more only counted`), status.stdout);

  const bad = await runGomr(['run', '--input', inputs[0]!, '--max-skipped-records', '-1', worker]);
  assert.equal(bad.code, 2, bad.stderr);
});

test('a worker killed while it writes its dead letter: the lines are still there once, from the attempt that committed', { timeout: 120_000 }, async () => {
  const text = 'alpha\npoison one\nbeta\ndie here\ngamma\npoison two\n';
  const { dir, worker, inputs } = await setup([text]);
  const out = join(dir, 'out');
  const marker = join(dir, 'killed-once');
  const r = await runGomr([
    'run', '--input', inputs[0]!, '--mappers', '1', '--workers', '2', '--max-attempts', '1', '--heartbeat-timeout', '1000',
    '--skip-bad-records', '--param', `marker=${marker}`, '--output', out, worker,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok((await stat(marker).catch(() => null)) !== null, 'a worker was killed mid-task');
  const got = await readSkipped(out);
  assert.deepEqual(got.map((g) => g.rec.line), ['poison one', 'poison two']);
  assert.deepEqual(got.map((g) => g.rec.offset), badLines('', text, (l) => l.includes('poison')).map((b) => b.offset));
});

test('on S3 storage (as on the cluster) the dead letters are under the job prefix, and gomr output --skipped reads them back', { timeout: 120_000 }, async () => {
  const s3 = await startS3rver();
  try {
    const text = withPoison(5);
    const { dir, worker, inputs } = await setup([text]);
    const out = join(dir, 'out');
    const r = await runGomr([
      'run', '--input', inputs[0]!, '--mappers', '2', '--max-attempts', '1', '--skip-bad-records', '--json',
      '--storage', 's3', '--s3-endpoint', s3.config.endpoint, '--s3-bucket', 'gomr-test',
      '--s3-access-key', s3.config.accessKey, '--s3-secret-key', s3.config.secretKey, '--output', out, worker,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const { jobId } = JSON.parse(r.stdout) as { jobId: string };
    const store = await openStorage(s3.config);
    const expected = badLines(basename(inputs[0]!), text, (l) => l.includes('poison'));
    try {
      const file = join(dir, 'skipped.jsonl');
      // What `gomr output JOB --skipped -o FILE` runs once it has MinIO through a port-forward.
      await downloadJobOutput(store, jobId, { file, skipped: true });
      const got = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as DeadLine);
      assert.deepEqual(got.map((g) => ({ input: g.input, offset: g.offset, line: g.line })).sort(byPlace), expected);
      // The attempts' own files went with the intermediate objects.
      assert.deepEqual((await store.list(`jobs/${jobId}/map/`)).map((o) => o.key), []);
    } finally {
      await store.close();
    }
    assert.equal((await readSkipped(out)).length, expected.length, 'and gomr run downloaded them');
  } finally {
    await s3.stop();
  }
});

test('a map-only jsonl job: a record that does not parse and one the mapper throws on are written as they were, with their errors', { timeout: 120_000 }, async () => {
  const dir = await tempDir();
  const worker = join(dir, 'records.ts');
  await writeFile(worker, `import { run } from '@gomr/sdk';
run({
  input: 'jsonl',
  mapper(ctx, rec: any) {
    if (rec.bad) throw new Error('bad record ' + rec.id);
    ctx.emit(String(rec.id), rec.v);
  },
});
`);
  const rows = ['{"id":1,"v":10}', '{"id":2,"bad":true}', '{"id":3,"v":30}', '{not json', '{"id":5,"v":50}'];
  const input = join(dir, 'in.jsonl');
  await writeFile(input, rows.join('\n') + '\n');
  const out = join(dir, 'out');
  const r = await runGomr(['run', '--input', input, '--reducers', '0', '--mappers', '1', '--max-attempts', '1', '--skip-bad-records', '--output', out, worker]);
  assert.equal(r.code, 0, r.stderr);
  const got = (await readSkipped(out)).map((g) => g.rec as DeadLine & { record?: unknown });
  const offsetOf = (i: number) => Buffer.byteLength(rows.slice(0, i).map((l) => l + '\n').join(''));
  assert.deepEqual(got.map((g) => ({ task: g.task, offset: g.offset, record: g.record })), [
    { task: 'm-00000', offset: offsetOf(1), record: rows[1] },
    { task: 'm-00000', offset: offsetOf(3), record: rows[3] },
  ]);
  assert.match(got[0]!.error, /bad record 2/);
  assert.match(got[1]!.error, /not a JSON value/);
  const { lines } = await readOutput(out);
  assert.deepEqual(lines.map((l) => l.key).sort(), ['1', '3', '5']);
});
