import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  groupByKey, mergeDown, mergeSorted, OutputOrderError, readRun, SortedLineWriter, type Batched, type Rec,
} from '../data/index.js';
import type { Storage } from '@gomr/storage';
import type { JobInfo, RunInput, TaskSpec } from './executor-protocol.js';
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

/** Runs whose objects are opened at once (the k-way merge then reads them all anyway). */
const OPEN_CONCURRENCY = 16;

/**
 * The partition's runs as record sources, in map order: inline runs from their bytes, objects
 * opened OPEN_CONCURRENCY at a time (opening thousands of small runs one after the other is
 * mostly waiting).
 */
async function openRuns(task: TaskSpec, storage: Storage): Promise<Batched<Rec>[]> {
  const runs: RunInput[] = task.runs?.length ? task.runs : task.runKeys.map((key) => ({ key }));
  const streams: (Readable | undefined)[] = new Array(runs.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const opener = async () => {
    while (next < runs.length && !failure) {
      const i = next++;
      const run = runs[i]!;
      if (run.data) continue;
      try {
        streams[i] = await storage.getStream(run.key);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(OPEN_CONCURRENCY, runs.length) }, opener));
  if (failure) {
    for (const s of streams) s?.destroy();
    throw failure.error;
  }
  return runs.map((run, i) =>
    run.data ? readRun(inlineBytes(run.data), { name: `inline run ${i} of ${task.taskId}` }) : readRun(streams[i]!, { name: run.key }),
  );
}

async function* inlineBytes(data: Uint8Array): AsyncIterable<Uint8Array> {
  yield data;
}

/**
 * Most runs a reduce merges at once. Each run being read holds a buffer of its bytes and a
 * batch of decoded records (up to a few hundred KB; an inline run, all of it decoded); with
 * more runs (map tasks) than this, consecutive ones are first merged into local files, so the
 * reduce's memory does not grow with the number of map tasks.
 */
export const REDUCE_MERGE_FACTOR = 64;

let mergeFileSeq = 0;

/** The runs cut down to REDUCE_MERGE_FACTOR sources (see mergeDown); files made go in `files`. */
async function boundRuns(sources: Batched<Rec>[], env: TaskEnv, files: Set<string>): Promise<Batched<Rec>[]> {
  if (sources.length <= REDUCE_MERGE_FACTOR) return sources;
  await mkdir(env.spillDir, { recursive: true });
  const prefix = join(env.spillDir, `gomr-reduce-${process.pid}-${mergeFileSeq++}`);
  let n = 0;
  const left = await mergeDown(
    sources.map((stream) => ({ stream })),
    {
      factor: REDUCE_MERGE_FACTOR,
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

async function reduceOnce(task: TaskSpec, job: JobInfo, env: TaskEnv, sortAll: boolean): Promise<TaskResult> {
  const mergeFiles = new Set<string>();
  let sources: Batched<Rec>[];
  try {
    sources = await boundRuns(await openRuns(task, env.storage), env, mergeFiles);
  } catch (err) {
    await removeFiles(mergeFiles);
    throw err;
  }
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
    await removeFiles(mergeFiles);
  }
}
