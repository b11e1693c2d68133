// Running the things we time: wall clock from spawn to exit, output captured.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs a command to completion. Resolves with wall time (ms, spawn to exit), the epoch ms of
 * the spawn (startedAt), exit code and
 * captured stdout/stderr (truncated to the last 64 KiB each). Rejects only if it cannot start.
 * `onSpawn(child)` runs right after spawn (memory samplers use the pid).
 */
export function runTimed(cmd, args, { env, cwd, onSpawn, timeoutMs = 30 * 60_000, cpu = false } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const startedAt = Date.now();
    // With `cpu`, bash runs the command and then `times`, whose second line is the CPU time of
    // its children and of everything they waited for (gomr's CLI waits for its master and workers).
    const timesFile = cpu ? join(tmpdir(), `gomr-bench-times-${process.pid}-${timesSeq++}`) : null;
    const child = cpu
      ? spawn('bash', ['-c', '"$@"; rc=$?; times > "$GOMR_BENCH_TIMES"; exit $rc', 'bash', cmd, ...args], { env: { ...(env ?? process.env), GOMR_BENCH_TIMES: timesFile }, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(cmd, args, { env: env ?? process.env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const keep = (s, d) => (s + d.toString('utf8')).slice(-65536);
    child.stdout.on('data', (d) => (stdout = keep(stdout, d)));
    child.stderr.on('data', (d) => (stderr = keep(stderr, d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const cpuMs = timesFile ? childCpuMs(timesFile) : undefined;
      resolve({ wallMs, cpuMs, startedAt, code: code ?? (signal ? 128 : -1), signal, stdout, stderr });
    });
    onSpawn?.(child);
  });
}

let timesSeq = 0;

/** User + system CPU ms of a shell's children, from the output of bash's `times` (NaN if unreadable). */
function childCpuMs(file) {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    rmSync(file, { force: true });
    const secs = [...(lines[1] ?? '').matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
    return secs.length === 2 ? (secs[0] + secs[1]) * 1000 : NaN;
  } catch {
    return NaN;
  }
}

/** Throws with the command's stderr when it failed. */
export function check(result, what) {
  if (result.code !== 0) {
    throw new Error(`${what} exited with code ${result.code}${result.signal ? ` (${result.signal})` : ''}:\n${result.stderr.slice(-4000)}`);
  }
  return result;
}

/** The 1-minute load average, rounded. */
export function load1() {
  return Math.round(loadavg()[0] * 100) / 100;
}

/**
 * Waits (up to maxMs) until the 1-minute load average is below `below`; returns the load
 * average found. With several people on one machine, timings taken under load are noisier.
 */
export async function waitForQuiet(below, maxMs, log) {
  const until = Date.now() + maxMs;
  let warned = false;
  while (load1() >= below && Date.now() < until) {
    if (!warned) log?.(`load average ${load1()} >= ${below}; waiting up to ${Math.round(maxMs / 1000)} s for a quieter machine`);
    warned = true;
    await new Promise((r) => setTimeout(r, 5000));
  }
  return load1();
}

function readStatus(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
  } catch {
    return null; // gone
  }
}

const TICKS_PER_S = 100; // USER_HZ on Linux

/** CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat. */
function readCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
  } catch {
    return NaN;
  }
}

function readEnviron(pid) {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
  } catch {
    return [];
  }
}

function readCmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** master, worker, check (the CLI's pre-flight load of the worker file) or other, from argv. */
export function roleOf(argv) {
  const main = argv.find((a) => a.endsWith('.js') || a.endsWith('.mjs')) ?? '';
  if (/master[/\\]dist[/\\]src[/\\]main\.js$/.test(main)) return 'master';
  if (/worker-main\.js$/.test(main)) return 'worker';
  if (/check-worker\.js$/.test(main)) return 'check';
  return 'other';
}

/**
 * Samples the memory of a gomr CLI's child processes: every `everyMs`, finds the processes
 * whose environment holds GOMR_PARENT_PID=<cliPid> (the local runtime sets it on every child
 * it spawns) and reads VmRSS and VmHWM (the kernel's peak-RSS high-water mark) from
 * /proc/<pid>/status. VmHWM makes the sampling interval irrelevant for the peak, except for
 * growth in the last interval before a process exits; the exit-time report of
 * peak-rss-preload.cjs covers that. Also records each process's CPU time (last sample).
 */
export function sampleChildren(cliPid, everyMs = 100) {
  const marker = `GOMR_PARENT_PID=${cliPid}`;
  const procs = new Map(); // pid -> { role, peakKb, series: [[tMs, rssKb]] }
  const t0 = Date.now();
  const scan = () => {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const pid = Number(name);
      let p = procs.get(pid);
      if (!p) {
        if (!readEnviron(pid).includes(marker)) continue;
        p = { pid, role: roleOf(readCmdline(pid)), peakKb: 0, cpuMs: 0, series: [] };
        procs.set(pid, p);
      }
      const s = readStatus(pid);
      if (!s) continue;
      p.peakKb = Math.max(p.peakKb, s.hwmKb || 0, s.rssKb || 0);
      const cpu = readCpuMs(pid);
      if (Number.isFinite(cpu)) p.cpuMs = cpu;
      p.series.push([Date.now() - t0, s.rssKb]);
    }
  };
  const timer = setInterval(scan, everyMs);
  scan();
  return {
    stop() {
      clearInterval(timer);
      return [...procs.values()];
    },
  };
}
