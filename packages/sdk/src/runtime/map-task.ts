import { Writable } from 'node:stream';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { runName, type ObjectWriter, type RunObject, type Storage } from '@gomr/storage';
import {
  MapOutputBuffer, defaultHeapLimit, defaultPartition, writeRun, type SortedPartition,
} from '../data/index.js';
import { feedMapper, type FeedOptions } from '../input/feed-mapper.js';
import { feedRuns, stepInputName } from '../input/feed-runs.js';
import type { JobDefinition, JsonValue } from '../user-api.js';
import type { JobInfo, TaskSpec } from './executor-protocol.js';
import { checkInputUnchanged } from './input-unchanged.js';
import { TaskContext } from './task-context.js';
import { rangePartition } from '../total-order/cut-points.js';
import { combinerError, isThenable, partitionerError } from './user-code-error.js';
import { openDeadLetter, type DeadLetter } from './dead-letter.js';
import { heldEmits, type HeldEmits } from './held-emits.js';

export interface TaskEnv {
  definition: JobDefinition;
  storage: Storage;
  inputStorage: Storage;
  spillDir: string;
  spillBytes: number;
  onProgress: (progress: number) => void;
  /** Check each split's input before and after reading it (inputs read in place). */
  inputsMayChange?: boolean;
  /** gomr replay --chunk / --line: user code sees only the failing chunk, line or key. */
  only?: ReplayNarrowing;
}

/**
 * What a replay narrows a task to. MAP: only the unit (chunk, or line/record in the other
 * input modes) at `offset`; `byLine`: a text chunk's lines one at a time. REDUCE: only `key`.
 */
export interface ReplayNarrowing {
  offset?: number;
  byLine?: boolean;
  /** With byLine: only the line at this byte offset (found by an earlier replay). */
  line?: number;
  key?: string;
}

/** The narrowing as feedMapper takes it (a map task's part of it). */
export function mapNarrowing(only: ReplayNarrowing | undefined): { only: { offset: number; byLine?: boolean; line?: number } } | Record<string, never> {
  if (only?.offset === undefined) return {};
  return { only: { offset: only.offset, ...(only.byLine ? { byLine: true } : {}), ...(only.byLine && only.line !== undefined ? { line: only.line } : {}) } };
}

export interface TaskResult {
  outputs: RunObject[];
  counters: Record<string, number>;
  userCounters: Record<string, number>;
}

/** Wraps the user's partitioner so a bad return value is a clear error, not lost data. */
function checkedPartitioner(definition: JobDefinition): (key: string, reducers: number) => number {
  const user = definition.partitioner;
  if (!user) return defaultPartition;
  return (key, reducers) => {
    let p: number;
    try {
      p = user(key, reducers);
    } catch (err) {
      // The user's error (exit 1), not gomr's: it names the partitioner and the key.
      throw partitionerError(err, key);
    }
    if (!Number.isInteger(p) || p < 0 || p >= reducers) {
      throw partitionerError(new RangeError(`partitioner returned ${String(p)} for key ${JSON.stringify(key)}; it must be an integer in [0, ${reducers})`), key);
    }
    return p;
  };
}

/**
 * Reads one split line-chunk by line-chunk, feeds the mapper, and writes one sorted run per
 * non-empty partition under the attempt's own prefix.
 */
export async function runMapTask(task: TaskSpec, job: JobInfo, env: TaskEnv): Promise<TaskResult> {
  const split = task.split;
  const inputName = split?.inputName ?? stepInputName(task);
  const { definition } = env;
  // --sort total: by key range, at the job's sampled cut points (total-order/cut-points.ts).
  const cuts = job.totalOrder ? job.cutPoints ?? [] : undefined;
  const partition = cuts ? (key: string) => rangePartition(cuts, key) : checkedPartitioner(definition);
  const combiner = definition.combiner;
  // One set of user counters for the task: the combiner's ctx.count adds to the mapper's.
  const userCounters: Record<string, number> = {};
  const buffer = new MapOutputBuffer({
    reducers: job.reducers,
    partition,
    spillBytes: env.spillBytes,
    // Spill also when the thread's heap in use says so, whatever the estimate says.
    heapLimitBytes: defaultHeapLimit(env.spillBytes),
    spillDir: env.spillDir,
    ...(combiner
      ? {
          combiner: (key: string, values: JsonValue[], emit: (k: string, v: JsonValue) => void) => {
            const cctx = new TaskContext(task.taskId, task.attempt, job.workerId, job.params, emit, userCounters);
            cctx.input = inputName;
            // Without this, a combiner's error read "mapper failed" with no key and gomr's frames.
            const fail = (err: unknown): never => {
              throw combinerError(err, inputName, key);
            };
            try {
              const r = combiner(cctx, key, values);
              return isThenable(r) ? Promise.resolve(r).catch(fail) : r;
            } catch (err) {
              return fail(err);
            }
          },
        }
      : {}),
  });
  const emits = heldEmits((k, v) => buffer.add(k, v));
  const ctx = new TaskContext(task.taskId, task.attempt, job.workerId, job.params, emits.emit, userCounters);
  ctx.input = inputName;
  const deadLetter = openDeadLetter(env.storage, task.outputPrefix, job.maxSkippedRecords);
  let ok = false;
  try {
    const { inputRecords, inputBytes, invalidUtf8, crlfLines } = await feedTask(task, env, { ctx, deadLetter, emits, afterUnit: () => (buffer.needsSpill ? buffer.spillIfFull() : undefined) });
    const partitions = await buffer.finish();
    const outputs: RunObject[] = [];
    // What may still go back inline, in the report, instead of as objects.
    let inlineLeft = task.inlineRunBytes ?? 0;
    for (let p = 0; p < partitions.length; p++) {
      // Empty partitions cost no object; the reducer simply gets fewer runs.
      if (partitions[p]!.empty) continue;
      const key = `${task.outputPrefix}${runName(p)}`;
      if (inlineLeft > 0) {
        const run = await writePartitionOrInline(env.storage, key, partitions[p]!, inlineLeft);
        if (run.data) {
          inlineLeft -= run.data.length;
          outputs.push({ partition: p, key: '', bytes: run.bytes, records: run.records, data: run.data });
        } else {
          outputs.push({ partition: p, key, bytes: run.bytes, records: run.records });
        }
        continue;
      }
      outputs.push({ partition: p, key, ...(await writePartition(env.storage, key, partitions[p]!)) });
    }
    const skippedFile = await deadLetter.finish();
    if (skippedFile) outputs.push(skippedFile);
    ok = true;
    return {
      outputs,
      counters: {
        ...inputCounters(task, inputRecords, inputBytes),
        mapOutputRecords: buffer.mapOutputRecords,
        combineInputRecords: buffer.combineInputRecords,
        combineOutputRecords: buffer.combineOutputRecords,
        spills: buffer.spills,
        ...(buffer.heapSpills ? { heapSpills: buffer.heapSpills } : {}),
        ...deadLetter.counters(),
        ...(invalidUtf8 ? { invalidUtf8 } : {}),
        ...(crlfLines ? { crlfLines } : {}),
        shuffleBytes: outputs.reduce((n, o) => n + (o === skippedFile ? 0 : o.bytes), 0),
        shuffleRecords: outputs.reduce((n, o) => n + (o === skippedFile ? 0 : o.records), 0),
      },
      userCounters: ctx.userCounters,
    };
  } finally {
    if (!ok) await deadLetter.abort();
    await buffer.cleanup();
  }
}

/**
 * What a map task read: the job's input (mapInputRecords, mapInputBytes), or past step 0 of a
 * job of steps, the step before's records (stepInputRecords), so that the job's input counters
 * count its input once, not once per step.
 */
export function inputCounters(task: TaskSpec, records: number, bytes: number): Record<string, number> {
  return task.split ? { mapInputRecords: records, mapInputBytes: bytes } : { stepInputRecords: records };
}

/** What a map task's own code gives feedTask; the rest comes from the task and its env. */
export interface TaskFeed {
  ctx: FeedOptions['ctx'];
  deadLetter: DeadLetter;
  emits: HeldEmits;
  afterUnit: FeedOptions['afterUnit'];
}

/**
 * Feeds the mapper the task's input: its split of the job's inputs, or (a map task past step 0
 * of a job of steps) the runs the step before it wrote.
 */
export function feedTask(task: TaskSpec, env: TaskEnv, feed: TaskFeed) {
  const o: Omit<FeedOptions, 'split' | 'storage' | 'checkInput'> = {
    definition: env.definition,
    ctx: feed.ctx,
    skipOffsets: task.skipOffsets ?? [],
    ...(task.skipErrors ? { skipErrors: task.skipErrors } : {}),
    deadLetter: feed.deadLetter,
    taskId: task.taskId,
    hold: feed.emits.hold,
    release: feed.emits.release,
    afterUnit: feed.afterUnit,
    onProgress: env.onProgress,
  };
  const split = task.split;
  if (!split) return feedRuns({ ...o, task, storage: env.storage, inputName: stepInputName(task) });
  return feedMapper({
    ...o,
    storage: env.inputStorage,
    split,
    ...(env.inputsMayChange ? { checkInput: () => checkInputUnchanged(env.inputStorage, split) } : {}),
    // gomr replay --chunk/--line: only the failing chunk or line of the split.
    ...mapNarrowing(env.only),
  });
}

async function writePartition(storage: Storage, key: string, records: SortedPartition): Promise<{ bytes: number; records: number }> {
  const writer = await storage.createWriter(key);
  try {
    const stats = await writeRun(records, writer);
    writer.end();
    await writer.done();
    return stats;
  } catch (err) {
    await writer.abort().catch(() => {});
    throw err;
  }
}

/**
 * Writes a run that is kept in memory while it stays within `limit` bytes and returned as
 * `data` (an inline run: it travels in the report, no object is made), or else written to
 * storage under `key` as writePartition would.
 */
async function writePartitionOrInline(
  storage: Storage,
  key: string,
  records: SortedPartition,
  limit: number,
): Promise<{ bytes: number; records: number; data?: Buffer }> {
  const sink = new RunSink(() => storage.createWriter(key), limit);
  try {
    const stats = await writeRun(records, sink);
    sink.end();
    await finished(sink);
    const data = sink.inline();
    return data ? { ...stats, data } : stats;
  } catch (err) {
    await sink.abortObject();
    throw err;
  }
}

/** Collects a run in memory up to `limit` bytes; past that, streams it all into a storage object. */
class RunSink extends Writable {
  private chunks: Buffer[] = [];
  private size = 0;
  private object?: ObjectWriter;

  constructor(
    private readonly open: () => Promise<ObjectWriter>,
    private readonly limit: number,
  ) {
    super();
  }

  /** The run's bytes when it stayed in memory; undefined when it went to an object. */
  inline(): Buffer | undefined {
    return this.object ? undefined : Buffer.concat(this.chunks, this.size);
  }

  async abortObject(): Promise<void> {
    await this.object?.abort().catch(() => {});
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.object && this.size + chunk.length <= this.limit) {
      this.chunks.push(chunk);
      this.size += chunk.length;
      callback();
      return;
    }
    this.toObject()
      .then(async (w) => {
        if (!w.write(chunk)) await once(w, 'drain');
      })
      .then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.object) return callback();
    const w = this.object;
    w.end();
    w.done().then(() => callback(), callback);
  }

  private async toObject(): Promise<ObjectWriter> {
    if (!this.object) {
      this.object = await this.open();
      for (const c of this.chunks) this.object.write(c);
      this.chunks = [];
      this.size = 0;
    }
    return this.object;
  }
}
