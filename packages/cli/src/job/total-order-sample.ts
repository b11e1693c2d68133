import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { planSplits, splitInputs } from '@gomr/storage';
import type { SideFileOnDisk } from '@gomr/sdk/runtime';
import type { WorkerShape } from '../bundle/check-worker.js';
import { GomrError, UsageError } from '../errors.js';
import type { ResolvedInput } from '../inputs/resolve-inputs.js';

/*
 * --sort total, the CLI's part. The cut points must be fixed before the first map attempt runs:
 * a committed map's runs are final and partitioned when written, retries and speculative
 * copies must partition alike, and a restarted master must plan the same job. So, as Hadoop's
 * InputSampler runs in the job client, the pre-flight check (a child process that loads the
 * worker file anyway) runs the mapper over the head of every split of the local inputs, picks
 * R-1 cut points, and they go into the job spec.
 */

/** Writes what the check samples: the splits the master will plan (same sizes, same ranges). */
export async function writeSampleRequest(
  jobDir: string,
  inputs: readonly ResolvedInput[],
  maps: number,
  reducers: number,
  params: Record<string, string>,
  files: readonly SideFileOnDisk[],
): Promise<string> {
  const splits = planSplits(splitInputs(inputs.map((i) => ({ key: i.path.replace(/^\/+/, ''), name: i.name, size: i.size }))), maps);
  const path = join(jobDir, 'sample-request.json');
  await writeFile(path, JSON.stringify({ reducers, params, splits, files: Object.fromEntries(files.map((f) => [f.name, f.path])), totalOrder: true }));
  return path;
}

/** The job spec's part, from the check's answer; a partitioner with --sort total is refused. */
export function totalOrderSpec(shape: WorkerShape, log: (line: string) => void): { totalOrder: true; cutPoints: string[] } {
  if (shape.partitioner) {
    throw new UsageError('--sort total partitions by key range; the worker file also sets a partitioner: remove one of them');
  }
  const cuts = shape.cutPoints ?? [];
  const shown = cuts.slice(0, 6).map((c) => JSON.stringify(c.length > 40 ? c.slice(0, 40) + '…' : c)).join(', ');
  log(`sort total: ${shape.sampled ?? 0} keys sampled, ${cuts.length} cut point${cuts.length === 1 ? '' : 's'}${cuts.length ? `: ${shown}${cuts.length > 6 ? ', …' : ''}` : ''}`);
  return { totalOrder: true, cutPoints: cuts };
}

/** A worker file whose definition says sort: 'total', run without the flag. */
export function sortFlagNeeded(): GomrError {
  return new UsageError(
    "the worker file sets sort: 'total'; run it with --sort total (the input is sampled for the key ranges before the job starts)",
  );
}

/**
 * --sort total where no local job folder runs the check (gomr start): bundles the worker into
 * `dir`, samples the local inputs there, and gives the spec's part. The cluster's workers get
 * the same cut points through the spec.
 */
export async function sampleTotalOrder(o: {
  workerFile: string;
  inputs: readonly ResolvedInput[];
  maps: number;
  reducers: number;
  params: Record<string, string>;
  files: readonly SideFileOnDisk[];
  dir: string;
  log: (line: string) => void;
}): Promise<{ totalOrder: true; cutPoints: string[] }> {
  const { bundleWorker } = await import('../bundle/bundle-worker.js');
  const { checkWorker } = await import('../bundle/check-worker.js');
  await mkdir(o.dir, { recursive: true });
  try {
    const bundle = await bundleWorker(o.workerFile, join(o.dir, 'worker.mjs'));
    const request = await writeSampleRequest(o.dir, o.inputs, o.maps, o.reducers, o.params, o.files);
    return totalOrderSpec(await checkWorker(bundle.path, undefined, request), o.log);
  } finally {
    await rm(o.dir, { recursive: true, force: true });
  }
}
