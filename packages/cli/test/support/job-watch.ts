import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliBin, repoRoot } from './run-gomr.js';
import { processesOf } from './processes.js';

/**
 * Watching a job from outside, as an operator would: its processes in /proc, its logs in
 * GOMR_HOME, the executions the chaos fixture records, and the master's summary.
 */

export const chaosWorker = join(repoRoot, 'packages/cli/test/fixtures/chaos-worker.ts');

export interface JobProcess {
  pid: number;
  role: 'master' | 'worker';
}

/** Live processes started by the CLI with this pid (they carry GOMR_PARENT_PID). */
export function jobProcesses(cliPid: number): JobProcess[] {
  return processesOf(cliPid).map((p) => ({ pid: p.pid, role: p.role === 'worker' ? 'worker' : 'master' }));
}

export interface GomrChild {
  child: ChildProcess;
  exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
}

/** Starts the real CLI without waiting for it, so a test can act while the job runs. */
export function spawnGomr(args: string[], home: string, timeoutMs: number, env: NodeJS.ProcessEnv = {}): GomrChild {
  const child = spawn(process.execPath, [cliBin, ...args], {
    cwd: repoRoot,
    env: { ...process.env, GOMR_HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  // Bounded: a hung job is killed and shows up as a null exit code, never as a hung test.
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    }),
  );
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

export interface Execution {
  /** ms since the epoch when the attempt's first map or reduce call began. */
  t: number;
  kind: 'map' | 'reduce';
  task: string;
  attempt: number;
  worker: string;
  pid: number;
}

/** What the chaos fixture recorded with --param log=DIR: one line per attempt that started. */
export async function readExecutions(logDir: string): Promise<Execution[]> {
  const text = await readFile(join(logDir, 'executions.log'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Execution);
}

/** Executions grouped by task id. */
export function byTask(executions: Execution[]): Map<string, Execution[]> {
  const m = new Map<string, Execution[]>();
  for (const e of executions) (m.get(e.task) ?? m.set(e.task, []).get(e.task)!).push(e);
  return m;
}

/** The one job directory under GOMR_HOME/jobs (logs, spec). */
export async function jobDirIn(home: string): Promise<{ jobId: string; dir: string }> {
  const ids = await readdir(join(home, 'jobs'));
  if (ids.length !== 1) throw new Error(`expected one job in ${home}/jobs, found ${ids.length}`);
  return { jobId: ids[0]!, dir: join(home, 'jobs', ids[0]!) };
}

export interface SummaryAttempt {
  attempt: number;
  workerId: string;
  startedMs: number;
  endedMs?: number;
  outcome: 'running' | 'committed' | 'superseded' | 'failed' | 'killed';
  error?: string;
}

export interface JobSummaryFile {
  state: string;
  tasks: { id: string; attempts: SummaryAttempt[] }[];
  error?: { summary: string };
}

/** The master's summary.json, from the default local store under GOMR_HOME. */
export async function readSummary(home: string, jobId: string): Promise<JobSummaryFile> {
  return JSON.parse(await readFile(join(home, 'store/jobs', jobId, 'summary.json'), 'utf8')) as JobSummaryFile;
}

/**
 * Files a finished job left in the local store that it should not have: attempts' map runs
 * and part files (committed or not: the job is over) and half-written temp files.
 */
export async function storeLeftovers(home: string, jobId: string): Promise<string[]> {
  const store = join(home, 'store');
  const under = async (rel: string) =>
    (await readdir(join(store, rel), { recursive: true, withFileTypes: true }).catch(() => []))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(store.length + 1));
  return [...(await under(`jobs/${jobId}/map`)), ...(await under(`jobs/${jobId}/reduce`)), ...(await under('.tmp'))];
}

export interface MasterLogLine {
  t: number;
  text: string;
}

/** master.log lines with their timestamps (the master prefixes each line with an ISO time). */
export async function readMasterLog(jobDir: string): Promise<MasterLogLine[]> {
  const text = await readFile(join(jobDir, 'master.log'), 'utf8').catch(() => '');
  const lines: MasterLogLine[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) (.*)$/.exec(line);
    if (m) lines.push({ t: Date.parse(m[1]!), text: m[2]! });
  }
  return lines;
}

/** A word-count input whose words fall evenly on the R partitions: `perPartition` words each. */
export function vocabularyFor(reducers: number, perPartition: number, partition: (key: string, r: number) => number): string[] {
  const buckets: string[][] = Array.from({ length: reducers }, () => []);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (let i = 0; buckets.some((b) => b.length < perPartition); i++) {
    // Letters only: the word-count tokenizer splits on anything else.
    const word = 'w' + [...String(i)].map((d) => letters[Number(d)]).join('');
    const b = buckets[partition(word, reducers)]!;
    if (b.length < perPartition) b.push(word);
  }
  return buckets.flat();
}
