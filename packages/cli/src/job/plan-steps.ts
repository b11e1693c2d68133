import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkWorker, type WorkerShape } from '../bundle/check-worker.js';
import { UsageError } from '../errors.js';

/** One step of a job of steps as the master plans it (JobSpec.steps). */
export interface PlannedStep {
  reducers: number;
}

/**
 * The reduce count of each step of a job of steps: a step's own `reducers`, else `--reducers`;
 * a last step without a reducer is map-only (0). Undefined for a job of one step (the spec then
 * has no steps, and the job runs exactly as before steps existed).
 */
export function planSteps(shape: WorkerShape, reducers: number, sortTotal = false): PlannedStep[] | undefined {
  if (!shape.steps) return undefined;
  if (sortTotal) throw new UsageError('--sort total is not supported for a job of steps');
  const last = shape.steps.length - 1;
  return shape.steps.map((s, i) => {
    if (!s.reducer) return { reducers: 0 }; // only the last (the worker's check refuses others)
    const r = s.reducers ?? reducers;
    if (r < 1) throw new UsageError(`--reducers 0: step ${i + 1} of ${last + 1} has a reducer; give it reducers (its own \`reducers\`, or --reducers 1 or more)`);
    return { reducers: r };
  });
}

/**
 * Bundles and checks a worker file where nothing else needs the bundle (`gomr start`, which
 * builds its images from the source, and `--dry-run`): what the master must know of its steps.
 */
export async function checkWorkerFile(workerFile: string): Promise<WorkerShape> {
  const dir = await mkdtemp(join(tmpdir(), 'gomr-check-'));
  try {
    const { bundleWorker } = await import('../bundle/bundle-worker.js');
    const bundle = join(dir, 'worker.mjs');
    await bundleWorker(workerFile, bundle);
    return await checkWorker(bundle);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
