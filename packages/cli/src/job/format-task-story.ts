import type { TaskStory } from '@gomr/master';
import { formatDuration, formatTime } from './format-status.js';
import type { SnapshotSource } from './load-job-snapshot.js';

/** What `gomr status JOB --task T` prints: every attempt of the task, oldest first. */
export function formatTaskStory(jobId: string, s: TaskStory, source: SnapshotSource): string {
  const from = source.kind === 'summary' ? `from its summary in ${source.store}` : 'url' in source ? `live; page ${source.url}` : `live from pod ${source.pod}`;
  const where = s.range ? `, input ${s.input} bytes ${s.range[0]}-${s.range[1]}` : '';
  const n = s.attempts.length + s.earlierAttempts;
  const lines = [
    `task ${s.taskId} of job ${jobId}: ${s.committed ? 'committed' : 'not committed'}, ${n} attempt${n === 1 ? '' : 's'}${where} (${from})`,
  ];
  if (s.earlierAttempts) lines.push(`  (${s.earlierAttempts} earlier attempts not shown)`);
  for (const a of s.attempts) {
    const took = a.endedMs === null ? 'still running' : `${formatDuration(a.endedMs - a.startedMs)}`;
    lines.push(`  #${a.attempt}  ${a.outcome}${a.speculative ? ' (speculative)' : ''} on ${a.workerId}, ${formatTime(a.startedMs)}, ${took}`);
    const counters = Object.entries(a.counters).filter(([, v]) => v);
    if (counters.length) lines.push(`      counters  ${counters.map(([k, v]) => `${k}=${v}`).join(' ')}`);
    const user = Object.entries(a.userCounters);
    if (user.length) lines.push(`      user      ${user.map(([k, v]) => `${k}=${v}`).join(' ')}`);
    if (a.error) {
      const at = a.input ? ` (input ${a.input}, chunk at byte ${a.offset})` : a.key ? ` (key ${JSON.stringify(a.key)})` : '';
      lines.push(`      error     ${a.error}${at}`);
    }
    if (a.stack) for (const l of a.stack.split('\n')) lines.push(`        ${l}`);
  }
  return lines.join('\n');
}
