import { access } from 'node:fs/promises';
import { planSplits, splitInputs } from '@gomr/storage';
import { EXIT, GomrError } from '../errors.js';
import { resolveInputs } from '../inputs/resolve-inputs.js';
import { defaultMaps } from './run-local-job.js';
import { resolveSideFiles } from './side-files.js';

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
  /** The target number of map tasks (--mappers, or the default for this input and worker count). */
  targetMaps: number;
  mapTasks: { task: string; input: string; start: number; end: number; bytes: number }[];
  reduceTasks: { task: string; partition: number; output: string }[];
  partitioning: string;
  /** Side files (--file), by the names ctx.files knows them. */
  files: { name: string; path: string; size: number }[];
}

/** Plans a job as runLocalJob and the master would: the same inputs, map count and splits. */
export async function planJob(o: PlanJobOptions): Promise<JobPlan> {
  if (o.workers < 1) throw new GomrError('--workers must be at least 1', EXIT.USAGE);
  if (o.reducers < 1) throw new GomrError('--reducers must be at least 1', EXIT.USAGE);
  await access(o.workerFile).catch(() => {
    throw new GomrError(`worker file not found: ${o.workerFile}`, EXIT.WORKER_FILE);
  });
  const inputs = await resolveInputs(o.inputs);
  const files = o.files?.length ? await resolveSideFiles(o.files) : [];
  const inputBytes = inputs.reduce((sum, i) => sum + i.size, 0);
  const targetMaps = o.maps ?? defaultMaps(o.workers, inputBytes);
  const splits = planSplits(splitInputs(inputs.map((i) => ({ key: i.path, name: i.name, size: i.size }))), targetMaps);
  const pad = (n: number) => String(n).padStart(5, '0');
  return {
    worker: o.workerFile,
    inputs: inputs.map((i) => ({ name: i.name, path: i.path, size: i.size })),
    inputBytes,
    workers: o.workers,
    targetMaps,
    mapTasks: splits.map((s, i) => ({ task: `m-${pad(i)}`, input: s.inputName, start: s.start, end: s.end, bytes: s.end - s.start })),
    reduceTasks: Array.from({ length: o.reducers }, (_, p) => ({ task: `r-${pad(p)}`, partition: p, output: `part-${pad(p)}` })),
    partitioning: o.sortTotal
      ? `by key range (--sort total): ${o.reducers - 1} cut point${o.reducers === 2 ? '' : 's'} at most, sampled from the head of each split when the job starts`
      : `FNV-1a(key) % ${o.reducers}, unless the worker file sets a partitioner`,
    files,
  };
}
