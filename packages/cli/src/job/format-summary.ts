import { join } from 'node:path';
import type { JobStatus__Output } from '@gomr/proto';
import { jobKeys, SKIPPED_DIR } from '@gomr/storage';
import { stepLines } from './format-steps.js';

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

export function formatCount(n: number | undefined): string {
  return (n ?? 0).toLocaleString('en-US');
}

/**
 * Every built-in counter and the user's ctx.count ones, one section a line. Shared by the
 * summary `gomr run` prints and by `gomr status`.
 */
export function counterLines(
  c: Record<string, number>,
  userCounters: Record<string, number>,
  outputWhere = '',
  mapOnly = false,
  /** Where the dead-letter files are (--skip-bad-records), for the skipped line. */
  skippedWhere = '',
): string[] {
  const num = formatCount;
  const lines = [
    `  input     ${num(c.mapInputRecords)} records, ${formatBytes(c.mapInputBytes ?? 0)}`,
    // A map-only job has no combine, shuffle or reduce: its map output is the output.
    ...(mapOnly
      ? []
      : [
          `  map out   ${num(c.mapOutputRecords)} records; combined ${num(c.combineInputRecords)} -> ${num(c.combineOutputRecords)}`,
          `  shuffle   ${num(c.shuffleRecords)} records, ${formatBytes(c.shuffleBytes ?? 0)}, ${num(c.spills)} spills`,
          `  reduce    ${num(c.reduceInputGroups)} keys from ${num(c.reduceInputRecords)} records`,
        ]),
    `  output    ${num(c.outputRecords)} records, ${formatBytes(c.outputBytes ?? 0)}${outputWhere}`,
  ];
  // --skip-bad-records: say loudly what was left out.
  if (c.skippedRecords) {
    const values = c.skippedValues ? ` (${num(c.skippedValues)} values of skipped keys)` : '';
    lines.push(`  skipped   ${num(c.skippedRecords)} bad records${values} (--skip-bad-records)`);
    lines.push(...skippedWrittenLines(c.skippedRecords, c.skippedWritten ?? 0, skippedWhere));
  }
  // Input the mapper saw other than as written: say so, it is easy to miss in the output.
  if (c.invalidUtf8) lines.push(`  input     ${num(c.invalidUtf8)} invalid UTF-8 sequences, each given to the mapper as U+FFFD`);
  if (c.userOutputDroppedLines) lines.push(`  logs      ${num(c.userOutputDroppedLines)} lines of the job's own output dropped (over 1 MiB per task; see the worker logs)`);
  if (c.crlfLines) lines.push(`  input     ${num(c.crlfLines)} lines end in \\r\\n (text mode: the mapper sees the \\r)`);
  const user = Object.entries(userCounters).sort(([a], [b]) => (a < b ? -1 : 1));
  if (user.length) {
    lines.push('  counters');
    for (const [name, value] of user) lines.push(`    ${name.padEnd(24)} ${num(value)}`);
  }
  return lines;
}

/** Where the skipped records went, and whether --max-skipped-records left some out. */
function skippedWrittenLines(skipped: number, written: number, where: string): string[] {
  const num = formatCount;
  const at = where ? ` to ${where}` : '';
  if (written >= skipped) return [`            each written with its error${at}`];
  return [
    `            ${num(written)} written with their errors${at}; ${num(skipped - written)} more only counted`,
    '            (a task reached --max-skipped-records)',
  ];
}

/** The human summary printed when a job ends. */
export function formatSummary(status: JobStatus__Output, wallMs: number, outputDir: string | undefined, files: number): string {
  const skippedWhere = outputDir ? `${join(outputDir, SKIPPED_DIR)}/` : jobKeys.skippedDir(status.jobId);
  // A job of steps: its tasks in all, then each step; the counters below are the job's.
  if (status.steps?.length) {
    const sum = (f: (s: (typeof status.steps)[number]) => number) => status.steps.reduce((n, s) => n + f(s), 0);
    return [
      `job ${status.jobId} ${status.state.toLowerCase()} in ${(wallMs / 1000).toFixed(2)} s`,
      `  tasks     ${sum((s) => s.maps!.total)} map, ${sum((s) => s.reduces!.total)} reduce in ${status.steps.length} steps (${sum((s) => s.maps!.failed + s.reduces!.failed)} failed attempts)`,
      ...stepLines(status.steps),
      // The job's counters: a map-only last step does not make the steps before it map-only.
      ...counterLines(status.counters, status.userCounters, outputDir ? ` in ${files} files under ${outputDir}` : '', false),
    ].join('\n');
  }
  return [
    `job ${status.jobId} ${status.state.toLowerCase()} in ${(wallMs / 1000).toFixed(2)} s`,
    `  tasks     ${status.maps!.total} map, ${status.mapOnly ? 'no reduce (map-only)' : `${status.reduces!.total} reduce`} (${status.maps!.failed + status.reduces!.failed} failed attempts)`,
    ...counterLines(status.counters, status.userCounters, outputDir ? ` in ${files} files under ${outputDir}` : '', status.mapOnly, skippedWhere),
  ].join('\n');
}
