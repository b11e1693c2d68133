import { access } from 'node:fs/promises';
import { mapPartName, partName, planSplits, splitInputs, taskId } from '@gomr/storage';
import { UsageError, WorkerFileError } from '../errors.js';
import { resolveInputs } from '../inputs/resolve-inputs.js';
import { defaultMaps } from './run-local-job.js';
import { resolveSideFiles } from './side-files.js';
import { checkWorkerFile, planSteps } from './plan-steps.js';

export interface PlanJobOptions {
  workerFile: string;
  inputs: string[];
  workers: number;
  maps?: number;
  reducers: number;
  files?: string[];
  sortTotal?: boolean;
}

/** What `gomr run --dry-run` shows: the job as the master would plan it, nothing run. */
export interface JobPlan {
  worker: string;
  inputs: { name: string; path: string; size: number }[];
  inputBytes: number;
  workers: number;
  /**
   * The spec's `maps`: the target number of map tasks (--mappers, or the default for this input
   * and worker count). `targetMaps` here because --dry-run --json prints this object.
   */
  targetMaps: number;
  mapTasks: { task: string; input: string; start: number; end: number; bytes: number }[];
  reduceTasks: { task: string; partition: number; output: string }[];
  partitioning: string;
  /** Side files (--file), by the names ctx.files knows them. */
  files: { name: string; path: string; size: number }[];
  /**
   * A job of steps: each step (mapTasks and reduceTasks above are step 1's). Absent for a job
   * of one step.
   */
  steps?: { step: number; mapTasks: number; reduceTasks: number; reads: string; writes: string }[];
}

/** Plans a job as runLocalJob and the master would: the same inputs, map count and splits. */
export async function planJob(o: PlanJobOptions): Promise<JobPlan> {
  if (o.workers < 1) throw new UsageError('--workers must be at least 1');
  if (o.reducers < 1) throw new UsageError('--reducers must be at least 1');
  await access(o.workerFile).catch(() => {
    throw new WorkerFileError(`worker file not found: ${o.workerFile}`);
  });
  // Whether the worker file is a job of steps, and their reduce counts: it is bundled and loaded.
  const steps = planSteps(await checkWorkerFile(o.workerFile), o.reducers, o.sortTotal);
  const reducers = steps ? steps[0]!.reducers : o.reducers;
  const inputs = await resolveInputs(o.inputs);
  const files = o.files?.length ? await resolveSideFiles(o.files) : [];
  const inputBytes = inputs.reduce((sum, i) => sum + i.size, 0);
  const maps = o.maps ?? defaultMaps(o.workers, inputBytes);
  const splits = planSplits(splitInputs(inputs.map((i) => ({ key: i.path, name: i.name, size: i.size }))), maps);
  return {
    worker: o.workerFile,
    inputs: inputs.map((i) => ({ name: i.name, path: i.path, size: i.size })),
    inputBytes,
    workers: o.workers,
    targetMaps: maps,
    mapTasks: splits.map((s, i) => ({ task: taskId('MAP', i), input: s.inputName, start: s.start, end: s.end, bytes: s.end - s.start })),
    reduceTasks: Array.from({ length: reducers }, (_, p) => ({ task: taskId('REDUCE', p), partition: p, output: steps ? `run for step 2 (${taskId('MAP', p, 1)})` : partName(p) })),
    partitioning: o.sortTotal
      ? `by key range (--sort total): ${o.reducers - 1} cut point${o.reducers === 2 ? '' : 's'} at most, sampled from the head of each split when the job starts`
      : `FNV-1a(key) % ${reducers}${steps ? ' (each step: % its reduce tasks)' : ''}, unless the worker file sets a partitioner`,
    files,
    ...(steps
      ? {
          steps: steps.map((s, i) => {
            const last = i === steps.length - 1;
            const r = s.reducers;
            const maps = i ? steps[i - 1]!.reducers : splits.length;
            const range = (name: (i: number) => string, n: number) => (n > 1 ? `${name(0)} .. ${name(n - 1)}` : name(0));
            const parts = r ? range(partName, r) : `${range(mapPartName, maps)} (map-only)`;
            return {
              step: i + 1,
              mapTasks: maps,
              reduceTasks: r,
              reads: i ? `step ${i}'s output: one map task per reduce task, records in the run format` : 'the inputs',
              writes: last ? parts : `runs for step ${i + 2}, deleted when the job succeeds (unless --keep-intermediate)`,
            };
          }),
        }
      : {}),
  };
}
