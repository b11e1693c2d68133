import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOB_DEFAULTS, jobKeys, LocalStorage, planSplits, splitInputs, taskId as taskIdOf, type Split } from '@gomr/storage';
import { DEFAULT_SPILL_BYTES } from '../data/index.js';
import type { JsonValue } from '../user-api.js';
import { stepJob, type JobInfo, type TaskSpec } from '../runtime/executor-protocol.js';
import { jobSteps, type StepOptions } from '../job-steps.js';
import { runMapTask, type TaskEnv, type TaskResult } from '../runtime/map-task.js';
import { runReduceTask } from '../runtime/reduce-task.js';
import { UserCodeError } from '../runtime/user-code-error.js';
import { resolveJob, type JobSource } from './load-job.js';
import { ReduceCapture } from './reduce-capture.js';
import { RunJobError } from './run-job-error.js';
import { placeInputs, type RunJobInputs } from './test-inputs.js';
import { pickCutPoints, sampleKeys } from '../total-order/index.js';
import { sideFiles } from './test-side-files.js';
import { bindSideFiles } from '../runtime/side-files.js';

export interface RunJobOptions {
  /** Target number of map tasks, planned by the master's own planner. @default one per input */
  mappers?: number;
  /** Reduce tasks = part files (a job of steps: of each step that does not set its own `reducers`). @default 1 */
  reducers?: number;
  /** `ctx.params`, as `gomr run --param KEY=VALUE` gives them. @default {} */
  params?: Record<string, string>;
  /** Map-side buffer before it spills sorted runs to disk, bytes (as `--spill-mb`). @default 64 MiB */
  spillBytes?: number;
  /**
   * Side files for ctx.files, as `--file` ships them: contents by name, or paths of files and
   * directories (named as `--file` names them). @default none
   */
  files?: RunJobInputs;
  /**
   * 'total': globally sorted parts, partitioned by key range at cut points sampled from the
   * input, as `gomr run --sort total` does. @default the definition's `sort`, else 'hash'
   */
  sort?: 'hash' | 'total';
}

export interface RunJobResult<O extends JsonValue = JsonValue> {
  /** What the reducers (of a job of steps: of its last step) emitted, values with their JSON types: part 0 first, each in key order. */
  records: [string, O][];
  /** The text of part-00000 .. part-{R-1}, byte for byte as `gomr run` writes them. */
  parts: string[];
  /** Built-in counters, summed over the tasks (as in the job summary). */
  counters: Record<string, number>;
  /** `ctx.count` counters. */
  userCounters: Record<string, number>;
  /** With sort 'total': the keys the ranges were cut at (at most R-1, ascending). */
  cutPoints?: string[];
}

const JOB = 'runjob';

/**
 * Runs a job in this process, over in-memory inputs or files, through gomr's own data path: the
 * master's split planner, the real map task (line-aligned splits, combiner, partitioner, sort,
 * spill) and the real reduce (k-way merge of the runs, grouping, sorted part files), with a
 * local store in a temporary directory that is removed afterwards. Tasks run one after the
 * other, in this thread, so a debugger stops in user code and a throw comes back as a
 * RunJobError whose stack is the user's own.
 */
export async function runJob<O extends JsonValue = JsonValue>(
  job: JobSource,
  inputs: RunJobInputs,
  options: RunJobOptions = {},
): Promise<RunJobResult<O>> {
  const resolved = await resolveJob(job);
  // A job of steps runs step by step (see runSteps below); each step as a job of one step would.
  const steps = jobSteps(resolved);
  const definition = steps[0]!;
  const stepReducers = steps.map((s) => positive('reducers', (s as StepOptions<JsonValue, JsonValue>).reducers ?? options.reducers ?? JOB_DEFAULTS.reducers));
  const reducers = stepReducers[0]!;
  const spillBytes = positive('spillBytes', options.spillBytes ?? DEFAULT_SPILL_BYTES);
  const sort = options.sort ?? definition.sort ?? 'hash';
  if (sort !== 'hash' && sort !== 'total') throw new RunJobError(`runJob: sort must be 'hash' or 'total', got ${JSON.stringify(sort)}`, undefined);
  const totalOrder = sort === 'total';
  if (steps.some((s) => !s.reducer)) throw new RunJobError(`runJob: this definition has no reducer${steps.length > 1 ? ' in its last step' : ''} (a map-only job); runJob runs jobs with a reducer only`, undefined);
  if (totalOrder && steps.length > 1) throw new RunJobError("runJob: sort 'total' is not supported for a job of steps", undefined);
  if (totalOrder && definition.partitioner) throw new RunJobError("runJob: sort 'total' partitions by key range; it cannot be combined with a partitioner", undefined);
  const dir = await mkdtemp(join(tmpdir(), 'gomr-runjob-'));
  const store = new LocalStorage(join(dir, 'store'));
  const files = new LocalStorage('/');
  try {
    const { inMemory, files: onDisk } = await placeInputs(inputs, store);
    const all = [...inMemory, ...onDisk];
    const splits = planSplits(splitInputs(all), positive('mappers', options.mappers ?? Math.max(1, all.length)));
    const last = steps.length - 1;
    const capture = new ReduceCapture(steps[last]!, stepReducers[last]!);
    const info: JobInfo = { workerId: 'runJob', reducers, params: { ...(options.params ?? {}) }, ...(steps.length > 1 ? { steps: steps.length } : {}) };
    if (options.files) bindSideFiles(info.params, await sideFiles(options.files, join(dir, 'files')));
    const env = (inputStorage: LocalStorage, step = 0): TaskEnv => ({
      definition: step === last ? capture.definition : steps[step]!, storage: store, inputStorage, spillDir: join(dir, 'spill'), spillBytes, onProgress: () => {},
    });
    const counters: Record<string, number> = {};
    const userCounters: Record<string, number> = {};
    const add = (r: TaskResult) => {
      for (const [k, v] of Object.entries(r.counters)) counters[k] = (counters[k] ?? 0) + v;
      for (const [k, v] of Object.entries(r.userCounters)) userCounters[k] = (userCounters[k] ?? 0) + v;
    };
    const inStore = new Set(inMemory.map((i) => i.key));
    const storageFor = (split: Split) => (inStore.has(split.inputKey) ? store : files);
    if (totalOrder) {
      const sample = await asUserError('sample', () => sampleKeys(definition, splits, storageFor, { params: info.params }));
      info.totalOrder = true;
      info.cutPoints = pickCutPoints(sample, reducers);
    }
    // Step by step: step k's map task i reads the run step k-1's reduce i wrote, as on a cluster.
    let stepOutputs: string[] = [];
    const parts: string[] = [];
    for (let step = 0; step <= last; step++) {
      const r = stepReducers[step]!;
      const inStep = steps.length > 1 ? { step, reducers: r } : {};
      const runs: string[][] = Array.from({ length: r }, () => []);
      const maps: { task: TaskSpec; storage: LocalStorage }[] =
        step === 0
          ? splits.map((split, i) => ({ task: { ...mapTask(i, split), ...inStep }, storage: storageFor(split) }))
          : stepOutputs.map((key, i) => ({ task: { ...stepMapTask(step, i, key), ...inStep }, storage: store }));
      for (const { task, storage } of maps) {
        const result = await asUserError(task.taskId, () => runMapTask(task, stepJob(task, info), env(storage, step)));
        add(result);
        // A task whose runs are all empty writes none; the reducer simply gets fewer.
        for (const o of result.outputs) runs[o.partition]!.push(o.key);
      }
      stepOutputs = [];
      for (let p = 0; p < r; p++) {
        const taskId = taskIdOf('REDUCE', p, step);
        const task: TaskSpec = { taskId, kind: 'REDUCE', index: p, attempt: 1, outputPrefix: jobKeys.reduceAttempt(JOB, taskId, 1), runKeys: runs[p]!, ...inStep };
        if (step === last) capture.begin(p);
        const result = await asUserError(taskId, () => runReduceTask(task, stepJob(task, info), env(store, step)));
        add(result);
        if (step === last) parts.push((await store.get(result.outputs[0]!.key)).toString('utf8'));
        else stepOutputs.push(result.outputs[0]!.key);
      }
    }
    return { records: capture.records() as [string, O][], parts, counters, userCounters, ...(info.totalOrder ? { cutPoints: info.cutPoints! } : {}) };
  } finally {
    await Promise.all([store.close(), files.close()]);
    await rm(dir, { recursive: true, force: true });
  }
}

function mapTask(index: number, split: Split): TaskSpec {
  const taskId = taskIdOf('MAP', index);
  return { taskId, kind: 'MAP', index, attempt: 1, outputPrefix: jobKeys.mapAttempt(JOB, taskId, 1), runKeys: [], split };
}

/** Map task `index` of a step past the first: it reads the run the step before's reduce `index` wrote. */
function stepMapTask(step: number, index: number, runKey: string): TaskSpec {
  const taskId = taskIdOf('MAP', index, step);
  return { taskId, kind: 'MAP', index, attempt: 1, outputPrefix: jobKeys.mapAttempt(JOB, taskId, 1), runKeys: [runKey] };
}

function positive(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RunJobError(`runJob: ${name} must be a positive integer, got ${String(n)}`, undefined);
  return n;
}

/** The user's throw as the job's failure, worded as `gomr run` words it, with the user's stack. */
async function asUserError<T>(taskId: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof UserCodeError)) throw err;
    const map = !/^(?:s\d+-)?r-/.test(taskId);
    const at = /^s\d+-/.test(taskId) ? `record ${err.offset}` : `chunk at byte ${err.offset}`;
    const where = map && err.input ? ` (input ${err.input}, ${at})` : !map && err.key ? ` (key ${JSON.stringify(err.key)})` : '';
    const task = taskId === 'sample' ? ' while sampling keys for sort total' : ` in task ${taskId}`;
    const message = `${map ? 'mapper' : 'reducer'} failed${task}${where}: ${err.message}`;
    const frames = (err.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
    throw new RunJobError(message, err.original, taskId, err.input, err.offset, err.key, [`RunJobError: ${message}`, ...frames].join('\n'));
  }
}
