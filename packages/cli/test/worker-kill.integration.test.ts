import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { countWords, readOutput, repoRoot, tempDir } from './support/run-gomr.js';
import {
  byTask, chaosWorker, jobDirIn, jobProcesses, readExecutions, readMasterLog, readSummary, spawnGomr, type Execution,
} from './support/job-watch.js';

/**
 * SIGKILL of workers at random moments while they run map tasks and reduce tasks. Every task
 * takes 3 s, so a kill 0.1-1.5 s after a task starts always lands mid-task. The output must be
 * exact, and a task may run again only if its worker was killed under it.
 */

const inputs = ['lighthouse.txt', 'market.txt', 'river.txt'].map((f) => join(repoRoot, 'examples/data', f));
const TASK_MS = 3000;
const HEARTBEAT_TIMEOUT_MS = 2000;

interface Kill {
  at: number;
  victim: Execution;
}

/** Waits for a running attempt of the given kind that we have not hit yet, then kills its worker at a random moment. */
async function killDuring(kind: 'map' | 'reduce', logDir: string, cliPid: number, kills: Kill[], done: () => boolean): Promise<void> {
  for (;;) {
    if (done()) throw new Error(`the job ended before a ${kind} task could be killed`);
    const live = new Set(jobProcesses(cliPid).filter((p) => p.role === 'worker').map((p) => p.pid));
    const running = (await readExecutions(logDir)).filter(
      (e) => e.kind === kind && live.has(e.pid) && Date.now() - e.t < 500 && !kills.some((k) => k.victim.pid === e.pid),
    );
    if (running.length) {
      const victim = running[Math.floor(Math.random() * running.length)]!;
      await sleep(Math.max(0, victim.t + 100 + Math.random() * 1400 - Date.now()));
      process.kill(victim.pid, 'SIGKILL');
      kills.push({ at: Date.now(), victim });
      return;
    }
    await sleep(25);
  }
}

test('workers SIGKILLed at random times during map and reduce: exact output, re-runs only for killed tasks', { timeout: 180_000 }, async (t) => {
  const home = await tempDir('gomr-home-');
  const logDir = await tempDir('gomr-exec-');
  const out = join(await tempDir(), 'out');
  const args = ['run', ...inputs.flatMap((i) => ['--input', i]), '--workers', '3', '--mappers', '6', '--reducers', '3'];
  args.push('--heartbeat-timeout', String(HEARTBEAT_TIMEOUT_MS), '--param', `log=${logDir}`, '--param', `mapMs=${TASK_MS}`);
  args.push('--param', `reduceMs=${TASK_MS}`, '--param', 'sleep=mixed', '--output', out, '--quiet', chaosWorker);
  // The job's own temporary folder: what killed workers leave behind shows up here.
  const tmp = await tempDir('gomr-tmp-');
  const job = spawnGomr(args, home, 150_000, { TMPDIR: tmp });
  let ended = false;
  void job.exited.then(() => (ended = true));

  const kills: Kill[] = [];
  await killDuring('map', logDir, job.child.pid!, kills, () => ended);
  await killDuring('map', logDir, job.child.pid!, kills, () => ended);
  await killDuring('reduce', logDir, job.child.pid!, kills, () => ended);
  assert.equal(await job.exited, 0, job.stderr());

  assert.deepEqual(await readdir(tmp), [], 'no spill folder of a killed worker is left in TMPDIR');

  // Every record counted exactly once.
  const { lines } = await readOutput(out);
  const expected = countWords(await Promise.all(inputs.map((p) => readFile(p, 'utf8'))));
  assert.equal(lines.length, expected.size, 'one line per word');
  assert.deepEqual(new Map(lines.map((l) => [l.key, Number(l.value)])), expected);

  // Re-executions happened exactly for the attempts we killed.
  const killedAttempts = new Set(kills.map((k) => `${k.victim.task}#${k.victim.attempt}`));
  const executions = await readExecutions(logDir);
  const tasks = byTask(executions);
  assert.equal(tasks.size, 9, '6 map and 3 reduce tasks ran');
  for (const [task, runs] of tasks) {
    const killedHere = runs.filter((e) => killedAttempts.has(`${e.task}#${e.attempt}`)).length;
    assert.equal(runs.length, 1 + killedHere, `${task}: ${runs.length} executions, ${killedHere} of them killed by the test`);
  }
  const { jobId, dir } = await jobDirIn(home);
  const summary = await readSummary(home, jobId);
  for (const k of kills) {
    const a = summary.tasks.find((x) => x.id === k.victim.task)!.attempts.find((x) => x.attempt === k.victim.attempt)!;
    assert.equal(a.outcome, 'killed', `${k.victim.task} attempt ${k.victim.attempt} is recorded as killed, not failed`);
  }

  // Detection: SIGKILL -> master declares the worker lost. Recovery: SIGKILL -> the task runs again, and is committed.
  const log = await readMasterLog(dir);
  for (const k of kills) {
    const lost = log.find((l) => l.t >= k.at - 50 && l.text.includes(`worker ${k.victim.worker} missed heartbeats`));
    assert.ok(lost, `the master noticed that ${k.victim.worker} died`);
    const rerun = tasks.get(k.victim.task)!.find((e) => e.attempt > k.victim.attempt)!;
    const task = summary.tasks.find((x) => x.id === k.victim.task)!;
    const committed = task.attempts.find((a) => a.outcome === 'committed')!;
    // The master's own assignment line, where it logs one (the wording is the master's).
    const assigned = log.find((l) => l.t >= lost.t && l.text.includes(`task ${k.victim.task}: attempt `));
    const detectMs = lost.t - k.at;
    assert.ok(detectMs <= HEARTBEAT_TIMEOUT_MS + 1500, `detected within the heartbeat timeout plus slack (${detectMs} ms)`);
    t.diagnostic(
      `kill of ${k.victim.worker} in ${k.victim.task}#${k.victim.attempt}: detected after ${detectMs} ms, ` +
        `${assigned ? `re-assigned after ${assigned.t - k.at} ms, ` : ''}re-run started after ${rerun.t - k.at} ms, ` +
        `committed after ${committed.endedMs! - k.at} ms`,
    );
  }
});
