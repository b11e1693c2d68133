import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { JobStatus__Output } from '@gomr/proto';
import { compressionOf, jobKeys, planSplits, splitInputs, openStorage, WORKER_BUNDLE_NAME, type Storage, type StorageConfig } from '@gomr/storage';
import type { JobSpecInput } from '@gomr/master';
import { checkWorker, type WorkerShape } from '../bundle/check-worker.js';
import { jobSpecFields } from './job-flags.js';
import { sortFlagNeeded, totalOrderSpec, writeSampleRequest } from './total-order-sample.js';
import { JobFailedError, StorageError, UsageError, WorkerFileError } from '../errors.js';
import { resolveInputs, type ResolvedInput } from '../inputs/resolve-inputs.js';
import { isS3Url, resolveOnlyS3Inputs, type resolveS3Inputs, type S3Access } from '../inputs/resolve-s3-inputs.js';
import { LocalRuntime } from '../local/local-runtime.js';
import { collectOutput } from '../output/collect-output.js';
import { prepareOutput } from '../output/prepare-output.js';
import type { ProgressDisplay } from '../progress/progress-display.js';
import { uploadInputs } from './upload-inputs.js';
import { placeSideFiles, resolveSideFiles } from './side-files.js';
import { checkJobLimits } from './job-limits.js';
import { localJobDir } from './gomr-home.js';
import { newJobId, newToken } from './job-id.js';
import { recordStatusUrl } from './status-page-link.js';
import { planSteps } from './plan-steps.js';
import { followJob } from './follow-job.js';

export interface RunJobOptions {
  workerFile: string;
  inputs: string[];
  workers: number;
  /** @default 4 per worker, but no default task under DEFAULT_MIN_SPLIT_BYTES (see defaultMaps) */
  maps?: number;
  reducers: number;
  /** @default gomr-output/<job id> */
  output?: string;
  overwrite: boolean;
  params: Record<string, string>;
  storage: StorageConfig;
  maxAttempts: number;
  heartbeatTimeoutMs: number;
  keepIntermediate: boolean;
  /** @default 600000 */
  taskTimeoutMs?: number;
  /** @default true */
  speculation?: boolean;
  /** @default false */
  skipBadRecords?: boolean;
  /** --skip-bad-records: dead-letter lines one task writes (to OUTPUT/_skipped/<task>.jsonl). @default 10000 */
  maxSkippedRecords?: number;
  /** Endpoint and credentials for s3:// inputs (the --s3-* flags; the bucket comes from the URL). */
  s3Access?: S3Access;
  /** How output records are written. @default 'tsv' */
  outputFormat?: 'tsv' | 'jsonl';
  /** gzip: part files are gzip streams named part-NNNNN.gz. @default 'none' */
  outputCompression?: 'none' | 'gzip';
  spillBytes?: number;
  /** Side files (--file): paths of files and directories, read by user code through ctx.files. */
  files?: string[];
  /** --sort total: sample the map output's keys before the job and partition by key range. */
  sortTotal?: boolean;
  /** Heap limit of each worker's executor thread, MiB (GOMR_EXECUTOR_HEAP_MB). @default the worker's own */
  executorHeapMb?: number;
  /** Serve the master's gRPC over TLS: PEM files; workers and the CLI trust `ca`. */
  tls?: { cert: string; key: string; ca: string };
  /** Show progress on this stream (bars on a TTY, lines otherwise). */
  progress?: NodeJS.WriteStream;
  log: (line: string) => void;
  /** Called with the job id once it exists (for Ctrl-C messages). */
  onJob?: (jobId: string, jobDir: string) => void;
  /** Aborting stops the job: every process is stopped and the call rejects (exit 130). */
  signal?: AbortSignal;
}

export interface RunJobResult {
  jobId: string;
  status: JobStatus__Output;
  outputDir: string;
  files: string[];
  /** --skip-bad-records: the dead-letter files, OUTPUT/_skipped/<task>.jsonl (empty: nothing skipped). */
  skippedFiles: string[];
  wallMs: number;
  jobDir: string;
}

/** What shows progress when nothing is shown. */
const NO_DISPLAY: ProgressDisplay = { update() {}, stop() {} };

/** The smallest map task the default plans: a small input gets one task, not one per worker x 4. */
export const DEFAULT_MIN_SPLIT_BYTES = 32 << 20;

/**
 * Map tasks when --mappers is not given: 4 per worker (room to balance uneven tasks and to
 * re-run a lost one cheaply), but none under 32 MiB (as Hadoop's block-sized splits), because
 * a task has a fixed cost beyond its scheduling: its table of keys is built, sorted and written
 * afresh (more, smaller tasks make word count slower: bench/README.md). Once there are at least as many tasks as workers, the
 * count is rounded up to a multiple of the workers, so that every worker gets as many tasks
 * (60 tasks on 16 workers would leave 4 of them idle for the last round); below that, tasks
 * are made smaller (not under 8 MiB) so that more workers have one.
 */
export function defaultMaps(workers: number, inputBytes: number): number {
  const bySize = Math.max(1, Math.ceil(inputBytes / DEFAULT_MIN_SPLIT_BYTES));
  if (bySize < workers) {
    // Fewer 32 MiB tasks than workers: smaller ones, down to SMALL_SPLIT_BYTES, so that idle
    // cores help (100 MB on 16 workers: 12 tasks of 8 MiB, not 4 of 25 MiB).
    return Math.min(workers, Math.max(1, Math.ceil(inputBytes / SMALL_SPLIT_BYTES)));
  }
  return Math.min(workers * 4, Math.ceil(bySize / workers) * workers);
}

/**
 * The smallest default task when workers would otherwise be idle: several times a task's
 * fixed cost (bench/README.md).
 */
const SMALL_SPLIT_BYTES = 8 << 20;

/** Runs one job on this machine, from a worker file to a complete output directory. */
export async function runLocalJob(o: RunJobOptions): Promise<RunJobResult> {
  const t0 = Date.now();
  if (o.workers < 1) throw new UsageError('--workers must be at least 1');
  if (o.maps !== undefined && o.maps < 1) throw new UsageError('--mappers must be at least 1');
  if (!Number.isInteger(o.reducers) || o.reducers < 0) throw new UsageError('--reducers must be 0 (a map-only job) or more');
  checkJobLimits(o);
  if (o.sortTotal && o.reducers === 0) throw new UsageError('--sort total needs reducers: a map-only job (--reducers 0) writes its map output unsorted');
  if (o.sortTotal && o.inputs.some(isS3Url)) throw new UsageError('--sort total samples local inputs only; s3:// inputs cannot be sampled yet');
  // s3:// inputs are listed, not copied: the map tasks read them from their bucket.
  const s3Inputs = o.inputs.some(isS3Url) ? await resolveOnlyS3Inputs(o.inputs, o.s3Access ?? {}) : undefined;
  const inputs = s3Inputs ? [] : await resolveInputs(o.inputs);
  const sideFiles = o.files?.length ? await resolveSideFiles(o.files) : [];
  const sized: readonly { name: string; size: number }[] = s3Inputs ? s3Inputs.inputs : inputs;
  const maps = o.maps ?? defaultMaps(o.workers, sized.reduce((sum, i) => sum + i.size, 0));
  if (o.maps !== undefined) {
    const note = await unsplittableNote(sized, o.maps);
    if (note) o.log(note);
  }
  const jobId = newJobId();
  const outputDir = resolve(o.output ?? join('gomr-output', jobId));
  const lock = await prepareOutput(outputDir, { overwrite: o.overwrite, jobId, inputPatterns: o.inputs, inputs });
  try {
    return await runWithOutput(o, { t0, inputs, s3Inputs, sideFiles, maps, jobId, outputDir });
  } finally {
    lock.release();
  }
}

/**
 * Starts bundling and the check once, on the first call (before the spec: the check says
 * whether the job has steps); later calls return the same promises. Once `started` resolves,
 * esbuild's service is spawned, and the check process too (its then() is the first one).
 */
function lazyBundleAndCheck(workerFile: string, bundlePath: string, reducers: number, sampleRequest: string | undefined) {
  let bundling: { started: Promise<void>; bundled: Promise<unknown>; checked: Promise<WorkerShape> } | undefined;
  return () => {
    if (!bundling) {
      // The bundle heads the path to the first task (the check loads it, the master waits for
      // the check's spec, the workers for the master), so esbuild is spawned first, not after
      // the master and the workers: ~0.1-0.3 s sooner on 2 busy cores.
      const loaded = import('../bundle/bundle-worker.js');
      const bundled = loaded.then((m) => m.bundleWorker(workerFile, bundlePath, { ownLocation: true }));
      const started = loaded.then(() => {});
      const checked = started.then(() => checkWorker(bundlePath, undefined, sampleRequest, bundled)).then((shape) => {
        // A job of steps: a last step without a reducer is map-only by itself (see planSteps).
        if (!shape.steps && !shape.reducer && reducers > 0) {
          throw new WorkerFileError(`bad worker file: it defines no reducer; run it as a map-only job with --reducers 0 (it was given ${reducers})`);
        }
        return shape;
      });
      bundled.catch(() => {});
      checked.catch(() => {});
      bundling = { started, bundled, checked };
    }
    return bundling;
  };
}

/**
 * Writes the job's spec (on a local store: once the worker file is checked; the master,
 * started before, waits for it) and makes the runtime that starts the master and the workers.
 */
async function startRuntime(
  o: RunJobOptions,
  { jobId, jobDir, bundlePath, inputs, s3Inputs, sideFiles, maps, storage, sampleRequest, startBundling }: {
    jobId: string; jobDir: string; bundlePath: string; inputs: ResolvedInput[]; s3Inputs: Awaited<ReturnType<typeof resolveS3Inputs>> | undefined;
    sideFiles: Awaited<ReturnType<typeof resolveSideFiles>>; maps: number; storage: Storage; sampleRequest: string | undefined;
    startBundling: ReturnType<typeof lazyBundleAndCheck>;
  },
): Promise<{ runtime: LocalRuntime; specWritten: Promise<void> | undefined }> {
  // esbuild and the check are spawned before the master and the workers (see lazyBundleAndCheck).
  await startBundling().started;
  // Uploading inputs can take long: a bad worker file is refused before that.
  if (o.storage.kind !== 'local') await startBundling().checked;
  const totalOrder = sampleRequest ? totalOrderSpec(await startBundling().checked, o.log) : undefined;
  const { inputStorage, specInputs } = s3Inputs
    ? { inputStorage: s3Inputs.config as StorageConfig, specInputs: s3Inputs.inputs }
    : await placeInputs(jobId, inputs, o.storage, storage, o.log);
  const token = newToken();
  const spec: JobSpecInput = {
    jobId, token, workerFile: o.workerFile, inputs: specInputs, inputStorage, storage: o.storage,
    maps,
    ...jobSpecFields(o),
    ...(sideFiles.length ? { files: await placeSideFiles(jobId, sideFiles, o.storage, storage) } : {}),
    ...totalOrder,
  };
  const specPath = join(jobDir, 'spec.json');
  // Whether the worker file is a job of steps (and their reduce counts) is known once it is
  // checked; on a local store the check runs while the processes start, so the spec is
  // written then, and the master, started before, waits for it (GOMR_JOB_SPEC_WAIT).
  const writeSpec = async (shape: WorkerShape) => {
    const steps = planSteps(shape, o.reducers, o.sortTotal);
    const full: JobSpecInput = steps ? { ...spec, reducers: steps[0]!.reducers, steps } : spec;
    await writeFile(`${specPath}.tmp`, JSON.stringify(full, null, 2), { mode: 0o600 });
    await rename(`${specPath}.tmp`, specPath);
  };
  const later = o.storage.kind === 'local';
  const specWritten = later ? startBundling().checked.then(writeSpec) : undefined;
  if (!later) await writeSpec(await startBundling().checked);
  const runtime = new LocalRuntime({
    jobDir, specPath, bundlePath, bundleReady: () => startBundling().checked, token, workers: o.workers, storage: o.storage, inputStorage,
    ...(later ? { taskCounts: { maps, reducers: o.reducers, inputs: specInputs } } : {}),
    workerEnv: {
      ...(o.spillBytes ? { GOMR_SPILL_BYTES: String(o.spillBytes) } : {}),
      ...(o.executorHeapMb ? { GOMR_EXECUTOR_HEAP_MB: String(o.executorHeapMb) } : {}),
      ...(o.tls ? { GOMR_TLS_CA: resolve(o.tls.ca) } : {}),
    },
    masterEnv: o.tls ? { GOMR_TLS_CERT: resolve(o.tls.cert), GOMR_TLS_KEY: resolve(o.tls.key) } : {},
    log: o.log,
  });
  return { runtime, specWritten };
}

/** The job itself, once its output directory is checked and locked. */
async function runWithOutput(
  o: RunJobOptions,
  { t0, inputs, s3Inputs, sideFiles, maps, jobId, outputDir }: {
    t0: number; inputs: ResolvedInput[]; s3Inputs: Awaited<ReturnType<typeof resolveS3Inputs>> | undefined; sideFiles: Awaited<ReturnType<typeof resolveSideFiles>>; maps: number; jobId: string; outputDir: string;
  },
): Promise<RunJobResult> {
  const jobDir = localJobDir(jobId);
  await mkdir(jobDir, { recursive: true });
  o.onJob?.(jobId, jobDir);

  // Bundling, then the pre-flight check (a child process loading the bundle), run while the
  // master and the workers start: workers get the master's address only once the bundle is
  // written, and a worker file that does not build, or that the check refuses, stops them all
  // before any task can have run.
  const bundlePath = join(jobDir, WORKER_BUNDLE_NAME);
  // --sort total: the check also samples the input (see total-order-sample.ts), before the spec.
  const sampleRequest = o.sortTotal ? await writeSampleRequest(jobDir, inputs, maps, o.reducers, o.params, sideFiles) : undefined;
  const startBundling = lazyBundleAndCheck(o.workerFile, bundlePath, o.reducers, sampleRequest);

  const storage = await openStorage(o.storage).catch((err: Error) => {
    throw new StorageError(`cannot open storage: ${err.message}`);
  });
  const { runtime, specWritten } = await startRuntime(o, { jobId, jobDir, bundlePath, inputs, s3Inputs, sideFiles, maps, storage, sampleRequest, startBundling });

  // A held status call ends early on Ctrl-C and when the runtime breaks (a worker that cannot start).
  const broken = new AbortController();
  runtime.onFatal = () => broken.abort();
  const stopWaiting = o.signal ? AbortSignal.any([o.signal, broken.signal]) : broken.signal;
  // Whatever happens to this process, its children go with it.
  const killChildren = () => runtime.group.killAllNow();
  process.on('exit', killChildren);
  /** Once the job is over: the pids of the workers the master knows (the others are still starting). */
  let registered: Set<number> | undefined;
  try {
    const started = runtime.start();
    started.catch(() => {});
    const [, shape] = await Promise.all([started, startBundling().checked, specWritten]);
    // Loaded only now, the gRPC client and the display: until the spec is written, the CLI's
    // share of the CPU goes to what the first task waits for (the bundle, the check, the spec).
    const [{ MasterConnection }, display] = await Promise.all([
      import('@gomr/proto'),
      o.progress ? import('../progress/progress-display.js').then((m) => m.createProgressDisplay(o.progress!)) : NO_DISPLAY,
    ]);
    if (shape.sort === 'total' && !o.sortTotal) throw sortFlagNeeded();
    if (runtime.statusUrl) {
      // Recorded before it is printed: whoever reads the line can use `gomr status` at once.
      await recordStatusUrl(jobDir, runtime.statusUrl);
      o.log(`status page: ${runtime.statusUrl}`);
    }
    const master = new MasterConnection(runtime.masterAddress, { deadlineMs: 5000, ...(o.tls ? { tlsCa: await readFile(o.tls.ca) } : {}) });
    let status: JobStatus__Output;
    try {
      status = await followJob(master, {
        display, displayed: !!o.progress, ...(o.signal ? { signal: o.signal } : {}), stopWaiting,
        fatal: () => runtime.fatal, interrupted: () => `interrupted; job ${jobId} stopped (logs in ${jobDir})`,
      });
      registered = new Set(status.workers.map((w) => w.pid));
    } finally {
      master.close();
      display.stop();
    }
    if (status.state === 'FAILED') {
      throw new JobFailedError(`job ${jobId} failed: ${status.error}`, status.errorKind, await failureDetail(storage, jobId));
    }
    const { files, skippedFiles } = await collectOutput(storage, status.outputKeys, outputDir, { overwrite: o.overwrite, jobId, skippedKeys: status.skippedKeys });
    return { jobId, status, outputDir, files, skippedFiles, wallMs: Date.now() - t0, jobDir };
  } finally {
    await runtime.stop(registered);
    process.off('exit', killChildren);
    await storage.close();
  }
}

/**
 * What to tell the user when --mappers cannot be met because compressed inputs are read by
 * one map task each (a compressed stream cannot be entered in the middle); undefined otherwise.
 */
export async function unsplittableNote(inputs: readonly { name: string; size: number }[], maps: number): Promise<string | undefined> {
  const compressed = inputs.filter((i) => compressionOf(i.name));
  if (!compressed.length) return undefined;
  const planned = planSplits(splitInputs(inputs.map((i) => ({ key: i.name, name: i.name, size: i.size }))), maps).length;
  if (planned === maps) return undefined;
  const names = compressed.slice(0, 3).map((i) => i.name).join(', ') + (compressed.length > 3 ? ', …' : '');
  return `--mappers ${maps}: ${planned} map tasks, because compressed inputs cannot be split: each is read by one map task (${compressed.length}: ${names})`;
}

/** Local inputs are read in place; with S3 storage they are uploaded first. */
async function placeInputs(
  jobId: string,
  inputs: ResolvedInput[],
  config: StorageConfig,
  storage: Storage,
  log: (line: string) => void,
): Promise<{ inputStorage: StorageConfig; specInputs: { key: string; name: string; size: number }[] }> {
  if (config.kind === 'local') {
    return {
      inputStorage: { kind: 'local', root: '/' },
      specInputs: inputs.map((i) => ({ key: i.path.replace(/^\/+/, ''), name: i.name, size: i.size, mtimeMs: i.mtimeMs })),
    };
  }
  const keys = await uploadInputs(jobId, inputs, storage, log);
  return { inputStorage: config, specInputs: inputs.map((i, n) => ({ key: keys[n]!, name: i.name, size: i.size })) };
}

/** The failing task's stack, from the job summary, for the lines after the one-line error. */
async function failureDetail(storage: Storage, jobId: string): Promise<string | undefined> {
  try {
    const summary = JSON.parse((await storage.get(jobKeys.summary(jobId))).toString('utf8'));
    return summary.error?.stack || undefined;
  } catch {
    return undefined;
  }
}
