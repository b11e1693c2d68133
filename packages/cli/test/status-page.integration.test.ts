/**
 * The status page in a real browser (Debian's /usr/bin/chromium driven by playwright-core): the
 * page of a running job, then of the same job finished, and of a failed one, checked against the
 * job's real counters; plus gomr status / jobs / ui against the same jobs. Every string the
 * worker produces is HTML, and must show as text.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { JobSnapshot, JobSummary, TaskStory } from '@gomr/master';
import { cliBin, repoRoot, runGomr, tempDir } from './support/run-gomr.js';
import { READ_PAGE, type PageReading } from './support/status-page-reader.js';

const CHROMIUM = '/usr/bin/chromium';
const inCi = process.env.CI === 'true';
// Outside CI a machine without Chromium skips; in CI a missing browser is a failure.
const skip = !existsSync(CHROMIUM) && !inCi ? `no ${CHROMIUM} (apt-get install -y chromium)` : false;
const worker = join(repoRoot, 'packages/cli/test/fixtures/status-page-worker.ts');
const XSS_KEY = '<img src=x onerror="window.__xss=1">';
const HTML_COUNTER = '<b>bold</b> lines <img src=x onerror="window.__xss=2">';
const BUILTIN = [
  'mapInputRecords', 'mapInputBytes', 'mapOutputRecords', 'combineInputRecords', 'combineOutputRecords', 'spills',
  'shuffleRecords', 'shuffleBytes', 'reduceInputRecords', 'reduceInputGroups', 'outputRecords', 'outputBytes',
];

let browser: Browser | undefined;
let home = '';
let inputs: string[] = [];
let shots = '';
let finishedJob = '';

before(async () => {
  if (skip) return;
  assert.ok(existsSync(CHROMIUM), `CI=true but ${CHROMIUM} is missing: .ci/run installs it with apt-get`);
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 30_000,
  });
  home = await tempDir('gomr-home-page-');
  shots = await tempDir('gomr-shots-');
  const data = await tempDir('gomr-page-input-');
  const words = ['river', 'stone', 'lantern', 'harbour', 'meadow', 'ember', 'willow'];
  inputs = [];
  for (let f = 0; f < 4; f++) {
    const lines = Array.from({ length: 60 }, (_, i) => `${words[(i + f) % words.length]} ${words[(i * 3) % words.length]} line ${i}`);
    const path = join(data, `part-${f}.txt`);
    await writeFile(path, lines.join('\n') + '\n');
    inputs.push(path);
  }
});

after(async () => {
  await browser?.close();
});

/** Starts `gomr ARGS` in the background; `line(re)` waits for a line of its output to match. */
function startGomr(args: string[]) {
  const child = spawn(process.execPath, [cliBin, ...args], { cwd: repoRoot, env: { ...process.env, GOMR_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => out,
    async line(re: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
      const t0 = Date.now();
      for (;;) {
        const m = re.exec(out);
        if (m) return m;
        if (child.exitCode !== null || Date.now() - t0 > timeoutMs) throw new Error(`no line ${re} from gomr ${args.join(' ')}:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode === null) child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function readSummary(jobId: string): Promise<JobSummary> {
  return JSON.parse(await readFile(join(home, 'store/jobs', jobId, 'summary.json'), 'utf8')) as JobSummary;
}

async function openPage(url: string): Promise<{ page: Page; snapshots: Map<number, JobSnapshot> }> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
  const snapshots = new Map<number, JobSnapshot>();
  page.on('response', async (res) => {
    if (!res.url().endsWith('/api/status') || !res.ok()) return;
    const snap = (await res.json().catch(() => null)) as JobSnapshot | null;
    if (snap) snapshots.set(snap.takenMs, snap);
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url, { timeout: 15_000 });
  // Selectors, not predicates: the page's CSP forbids the eval a string predicate needs.
  await page.waitForSelector('#foot[data-taken-ms]', { timeout: 15_000 });
  assert.deepEqual(errors, [], 'the page runs without script errors');
  return { page, snapshots };
}

const read = (page: Page) => page.evaluate(READ_PAGE) as Promise<PageReading>;

/** Every number the page shows equals the snapshot's (or the summary's) counters. */
function assertNumbers(shown: PageReading, s: { counters: Record<string, number>; userCounters: Record<string, number> }, maps: number, reduces: number): void {
  assert.equal(shown.maps.total, maps, `map tasks of ${shown.jobId}`);
  assert.equal(shown.reduces.total, reduces, `reduce tasks of ${shown.jobId}`);
  for (const name of BUILTIN) {
    const c = shown.counters[name];
    assert.ok(c, `counter ${name} is shown`);
    const value = s.counters[name] ?? 0;
    assert.equal(c.value, value, name);
    if (/Bytes$/.test(name)) {
      if (value >= 1024) assert.equal(c.title, `${value.toLocaleString('en-US')} bytes`, `${name} exact in its title`);
      else assert.equal(c.text, `${value} B`, name);
    } else {
      assert.equal(c.text, value.toLocaleString('en-US'), `${name} as shown`);
    }
  }
  assert.deepEqual(Object.fromEntries(Object.entries(shown.userCounters).map(([k, v]) => [k, v.value])), s.userCounters);
  for (const [k, v] of Object.entries(shown.userCounters)) assert.equal(v.text, s.userCounters[k]!.toLocaleString('en-US'));
}

test('the page of a running job shows its live numbers, and ends showing its real final counters', { skip, timeout: 120_000 }, async () => {
  const dir = await tempDir();
  // The maps wait while this file exists: the job runs until the live checks are done.
  const gate = join(dir, 'gate');
  await writeFile(gate, '');
  const run = startGomr([
    'run', ...inputs.flatMap((i) => ['-i', i]), '-w', '2', '-m', '4', '-r', '2', '-o', join(dir, 'out'),
    '-p', `gate=${gate}`, '-p', 'sleepMs=300', '-p', 'failOnce=1', '-p', 'reduceFail=once', worker,
  ]);
  try {
    const url = (await run.line(/status page: (http:\/\/127\.0\.0\.1:\d+\/)/))[1]!;
    const jobId = (await run.line(/job (\S+) \(logs in/))[1]!;
    assert.equal((await readFile(join(home, 'jobs', jobId, 'status-url'), 'utf8')).trim(), url, 'the job folder records the URL');

    const { page, snapshots } = await openPage(url);
    // Once an attempt has started the page has something to show: read it then.
    await page.waitForSelector('.tl-bar', { timeout: 30_000 });
    const live = await read(page);
    const snap = snapshots.get(live.takenMs);
    assert.ok(snap, 'the page shows a snapshot it fetched from /api/status');
    assert.equal(snap.finishedMs, 0, 'the job was still running');
    assert.equal(live.jobId, jobId);
    assert.equal(live.live, 'live');
    assert.equal(live.maps.done, snap.maps.done);
    assert.equal(live.reduces.done, snap.reduces.done);
    assert.deepEqual(live.workers, snap.workers.map((w) => w.id));
    assert.equal(live.bars, snap.attempts.length, 'one timeline bar per attempt');
    assertNumbers(live, snap, 4, 2);
    await page.screenshot({ path: join(shots, 'running.png'), fullPage: true });

    // The CLI sees the same running job through the recorded URL.
    const status = await runGomr(['status', jobId, '--json'], { home });
    assert.equal(status.code, 0, status.stderr);
    const st = JSON.parse(status.stdout) as JobSnapshot & { source: { kind: string; url: string } };
    assert.deepEqual(st.source, { kind: 'live', url });
    assert.equal(st.jobId, jobId);
    const ui = await runGomr(['ui', jobId], { home });
    assert.equal(ui.code, 0, ui.stderr);
    assert.equal(ui.stdout.trim(), url);
    // A task's story, live from the master.
    const story = (await (await fetch(`${url}api/tasks/m-00000`)).json()) as TaskStory;
    assert.equal(story.taskId, 'm-00000');
    assert.ok(story.attempts.length >= 1, JSON.stringify(story));
    assert.equal((await fetch(`${url}api/tasks/m-00099`)).status, 404);
    const cliStory = await runGomr(['status', jobId, '--task', 'm-00000', '--json'], { home });
    assert.equal(cliStory.code, 0, cliStory.stderr);
    const told = JSON.parse(cliStory.stdout) as TaskStory & { source: { kind: string; url: string } };
    assert.deepEqual(told.source, { kind: 'live', url });
    assert.equal(told.taskId, 'm-00000');

    // The page follows the job to its end, and then shows the counters the job saved.
    await rm(gate);
    await page.locator('#state', { hasText: 'Succeeded' }).waitFor({ timeout: 60_000 });
    assert.equal(await run.exited, 0, run.output());
    const summary = await readSummary(jobId);
    const final = await read(page);
    assert.equal(final.live, 'final');
    assertNumbers(final, summary, 4, 2);
    assert.equal(final.maps.done, 4);
    assert.equal(final.reduces.done, 2);
    assert.ok(summary.counters.mapInputRecords! >= 240, 'the real counters are not all zero');
    assert.equal(summary.userCounters[HTML_COUNTER], 240, 'the user counter counts each line once, retries aside');
    // The summary gomr run printed has every built-in counter.
    assert.match(run.output(), new RegExp(`input\\s+${summary.counters.mapInputRecords!.toLocaleString('en-US')} records`));
    assert.match(run.output(), /map out .* records; combined .* -> /);
    assert.match(run.output(), /shuffle .* records, .*, \d+ spills/);
    assert.match(run.output(), new RegExp(`reduce\\s+${summary.counters.reduceInputGroups} keys`));
    await page.close();
    finishedJob = jobId;
  } finally {
    await stop(run.child, run.exited);
  }
});

test('a finished job: gomr status and gomr jobs read its summary, and its saved page shows HTML as text', { skip, timeout: 120_000 }, async () => {
  assert.ok(finishedJob, 'the running-job test ran first');
  const summary = await readSummary(finishedJob);

  const status = await runGomr(['status', finishedJob, '--json'], { home });
  assert.equal(status.code, 0, status.stderr);
  const st = JSON.parse(status.stdout) as JobSnapshot & { source: { kind: string } };
  assert.equal(st.source.kind, 'summary');
  assert.equal(st.state, 'SUCCEEDED');
  assert.deepEqual(st.counters, summary.counters);
  assert.deepEqual(st.userCounters, summary.userCounters);
  const text = await runGomr(['status', finishedJob], { home });
  assert.match(text.stdout, new RegExp(`job ${finishedJob} succeeded`));
  assert.match(text.stdout, /maps\s+4\/4 done/);

  // A job that fails: the reducer throws on the <img> key every time.
  const failed = await runGomr(['run', '-i', inputs[0]!, '-w', '1', '-m', '1', '-r', '1', '--max-attempts', '2', '-p', 'reduceFail=always', worker], { home });
  assert.equal(failed.code, 1, failed.stderr);
  const failedId = /job (\S+) failed/.exec(failed.stderr)![1]!;

  const jobs = await runGomr(['jobs', '--json'], { home });
  assert.equal(jobs.code, 0, jobs.stderr);
  const list = JSON.parse(jobs.stdout) as { id: string; state: string; workerFile: string; inputs: { name: string }[]; durationMs: number }[];
  assert.deepEqual(list.map((j) => [j.id, j.state]), [[failedId, 'FAILED'], [finishedJob, 'SUCCEEDED']], 'newest first');
  assert.equal(list[1]!.workerFile, worker);
  assert.deepEqual(list[1]!.inputs.map((i) => i.name), ['part-0.txt', 'part-1.txt', 'part-2.txt', 'part-3.txt']);
  assert.equal(list[1]!.durationMs, summary.finishedMs - summary.startedMs);
  const table = await runGomr(['jobs'], { home });
  assert.match(table.stdout, /^JOB\s+STATE\s+STARTED\s+DURATION\s+WORKER\s+INPUTS/);

  const notRunning = await runGomr(['ui', finishedJob], { home });
  assert.equal(notRunning.code, 6);
  assert.match(notRunning.stderr, new RegExp(`not running.*gomr status ${finishedJob}`));

  for (const [jobId, shot] of [[finishedJob, 'finished.png'], [failedId, 'failed.png']] as const) {
    const serve = startGomr(['ui', jobId, '--serve']);
    try {
      const url = (await serve.line(/^(http:\/\/127\.0\.0\.1:\d+\/)$/m))[1]!;
      const { page } = await openPage(url);
      const shown = await read(page);
      const saved = await readSummary(jobId);
      assert.equal(shown.jobId, jobId);
      assert.equal(shown.live, 'final');
      assertNumbers(shown, saved, jobId === failedId ? 1 : 4, jobId === failedId ? 1 : 2);

      // HTML from user code is text: nothing was injected, nothing ran, and the text is there.
      assert.equal(shown.injected, 0, 'no element came from job data');
      assert.equal(shown.xssRan, undefined, 'no injected script ran');
      assert.ok(shown.userCounterNames.includes(HTML_COUNTER), 'the HTML counter name shows as text');
      assert.ok(await page.getByText(HTML_COUNTER, { exact: true }).isVisible());
      if (jobId === finishedJob) {
        assert.ok(shown.failures.includes('bad <b>record</b> <img src=x onerror="window.__xss=3">'), shown.failures.join('\n'));
        assert.ok(shown.failures.includes(`cannot reduce ${XSS_KEY}`), 'the key a mapper emitted shows as text');
        assert.ok(await page.getByText(`cannot reduce ${XSS_KEY}`, { exact: true }).isVisible());
        assert.equal(shown.errorSummary, '');
        await page.screenshot({ path: '/tmp/gomr-status.png', fullPage: true });
        // m-00001 failed once, then committed: its story, from /api/tasks and from the failure's link.
        const story = (await (await fetch(`${url}api/tasks/m-00001`)).json()) as TaskStory;
        assert.deepEqual(story.attempts.map((a) => a.outcome), ['failed', 'committed']);
        assert.equal(story.attempts[0]!.error, 'bad <b>record</b> <img src=x onerror="window.__xss=3">');
        assert.ok(story.attempts[1]!.counters.mapInputRecords! > 0, 'the committed attempt has its counters');
        await page.locator('article.failure a.task-link', { hasText: 'm-00001' }).first().click();
        await page.waitForSelector('#task-story:not([hidden]) tr[data-attempt]', { timeout: 10_000 });
        assert.equal(new URL(page.url()).hash, '#task=m-00001');
        assert.deepEqual(await page.locator('#task-story tr[data-attempt] td:nth-child(6)').allTextContents(), ['failed', 'committed']);
        assert.ok(await page.getByText('bad <b>record</b> <img src=x onerror="window.__xss=3">', { exact: true }).last().isVisible(), 'the error shows as text');
        const after = await read(page);
        assert.equal(after.injected, 0, 'the story injected nothing');
        assert.equal(after.xssRan, undefined);
        await page.screenshot({ path: join(shots, 'task-story.png'), fullPage: true });
      } else {
        assert.equal(shown.state, 'Failed');
        assert.match(shown.errorSummary, /reducer failed in task r-00000 after 2 attempts \(key "<img src=x onerror=\\"window.__xss=1\\">"\)/);
        assert.ok(await page.locator('#job-error-summary').isVisible());
      }
      await page.screenshot({ path: join(shots, shot), fullPage: true });
      await page.close();
    } finally {
      await stop(serve.child, serve.exited);
    }
  }
  await mkdir(shots, { recursive: true });
  await copyFile(join(shots, 'running.png'), '/tmp/gomr-status-running.png').catch(() => {});
});

test('a job that skipped bad records: its page has a Skipped box with the count and where the dead-letter files are', { skip, timeout: 120_000 }, async () => {
  const dir = await tempDir();
  const picky = join(dir, 'picky.ts');
  await writeFile(picky, `import { run } from '@gomr/sdk';
run({
  mapper(ctx, chunk) {
    if (chunk.includes('poison')) throw new Error('poisoned');
    for (const w of chunk.split(/\\s+/)) if (w) ctx.emit(w, 1);
  },
  reducer(ctx, key, values) { ctx.emit(key, values.length); },
});
`);
  const input = join(dir, 'in.txt');
  await writeFile(input, 'good line\npoison one\nfine\npoison two\n');
  const r = await runGomr(['run', '-i', input, '-w', '1', '-m', '1', '--max-attempts', '1', '--skip-bad-records', '--json', '-o', join(dir, 'out'), picky], { home });
  assert.equal(r.code, 0, r.stderr);
  const { jobId } = JSON.parse(r.stdout) as { jobId: string };
  const serve = startGomr(['ui', jobId, '--serve']);
  try {
    const url = (await serve.line(/^(http:\/\/127\.0\.0\.1:\d+\/)$/m))[1]!;
    const { page } = await openPage(url);
    const shown = await read(page);
    assert.equal(shown.counters.skippedRecords?.value, 2);
    assert.equal(shown.counters.skippedWritten?.value, 2);
    const where = await page.locator('[data-skipped-dir]').textContent();
    assert.equal(where, `jobs/${jobId}/output/_skipped/ (1 file)`);
  } finally {
    await stop(serve.child, serve.exited);
  }
});

test("a job of steps: a later step's task opens its story from the page's address (#task=s1-m-00000)", { skip, timeout: 120_000 }, async () => {
  const dir = await tempDir();
  const twoSteps = join(dir, 'two-steps.ts');
  // Step 2's mapper fails its first attempt once, so its task has a story of two attempts.
  await writeFile(twoSteps, `import { run } from '@gomr/sdk';
run({
  steps: [
    { mapper(ctx, chunk: string) { for (const w of chunk.split(/\\s+/)) if (w) ctx.emit(w, 1); }, reducer(ctx, k, v: number[]) { ctx.emit(k, v.length); } },
    {
      mapper(ctx, word: string, n: number) { if (ctx.attempt === 1) throw new Error('first attempt of ' + ctx.taskId); ctx.emit('total', n); },
      reducer(ctx, k, v: number[]) { ctx.emit(k, v.reduce((a, b) => a + b, 0)); },
    },
  ],
});
`);
  const input = join(dir, 'in.txt');
  await writeFile(input, 'a b c\na b\n');
  const r = await runGomr(['run', '-i', input, '-w', '1', '-m', '1', '--json', '-o', join(dir, 'out'), twoSteps], { home });
  assert.equal(r.code, 0, r.stderr);
  const { jobId } = JSON.parse(r.stdout) as { jobId: string };
  const serve = startGomr(['ui', jobId, '--serve']);
  try {
    const url = (await serve.line(/^(http:\/\/127\.0\.0\.1:\d+\/)$/m))[1]!;
    const { page } = await openPage(`${url}#task=s1-m-00000`);
    await page.waitForSelector('#task-story:not([hidden]) tr[data-attempt]', { timeout: 10_000 });
    assert.deepEqual(await page.locator('#task-story tr[data-attempt] td:nth-child(6)').allTextContents(), ['failed', 'committed']);
    await page.close();
  } finally {
    await stop(serve.child, serve.exited);
  }
});
