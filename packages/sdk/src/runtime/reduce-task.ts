import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { partName, RUN_SUFFIX } from '@gomr/storage';
import {
  groupByKey, mergeDown, mergeSorted, OutputOrderError, outputFormat, RunWriter, SortedLineWriter, type Batched, type Rec,
} from '../data/index.js';
import { openOutputObject, type OutputObject } from './output-object.js';
import { writesRun, type JobInfo, type TaskSpec } from './executor-protocol.js';
import type { TaskEnv, TaskResult } from './map-task.js';
import { closeRuns, openObjects, reduceRuns } from './reduce-runs.js';
import { callSite } from './async-user-errors.js';
import { TaskContext } from './task-context.js';
import { UserCodeError, isThenable } from './user-code-error.js';
import { openDeadLetter } from './dead-letter.js';

/**
 * Streams a k-way merge of the partition's sorted runs, calls the reducer once per key, and
 * writes `key<TAB>value` lines, in key order, to the attempt's own part file. A reducer that
 * emits keys out of order after output began streaming makes the writer give up; the task then
 * runs once more with the writer sorting everything (slower, still bounded in memory).
 */
export async function runReduceTask(
  task: TaskSpec,
  job: JobInfo,
  env: TaskEnv,
  options: ReduceTaskOptions = {},
): Promise<TaskResult> {
  const factor = Math.max(2, options.mergeFactor ?? REDUCE_MERGE_FACTOR);
  try {
    return await reduceOnce(task, job, env, false, factor);
  } catch (err) {
    if (err instanceof UserCodeError && err.original instanceof OutputOrderError) return reduceOnce(task, job, env, true, factor);
    throw err;
  }
}

export interface ReduceTaskOptions {
  /** Most runs read (and open) at once. @default REDUCE_MERGE_FACTOR */
  mergeFactor?: number;
}

/**
 * Most runs a reduce merges, and holds open, at once. Each run being read holds a buffer of
 * its bytes and a batch of decoded records (up to a few hundred KB; an inline run, all of it
 * decoded) and a file descriptor or a socket; with more runs (map tasks) than this,
 * consecutive ones are first merged into local files, a group at a time, so neither the
 * reduce's memory nor its open files grow with the number of map tasks.
 */
export const REDUCE_MERGE_FACTOR = 64;

let mergeFileSeq = 0;

/**
 * The runs cut down to `factor` sources (see mergeDown), their objects open; files made go in
 * `files`. Objects are opened a merge group at a time, just before the group is read, so at
 * most `factor` are open at once however many runs there are.
 */
async function boundRuns(runs: Batched<Rec>[], env: TaskEnv, factor: number, files: Set<string>): Promise<Batched<Rec>[]> {
  const left = runs.length <= factor ? runs : await mergeRuns(runs, env, factor, files);
  await openObjects(left);
  return left;
}

async function mergeRuns(runs: Batched<Rec>[], env: TaskEnv, factor: number, files: Set<string>): Promise<Batched<Rec>[]> {
  await mkdir(env.spillDir, { recursive: true });
  const prefix = join(env.spillDir, `gomr-reduce-${process.pid}-${mergeFileSeq++}`);
  let n = 0;
  const left = await mergeDown(
    runs.map((stream) => ({ stream })),
    {
      factor,
      beforeMerge: (group) => openObjects(group.map((g) => g.stream)),
      newFile: () => {
        const f = `${prefix}-${n++}.run`;
        files.add(f);
        return f;
      },
      removeFile: async (f) => {
        files.delete(f);
        await rm(f, { force: true });
      },
    },
  );
  return left.map((l) => l.stream);
}

async function removeFiles(files: Set<string>): Promise<void> {
  await Promise.all([...files].map((f) => rm(f, { force: true })));
}

async function reduceOnce(task: TaskSpec, job: JobInfo, env: TaskEnv, sortAll: boolean, factor: number): Promise<TaskResult> {
  const mergeFiles = new Set<string>();
  const runs = reduceRuns(task, env.storage);
  // A step before the last writes a run for the next step (uncompressed: only gomr reads it).
  const toRun = writesRun(task, job);
  const outKey = `${task.outputPrefix}${partName(task.index)}${toRun ? RUN_SUFFIX : ''}`;
  let sources: Batched<Rec>[];
  let output: OutputObject;
  try {
    sources = await boundRuns(runs, env, factor, mergeFiles);
    output = await openOutputObject(env.storage, outKey, toRun ? 'none' : job.outputCompression);
  } catch (err) {
    closeRuns(runs);
    await removeFiles(mergeFiles);
    throw err;
  }
  const lines = toRun ? new RunWriter(output.stream) : new SortedLineWriter(output.stream, { spillDir: env.spillDir, sortAll, format: outputFormat(job.outputFormat) });
  let currentKey = '';
  const ctx = new TaskContext(task.taskId, task.attempt, job.workerId, job.params, (k, v) => lines.write(k, v, currentKey));
  ctx.open = false;
  ctx.role = 'reducer';
  let inputRecords = 0;
  let groups = 0;
  const skipKeys = task.skipKeys ?? [];
  const skip = new Set(skipKeys);
  const why = new Map(skipKeys.map((k, i) => [k, task.skipErrors?.[i] ?? '']));
  const deadLetter = openDeadLetter(env.storage, task.outputPrefix, job.maxSkippedRecords);
  let skippedValues = 0;
  try {
    // Groups come a batch at a time; within one, an await only where there is something to wait for.
    for await (const batch of groupByKey(mergeSorted(sources)).batches()) {
      for (const group of batch) {
        currentKey = group.key;
        groups++;
        inputRecords += group.values.length;
        // gomr replay --chunk: the reducer sees only the key it failed on.
        if (env.only?.key !== undefined && group.key !== env.only.key) continue;
        if (skip.size && skip.has(group.key)) {
          // --skip-bad-records: the reducer failed on this key every attempt. One reducer call,
          // one record (as the summary lists one entry for it); its values are counted apart.
          skippedValues += group.values.length;
          deadLetter.add({ task: task.taskId, key: group.key, values: group.values, error: why.get(group.key) ?? '' });
          continue;
        }
        callSite.key = group.key;
        ctx.open = true;
        try {
          const r = env.definition.reducer!(ctx, group.key, group.values);
          if (isThenable(r)) await r;
          ctx.open = false;
          const wait = lines.drainIfNeeded();
          if (wait) await wait;
        } catch (err) {
          throw new UserCodeError(err, '', 0, group.key);
        } finally {
          ctx.open = false;
        }
        if (groups % 1024 === 0) env.onProgress(inputRecords);
      }
    }
    const stats = await lines.finish();
    await output.close();
    const skippedFile = await deadLetter.finish();
    return {
      outputs: [{ partition: task.index, key: outKey, bytes: stats.bytes, records: stats.records }, ...(skippedFile ? [skippedFile] : [])],
      counters: {
        reduceInputRecords: inputRecords,
        reduceInputGroups: groups,
        // A step before the last: records for the next step, not the job's output.
        ...(toRun ? { stepOutputRecords: stats.records, stepOutputBytes: stats.bytes } : { outputRecords: stats.records, outputBytes: stats.bytes }),
        ...deadLetter.counters(),
        ...(skippedValues ? { skippedValues } : {}),
      },
      userCounters: ctx.userCounters,
    };
  } catch (err) {
    await output.abort().catch(() => {});
    await deadLetter.abort();
    throw err;
  } finally {
    closeRuns(runs);
    await lines.cleanup();
    await removeFiles(mergeFiles);
  }
}
