import type { JobStatus__Output } from '@gomr/proto';

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

function num(n: number | undefined): string {
  return (n ?? 0).toLocaleString('en-US');
}

/** The human summary printed when a job ends. */
export function formatSummary(status: JobStatus__Output, wallMs: number, outputDir: string | undefined, files: number): string {
  const c = status.counters;
  const lines = [
    `job ${status.jobId} ${status.state.toLowerCase()} in ${(wallMs / 1000).toFixed(2)} s`,
    `  tasks     ${status.maps!.total} map, ${status.reduces!.total} reduce (${status.maps!.failed + status.reduces!.failed} failed attempts)`,
    `  input     ${num(c.mapInputRecords)} records, ${bytes(c.mapInputBytes ?? 0)}`,
    `  map out   ${num(c.mapOutputRecords)} records; combined ${num(c.combineInputRecords)} -> ${num(c.combineOutputRecords)}`,
    `  shuffle   ${num(c.shuffleRecords)} records, ${bytes(c.shuffleBytes ?? 0)}, ${num(c.spills)} spills`,
    `  reduce    ${num(c.reduceInputGroups)} keys from ${num(c.reduceInputRecords)} records`,
    `  output    ${num(c.outputRecords)} records, ${bytes(c.outputBytes ?? 0)}${outputDir ? ` in ${files} files under ${outputDir}` : ''}`,
  ];
  const user = Object.entries(status.userCounters).sort(([a], [b]) => (a < b ? -1 : 1));
  if (user.length) {
    lines.push('  counters');
    for (const [name, value] of user) lines.push(`    ${name.padEnd(24)} ${num(value)}`);
  }
  return lines.join('\n');
}
