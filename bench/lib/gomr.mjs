// Running `gomr run` as a user would, from the repo's own CLI, with its results and memory.
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, runTimed, sampleChildren } from './proc.mjs';

const PRELOAD = fileURLToPath(new URL('./peak-rss-preload.cjs', import.meta.url));

/**
 * Runs `gomr run -q --json` and resolves with { wallMs, cpuMs, status, outDir, memory?, summary? }
 * (cpuMs, with `cpu: true`: user + system time of the CLI and every process it waited for).
 * wallMs is the CLI process's whole life: start-up, bundling, the job, collecting output.
 * With `memory: true`, the peak RSS of every process of the job is recorded twice: sampled
 * from /proc (VmHWM of the CLI's children, found by GOMR_PARENT_PID) and reported by each
 * process at exit (getrusage maxRSS, via a preloaded module in NODE_OPTIONS).
 */
export async function runGomr(ctx, { worker, inputs, workers, outDir, args = [], memory = false, summary = false, timeline = false, cpu = false, env = {} }) {
  const home = ctx.gomrHome;
  mkdirSync(home, { recursive: true });
  const cliArgs = [join(ctx.repoRoot, 'packages/cli/bin/run.js'), 'run', '-q', '--json', '--overwrite', '-o', outDir, '-w', String(workers)];
  for (const i of inputs) cliArgs.push('-i', i);
  cliArgs.push(...args, worker);
  const runEnv = { ...process.env, GOMR_HOME: home, ...env };
  delete runEnv.GOMR_STORAGE_ROOT;
  let rssFile;
  if (memory) {
    rssFile = join(ctx.tmpDir, `rss-${process.pid}-${Date.now()}.jsonl`);
    runEnv.NODE_OPTIONS = `${runEnv.NODE_OPTIONS ?? ''} --require ${PRELOAD}`.trim();
    runEnv.GOMR_BENCH_RSS_FILE = rssFile;
  }
  let sampler;
  const r = await runTimed(process.execPath, cliArgs, {
    env: runEnv,
    cwd: ctx.repoRoot,
    cpu,
    onSpawn: memory ? (child) => (sampler = sampleChildren(child.pid, 100)) : undefined,
  });
  const sampled = sampler?.stop();
  check(r, `gomr run (${workers} workers, ${worker})`);
  const status = JSON.parse(r.stdout);
  const result = { wallMs: r.wallMs, cpuMs: r.cpuMs, status, outDir };
  if (memory) result.memory = memoryReport(sampled, rssFile);
  if (summary) result.summary = readSummary(home, status.jobId);
  if (timeline) result.timeline = startupTimeline(home, status.jobId, r.startedAt, r.wallMs);
  cleanupJob(home, status.jobId);
  return result;
}

/** Per role (master, worker, cli, check): the peak RSS in MiB of each process, exit reports preferred. */
function memoryReport(sampled, rssFile) {
  let reported = [];
  try {
    reported = readFileSync(rssFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    rmSync(rssFile, { force: true });
  } catch {
    // no reports: sampled figures only
  }
  const byPid = new Map();
  for (const s of sampled ?? []) byPid.set(s.pid, { pid: s.pid, role: s.role, sampledMb: s.peakKb / 1024, cpuMs: s.cpuMs });
  for (const r of reported) {
    const e = byPid.get(r.pid) ?? { pid: r.pid, role: r.role, sampledMb: null };
    e.role = r.role;
    e.reportedMb = r.maxRssKb / 1024;
    byPid.set(r.pid, e);
  }
  const procs = [...byPid.values()].map((p) => ({ ...p, peakMb: Math.max(p.reportedMb ?? 0, p.sampledMb ?? 0) }));
  const peak = (role) => Math.max(0, ...procs.filter((p) => p.role === role).map((p) => p.peakMb));
  return { workerPeakMb: peak('worker'), masterPeakMb: peak('master'), cliPeakMb: peak('cli'), checkPeakMb: peak('check'), processes: procs };
}

/**
 * When the milestones of a job's start happened, in ms after the CLI was spawned, from the
 * job folder (file times) and the master's log (ISO timestamps): bundle written, job spec
 * written (after the pre-flight check), master listening, first and last worker registered,
 * job done (summary written), CLI exit.
 */
function startupTimeline(home, jobId, startedAt, wallMs) {
  const dir = join(home, 'jobs', jobId);
  const at = (ms) => (Number.isFinite(ms) ? Math.round(ms - startedAt) : null);
  const mtime = (f) => {
    try {
      return statSync(join(dir, f)).mtimeMs;
    } catch {
      return NaN;
    }
  };
  let log = '';
  try {
    log = readFileSync(join(dir, 'master.log'), 'utf8');
  } catch {
    // no log: file times only
  }
  const times = (re) => [...log.matchAll(new RegExp(`^(\\S+Z) master .*${re}`, 'gm'))].map((m) => Date.parse(m[1]));
  const registered = times('registered \\(');
  return {
    bundled: at(mtime('worker.mjs')),
    specWritten: at(mtime('spec.json')),
    masterListening: at(times('listening on port')[0]),
    firstWorker: at(registered[0]),
    lastWorker: at(registered[registered.length - 1]),
    jobDone: at(times('(SUCCEEDED|FAILED) in')[0]),
    cliExit: Math.round(wallMs),
  };
}

/** Removes a finished job's folder and its objects in the local store (bench disk use stays flat). */
export function cleanupJob(home, jobId) {
  if (!jobId) return;
  rmSync(join(home, 'jobs', jobId), { recursive: true, force: true });
  rmSync(join(home, 'store', 'jobs', jobId), { recursive: true, force: true });
}

/** The job's summary.json from the local store (read before cleanupJob), or null. */
export function readSummary(home, jobId) {
  try {
    return JSON.parse(readFileSync(join(home, 'store', 'jobs', jobId, 'summary.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** The part files of an output directory, concatenated in part order. */
export function readParts(outDir) {
  return readdirSync(outDir)
    .filter((f) => f.startsWith('part-'))
    .sort()
    .map((f) => readFileSync(join(outDir, f), 'utf8'))
    .join('');
}
