import { jobKeys, listLogs, logPrefix, readLog, TASK_ID_PATTERN, type Storage } from '@gomr/storage';
import { UsageError } from '../errors.js';

/**
 * The logs a job's processes shipped to its store (jobs/<id>/logs/<name>/, see
 * @gomr/storage's log-objects.ts): they outlive the processes, their pods and `gomr down`.
 */

/** Which log: the master's (the default), worker N's, or every line about task T in any log. */
export interface LogSelection {
  worker?: number | undefined;
  task?: string | undefined;
  /** Only the last N lines. */
  tail?: number | undefined;
}

const TASK_ID = TASK_ID_PATTERN;

/** Refuses what is not a task id (m-00003, r-00000), in one line. */
export function checkTaskId(task: string): string {
  if (!TASK_ID.test(task)) throw new UsageError(`${JSON.stringify(task)} is not a task id (m-00003 for a map task, r-00000 for a reduce task; gomr status JOB lists them)`);
  return task;
}

/** The text of the selected stored log, or a UsageError (exit 2) that says what is there instead. */
export async function readStoredLog(storage: Storage, jobId: string, sel: LogSelection): Promise<string> {
  const names = await listLogs(storage, jobId);
  if (!names.length) {
    throw new UsageError(`job ${jobId} has no logs in ${storage.describe} (nothing under ${jobKeys.logs(jobId)}: it ran before gomr kept logs in storage, or never started)`);
  }
  let text: string;
  if (sel.task !== undefined) {
    text = await taskLines(storage, jobId, checkTaskId(sel.task), names);
  } else {
    const name = sel.worker === undefined ? 'master' : `worker-${sel.worker}`;
    if (!names.includes(name)) {
      throw new UsageError(`job ${jobId} has no stored log of the ${sel.worker === undefined ? 'master' : `worker ${sel.worker}`} (logs: ${names.join(', ')})`);
    }
    text = await readLog(storage, logPrefix(jobId, name));
  }
  return sel.tail ? lastLines(text, sel.tail) : text;
}

/**
 * Every line of every log of the job that names the task (`m-00003`), with the log it is from:
 * the user's output of each attempt (prefixed `[m-00003#2]` by the worker), the worker's lines
 * about it and the master's (assigned, failed, committed).
 */
async function taskLines(storage: Storage, jobId: string, task: string, names: string[]): Promise<string> {
  const word = new RegExp(`(^|[^\\w-])${task}([^\\w-]|$)`);
  const width = Math.max(...names.map((n) => n.length));
  const out: string[] = [];
  for (const name of names) {
    for (const line of (await readLog(storage, logPrefix(jobId, name))).split('\n')) {
      if (word.test(line)) out.push(`${name.padEnd(width)} | ${line}`);
    }
  }
  if (!out.length) throw new UsageError(`no log line of job ${jobId} names task ${task} (logs: ${names.join(', ')})`);
  return out.join('\n') + '\n';
}

function lastLines(text: string, n: number): string {
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  return lines.slice(-n).join('\n') + (text ? '\n' : '');
}
