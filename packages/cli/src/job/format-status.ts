import type { JobSnapshot } from '@gomr/master';
import { isFinalJobState, jobKeys } from '@gomr/storage';
import { counterLines, formatBytes, formatCount } from './format-summary.js';
import { stepLines } from './format-steps.js';
import type { JobListing } from './list-jobs.js';
import type { SnapshotSource } from './load-job-snapshot.js';

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} m`;
}

/** Local time, minute precision is not enough for jobs seconds apart: 2026-11-22 23:15:02. */
export function formatTime(ms: number): string {
  if (!ms) return '-';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** What `gomr status JOB` prints: the page's data as text. */
export function formatStatus(s: JobSnapshot, source: SnapshotSource): string {
  const over = isFinalJobState(s.state);
  const from =
    source.kind === 'summary'
      ? `from its summary in ${source.store}`
      : 'url' in source
        ? `live; page ${source.url}`
        : `live from pod ${source.pod} in namespace ${source.namespace}, context ${source.context}; page: gomr ui ${s.jobId} -n ${source.namespace}`;
  const phase = (name: string, p: JobSnapshot['maps']) =>
    `  ${name.padEnd(9)} ${p.done}/${p.total} done, ${p.running} running, ${p.failedAttempts} failed, ${p.killedAttempts} lost attempts`;
  const inputBytes = s.inputs.reduce((n, i) => n + i.size, 0);
  const lines = [
    `job ${s.jobId} ${s.state.toLowerCase()} (${from})`,
    `  worker    ${s.workerFile || '-'}`,
    `  inputs    ${s.inputs.length === 1 ? s.inputs[0]!.name : `${s.inputs.length} files`}, ${formatBytes(inputBytes)}`,
    `  started   ${formatTime(s.startedMs)}; ${over ? 'took' : 'running for'} ${formatDuration(s.elapsedMs)}${over ? '' : `, about ${formatDuration(s.etaMs)} left`}`,
    ...(s.steps?.length ? [`  steps     ${s.steps.length}; maps and reduces below are step ${s.steps.filter((x) => x.state !== 'PENDING').length}'s`, ...stepLines(s.steps, s.takenMs)] : []),
    phase('maps', s.maps),
    // A snapshot from before map-only jobs existed has no mapOnly.
    s.mapOnly ? '  reduces   none: a map-only job' : phase('reduces', s.reduces),
    `  rate      ${formatBytes(Math.round(s.throughput.inputBytesPerSec))}/s, ${formatCount(Math.round(s.throughput.inputRecordsPerSec))} records/s in`,
    ...counterLines(s.counters, s.userCounters, '', s.mapOnly === true, jobKeys.skippedDir(s.jobId)),
  ];
  const live = s.workers.filter((w) => w.state === 'busy' || w.state === 'idle');
  lines.push(`  workers   ${s.workers.length} seen${over ? '' : `, ${live.length} live`}`);
  if (!over) for (const w of s.workers) lines.push(`    ${w.id.padEnd(8)} ${w.state.padEnd(5)} ${(w.currentTask || '-').padEnd(12)} ${w.host} pid ${w.pid}`);
  if (s.error) lines.push(`  error     ${s.error.summary}`);
  if (s.failures.length) {
    lines.push(`  failures  ${s.failures.length}`);
    for (const f of s.failures.slice(-10)) {
      lines.push(`    ${f.taskId}#${f.attempt} on ${f.workerId} ${f.outcome === 'failed' ? 'threw' : 'lost'}: ${firstLine(f.message)}`);
    }
    if (s.failures.length > 10) lines.push(`    (${s.failures.length - 10} earlier ones in --json)`);
    const last = s.failures[s.failures.length - 1]!;
    lines.push(`    (every attempt of a task: gomr status ${s.jobId} --task ${last.taskId}${over ? `; re-run it here: gomr replay ${s.jobId} ${last.taskId}` : ''})`);
  }
  return lines.join('\n');
}

/** What `gomr jobs` prints: a table, newest first. */
export function formatJobs(jobs: JobListing[], empty = 'no jobs yet (gomr run starts one)'): string {
  if (!jobs.length) return empty;
  const rows = jobs.map((j) => [
    j.id,
    j.state.toLowerCase(),
    formatTime(j.startedMs),
    j.state === 'STOPPED' ? '-' : formatDuration(j.durationMs),
    shorten(j.workerFile || '-', 36),
    truncate(!j.inputs.length ? '-' : j.inputs.length === 1 ? j.inputs[0]!.name : `${j.inputs.length} files: ${j.inputs.map((i) => i.name).join(', ')}`, 48),
  ]);
  const head = ['JOB', 'STATE', 'STARTED', 'DURATION', 'WORKER', 'INPUTS'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 160)}…` : line;
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Keeps the end of a long path or list: the file name matters more than its folders. */
function shorten(s: string, max: number): string {
  return s.length <= max ? s : `…${s.slice(s.length - max + 1)}`;
}
