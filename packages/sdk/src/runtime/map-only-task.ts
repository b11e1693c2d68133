import { mapPartName } from '@gomr/storage';
import { LineWriter, outputFormat } from '../data/index.js';
import { stepInputName } from '../input/feed-runs.js';
import { heldEmits } from './held-emits.js';
import type { JobInfo, TaskSpec } from './executor-protocol.js';
import { feedTask, inputCounters, type TaskEnv, type TaskResult } from './map-task.js';
import { TaskContext } from './task-context.js';
import { openOutputObject } from './output-object.js';
import { openDeadLetter } from './dead-letter.js';

/**
 * A map task of a map-only job (no reducers): what the mapper emits is written straight to
 * the task's part file, in emit order, with no partitioning, combining or sorting. The file is
 * attempt-private (under the attempt's prefix); the master copies the committed attempt's one
 * to the output, as it does a reduce task's.
 */
export async function runMapOnlyTask(task: TaskSpec, job: JobInfo, env: TaskEnv): Promise<TaskResult> {
  const key = `${task.outputPrefix}${mapPartName(task.index)}`;
  const output = await openOutputObject(env.storage, key, job.outputCompression);
  const lines = new LineWriter(output.stream, outputFormat(job.outputFormat));
  const emits = heldEmits((k, v) => lines.write(k, v));
  const ctx = new TaskContext(task.taskId, task.attempt, job.workerId, job.params, emits.emit);
  ctx.input = task.split?.inputName ?? stepInputName(task);
  const deadLetter = openDeadLetter(env.storage, task.outputPrefix, job.maxSkippedRecords);
  try {
    const stats = await feedTask(task, env, { ctx, deadLetter, emits, afterUnit: () => lines.drain() });
    const out = await lines.finish();
    await output.close();
    const skippedFile = await deadLetter.finish();
    return {
      outputs: [{ partition: 0, key, bytes: out.bytes, records: out.records }, ...(skippedFile ? [skippedFile] : [])],
      counters: {
        ...inputCounters(task, stats.inputRecords, stats.inputBytes),
        mapOutputRecords: out.records,
        outputRecords: out.records,
        outputBytes: out.bytes,
        ...deadLetter.counters(),
        ...(stats.invalidUtf8 ? { invalidUtf8: stats.invalidUtf8 } : {}),
        ...(stats.crlfLines ? { crlfLines: stats.crlfLines } : {}),
      },
      userCounters: ctx.userCounters,
    };
  } catch (err) {
    await output.abort().catch(() => {});
    await deadLetter.abort();
    throw err;
  }
}
