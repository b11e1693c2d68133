/**
 * The one home of a job's storage layout and names: every object key of a job, the part and
 * run names its tasks write, task ids (built and parsed here only), and the kinds of failure
 * that end a job. The master plans keys with it, the workers write them, the CLI reads them:
 * none of them spells `jobs/<id>/…` or `part-NNNNN` by hand, so they cannot drift on a name.
 *
 * Why @gomr/storage and not @gomr/proto: every package that reads or writes a job's objects
 * (master, sdk, cli) already depends on storage, and the log chunks it ships
 * (log-objects.ts, `jobs/<id>/logs/<name>/`) are part of the same layout, which proto could
 * not give it (storage depends on nothing). Proto stays the wire contract and nothing else.
 *
 * ```ts
 * import { jobKeys, taskId, parseTaskId } from '@gomr/storage';
 * jobKeys.part('j1', 3);              // 'jobs/j1/output/part-00003'
 * taskId('MAP', 3, 1);                // 's1-m-00003'
 * parseTaskId('s1-m-00003');          // { step: 1, kind: 'MAP', index: 3 }
 * ```
 *
 * Every attempt writes under its own prefix. The attempt prefixes are name prefixes in one
 * folder per phase (jobs/J/map/m-00003.a2.part-00000.run), not a folder per task and attempt:
 * on a local store a new directory costs as much as a new file, and a job of 2,000 tiny map
 * tasks would otherwise create 4,000 of them (and remove them at the end).
 */

export type TaskKind = 'MAP' | 'REDUCE';

/**
 * Why a job failed: the user's code, storage, gomr's runtime, or an input that changed or
 * vanished after planning. The CLI maps each to an exit code. On the wire JobStatus.error_kind,
 * whose enum (FailureKind in proto/gomr.proto) has these words as its names, and
 * FAILURE_KIND_UNSPECIFIED while the job has not failed.
 */
export type FailureKind = 'user' | 'storage' | 'runtime' | 'input';

export const FAILURE_KINDS: readonly FailureKind[] = ['user', 'storage', 'runtime', 'input'];

export function isFailureKind(s: string): s is FailureKind {
  return (FAILURE_KINDS as readonly string[]).includes(s);
}

/**
 * The states a job ends in, as summary.json and JobStatus.state name them (two of the proto's
 * JobState; master's snapshotFromSummary passes one as a JobState, so a name the proto lacks
 * does not compile). A job in one of them is over: its master says no more.
 */
export type FinalJobState = 'SUCCEEDED' | 'FAILED';

export function isFinalJobState(state: string): state is FinalJobState {
  return state === 'SUCCEEDED' || state === 'FAILED';
}

/** Every index in a name (task ids, parts) has at least five digits: `00003`. */
function pad(n: number): string {
  return String(n).padStart(5, '0');
}

/** The part a reduce task writes: `part-00003` (a run of the next step adds RUN_SUFFIX). */
export function partName(partition: number): string {
  return `part-${pad(partition)}`;
}

/** The output of map task `index` of a map-only job (as Hadoop names it): `part-m-00003`. */
export function mapPartName(index: number): string {
  return `part-m-${pad(index)}`;
}

/** A sorted run: a map task's partition, or a reduce output a later step reads. */
export const RUN_SUFFIX = '.run';

/** A part file compressed with --compress gzip. */
export const GZIP_SUFFIX = '.gz';

/** The run a map task writes for `partition`, under its attempt prefix: `part-00003.run`. */
export function runName(partition: number): string {
  return `${partName(partition)}${RUN_SUFFIX}`;
}

/** A part file's name as it lies in output/: part-NNNNN or part-m-NNNNN, .gz when compressed. */
export const PART_FILE_NAME = /^part-(m-)?\d+(\.gz)?$/;

/** The folder of the committed dead-letter files, beside the parts (in the store and in an output folder). */
export const SKIPPED_DIR = '_skipped';

/** The dead-letter file one attempt writes under its prefix (committed to output/_skipped/<task>.jsonl). */
export const ATTEMPT_SKIPPED_NAME = 'skipped.jsonl';

/** The bundled worker a job runs (jobs/<id>/worker.mjs in the store; worker.mjs in a local job folder). */
export const WORKER_BUNDLE_NAME = 'worker.mjs';

/**
 * `m-00003`, `r-00001`; past step 0 of a job of steps, prefixed with the step: `s1-m-00003`.
 * Step 0 keeps the plain ids, so a job of one step names (and stores) everything as before.
 */
export function taskId(kind: TaskKind, index: number, step = 0): string {
  return `${step ? `s${step}-` : ''}${kind === 'MAP' ? 'm' : 'r'}-${pad(index)}`;
}

/** What taskId builds, and nothing else: [step], kind letter, index. */
export const TASK_ID_PATTERN = /^(?:s(\d+)-)?([mr])-(\d{5,})$/;

/** The parts of a task id (see taskId); undefined for a string that is not one. */
export function parseTaskId(id: string): { step: number; kind: TaskKind; index: number } | undefined {
  const m = TASK_ID_PATTERN.exec(id);
  if (!m) return undefined;
  return { step: m[1] ? Number(m[1]) : 0, kind: m[2] === 'm' ? 'MAP' : 'REDUCE', index: Number(m[3]) };
}

/** Orders task ids by step, then maps before reduces, then index: the order a job commits them in. */
export function compareTaskIds(a: string, b: string): number {
  const x = parseTaskId(a);
  const y = parseTaskId(b);
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  return x.step - y.step || (x.kind === y.kind ? 0 : x.kind === 'MAP' ? -1 : 1) || x.index - y.index;
}

/** Where every job's objects are: jobs/<id>/… */
export const JOBS_PREFIX = 'jobs/';

const root = (jobId: string) => `${JOBS_PREFIX}${jobId}/`;

/** Every object key of a job, and the prefixes its objects lie under. */
export const jobKeys = {
  /** The spec `gomr start` stores for the master (GOMR_JOB_SPEC_KEY): in MinIO, as a Secret holds at most 1 MiB. */
  spec: (jobId: string) => `specs/${jobId}.json`,
  root,
  inputs: (jobId: string) => `${root(jobId)}input/`,
  input: (jobId: string, name: string) => `${root(jobId)}input/${name}`,
  /** Side files uploaded with the job (storage other than local; local ones are read in place). */
  sideFile: (jobId: string, name: string) => `${root(jobId)}files/${name}`,
  /** The bundled worker `gomr start` stores, for `gomr replay`. */
  bundle: (jobId: string) => `${root(jobId)}${WORKER_BUNDLE_NAME}`,
  mapAttempt: (jobId: string, taskId: string, attempt: number) => `${root(jobId)}map/${taskId}.a${attempt}.`,
  reduceAttempt: (jobId: string, taskId: string, attempt: number) => `${root(jobId)}reduce/${taskId}.a${attempt}.`,
  intermediate: (jobId: string) => [`${root(jobId)}map/`, `${root(jobId)}reduce/`],
  output: (jobId: string) => `${root(jobId)}output/`,
  part: (jobId: string, partition: number) => `${root(jobId)}output/${partName(partition)}`,
  /** A map-only job's output: one part per map task. */
  mapPart: (jobId: string, mapIndex: number) => `${root(jobId)}output/${mapPartName(mapIndex)}`,
  /** --skip-bad-records: the committed dead-letter files, beside the part files. */
  skippedDir: (jobId: string) => `${root(jobId)}output/${SKIPPED_DIR}/`,
  skipped: (jobId: string, taskId: string) => `${root(jobId)}output/${SKIPPED_DIR}/${taskId}.jsonl`,
  summary: (jobId: string) => `${root(jobId)}summary.json`,
  /** One small object per committed task: the master's checkpoint, replayed after a restart. */
  commits: (jobId: string) => `${root(jobId)}commits/`,
  commit: (jobId: string, taskId: string) => `${root(jobId)}commits/${taskId}.json`,
  /** Commit records written together by one master epoch: its n-th batch. */
  commitBatch: (jobId: string, epoch: number, n: number) => `${root(jobId)}commits/batch-e${epoch}-${n}.json`,
  /** How many times a master has started for this job, and when the first one did. */
  epoch: (jobId: string) => `${root(jobId)}epoch.json`,
  /** Where a job's logs are. */
  logs: (jobId: string) => `${root(jobId)}logs/`,
  /** The folder of one log: `master`, `worker-3`. */
  log: (jobId: string, name: string) => `${root(jobId)}logs/${name}/`,
  /** A `gomr replay` run's own prefix (`tag`: random, so two replays never share one). */
  replay: (jobId: string, taskId: string, tag: string) => `${root(jobId)}replay-${taskId}-${tag}/`,
};

/** The id in a key `jobs/<id>/summary.json` (a job that saved its summary), else undefined. */
export function summaryJobId(key: string): string | undefined {
  return /^jobs\/([a-z0-9][a-z0-9-]{0,62})\/summary\.json$/.exec(key)?.[1];
}
