import { groupByKey, mergeSorted, OutputOrderError, readRun, SortedLineWriter, type Rec } from '../data/index.js';
import type { JobInfo, TaskSpec } from './executor-protocol.js';
import type { TaskEnv, TaskResult } from './map-task.js';
import { TaskContext } from './task-context.js';
import { UserCodeError, isThenable } from './user-code-error.js';

function partName(partition: number): string {
  return `part-${String(partition).padStart(5, '0')}`;
}

/**
 * Streams a k-way merge of the partition's sorted runs, calls the reducer once per key, and
 * writes `key<TAB>value` lines, in key order, to the attempt's own part file. A reducer that
 * emits keys out of order after output began streaming makes the writer give up; the task then
 * runs once more with the writer sorting everything (slower, still bounded in memory).
 */
export async function runReduceTask(task: TaskSpec, job: JobInfo, env: TaskEnv): Promise<TaskResult> {
  try {
    return await reduceOnce(task, job, env, false);
  } catch (err) {
    if (err instanceof UserCodeError && err.original instanceof OutputOrderError) return reduceOnce(task, job, env, true);
    throw err;
  }
}

async function reduceOnce(task: TaskSpec, job: JobInfo, env: TaskEnv, sortAll: boolean): Promise<TaskResult> {
  const sources: AsyncIterable<Rec>[] = [];
  for (const key of task.runKeys) sources.push(readRun(await env.storage.getStream(key), { name: key }));
  const outKey = `${task.outputPrefix}${partName(task.index)}`;
  const writer = await env.storage.createWriter(outKey);
  const lines = new SortedLineWriter(writer, { spillDir: env.spillDir, sortAll });
  let currentKey = '';
  const ctx = new TaskContext(task.taskId, task.attempt, job.workerId, job.params, (k, v) => lines.write(k, v, currentKey));
  let inputRecords = 0;
  let groups = 0;
  const skip = new Set(task.skipKeys ?? []);
  let skippedRecords = 0;
  try {
    for await (const group of groupByKey(mergeSorted(sources))) {
      currentKey = group.key;
      groups++;
      inputRecords += group.values.length;
      if (skip.size && skip.has(group.key)) {
        // --skip-bad-records: the reducer failed on this key every attempt.
        skippedRecords += group.values.length;
        continue;
      }
      try {
        const r = env.definition.reducer(ctx, group.key, group.values);
        if (isThenable(r)) await r;
        await lines.drain();
      } catch (err) {
        throw new UserCodeError(err, '', 0, group.key);
      }
      if (groups % 1024 === 0) env.onProgress(inputRecords);
    }
    const stats = await lines.finish();
    writer.end();
    await writer.done();
    return {
      outputs: [{ partition: task.index, key: outKey, bytes: stats.bytes, records: stats.records }],
      counters: {
        reduceInputRecords: inputRecords,
        reduceInputGroups: groups,
        outputRecords: stats.records,
        outputBytes: stats.bytes,
        ...(skippedRecords ? { skippedRecords } : {}),
      },
      userCounters: ctx.userCounters,
    };
  } catch (err) {
    await writer.abort().catch(() => {});
    throw err;
  } finally {
    await lines.cleanup();
  }
}
