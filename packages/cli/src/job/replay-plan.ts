import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CommitLog, parseJobSpec, planSplits, splitInputs, type AttemptRecord, type JobSpec, type JobSummary } from '@gomr/master';
import { describeStorage, jobKeys, NotFoundError, parseTaskId, WORKER_BUNDLE_NAME, type RunObject, type Storage, type StorageConfig } from '@gomr/storage';
import type { JobInfo, ReplayNarrowing, TaskSpec } from '@gomr/sdk/runtime';
import { StorageError, UsageError } from '../errors.js';
import { localJobDir } from './gomr-home.js';
import { checkJobId } from './load-job-snapshot.js';
import { findInJobStores } from './job-stores.js';

/**
 * What `gomr replay` needs of a job that ended, found where the job left it: its summary (which
 * task failed, where) in its store; its spec and bundle in its local folder (`gomr run`), or in
 * the store (`gomr start` keeps the spec at specs/<JOB>.json in MinIO; a bundle is then taken
 * from jobs/<JOB>/worker.mjs, or built from --worker); and, for a reduce task, the commit
 * records of the map tasks, which name the runs of its partition.
 */
export interface ReplayPlan {
  jobId: string;
  spec: JobSpec;
  summary: JobSummary;
  /** The store the summary was found in: the replay reads inputs and runs from it. */
  storage: StorageConfig;
  /** A bundle on this machine, or null: the caller builds one from --worker. */
  bundlePath: string | null;
  task: TaskSpec;
  job: JobInfo;
  /** The attempt replayed: the task's last failed attempt, else its last one. */
  attempt: AttemptRecord | undefined;
  /** Where that attempt failed, as the narrowing flags use it. */
  failedAt: ReplayNarrowing & { input?: string };
}

/**
 * Where a replay writes what the task outputs: a folder of its own per run (two replays at
 * once do not meet), removed afterwards, beside the job's others so that removing its objects
 * removes the folder on a local store too.
 */
export const replayPrefix = (jobId: string, taskId: string) => jobKeys.replay(jobId, taskId, randomBytes(4).toString('hex'));

/** Finds the job and its task; one-line GomrErrors for an unknown job or task. */
export async function planReplay(jobId: string, taskArg: string | undefined, flagsStorage: StorageConfig): Promise<ReplayPlan> {
  checkJobId(jobId);
  const search = await findInJobStores(jobId, flagsStorage, async (store, config) => {
    const summary = await readJson<JobSummary>(store, jobKeys.summary(jobId));
    return summary ? await planFrom(jobId, taskArg, config, store, summary) : undefined;
  });
  if (search.found) return search.found.value;
  const running = search.hasLocalFolder ? ' (its local folder has no summary yet: is it still running? replay re-runs tasks of jobs that ended)' : '';
  throw new UsageError(`no job ${jobId} in ${search.stores.map(describeStorage).join(' or ')}${running}; gomr jobs lists the jobs it knows`);
}

async function planFrom(jobId: string, taskArg: string | undefined, config: StorageConfig, store: Storage, summary: JobSummary): Promise<ReplayPlan> {
  const taskId = taskArg ?? firstFailedTask(summary);
  if (!taskId) throw new UsageError(`job ${jobId} ${summary.state === 'SUCCEEDED' ? 'succeeded' : 'failed outside its tasks'}: no task failed; name one to replay it (gomr replay ${jobId} m-00000)`);
  const record = summary.tasks.find((t) => t.id === taskId);
  if (!record) {
    const ids = summary.tasks.map((t) => t.id);
    const range = ids.length ? ` (it has ${ids[0]} to ${ids[ids.length - 1]})` : '';
    throw new UsageError(`job ${jobId} has no task ${JSON.stringify(taskId)}${range}`);
  }
  const spec = await readSpec(jobId, store);
  const attempt = [...record.attempts].reverse().find((a) => a.outcome === 'failed') ?? record.attempts[record.attempts.length - 1];
  const failedAt = failureLocation(summary, taskId, attempt);
  // The summary has the task, so its id parses.
  const { kind, index } = parseTaskId(taskId) ?? { kind: 'REDUCE', index: NaN };
  const skipped = (summary.skipped ?? []).filter((s) => s.task === taskId);
  const task: TaskSpec = {
    taskId, kind, index, attempt: attempt?.attempt ?? 1,
    outputPrefix: replayPrefix(jobId, taskId),
    runKeys: [],
    skipOffsets: kind === 'MAP' ? skipped.map((s) => s.offset) : [],
    skipKeys: kind === 'REDUCE' ? skipped.map((s) => s.key) : [],
    inlineRunBytes: 0,
  };
  if (kind === 'MAP') {
    const split = planSplits(splitInputs(spec.inputs), spec.maps)[index];
    if (!split) throw new UsageError(`job ${jobId} plans no map task ${taskId} from its spec (${spec.maps} map tasks)`);
    task.split = split;
  } else {
    task.runs = await partitionRuns(store, jobId, index);
  }
  const job: JobInfo = {
    workerId: 'replay',
    reducers: spec.reducers,
    params: { ...spec.params },
    ...(spec.files.length ? { files: spec.files } : {}),
    ...(spec.totalOrder ? { totalOrder: true, cutPoints: spec.cutPoints } : {}),
    outputFormat: spec.outputFormat,
    outputCompression: spec.outputCompression,
  };
  // A spec from the cluster names MinIO by its in-cluster address: the store reached from here replaces it.
  if (JSON.stringify(spec.inputStorage) === JSON.stringify(spec.storage)) spec.inputStorage = config;
  spec.storage = config;
  return { jobId, spec, summary, storage: config, bundlePath: await localBundle(jobId, store), task, job, attempt, failedAt };
}

/** The task that failed the job, else the first task with a failed attempt. */
function firstFailedTask(summary: JobSummary): string | undefined {
  if (summary.error?.task) return summary.error.task;
  return summary.tasks.find((t) => t.attempts.some((a) => a.outcome === 'failed'))?.id;
}

/** Where the attempt failed: its own record, else the job's error when it names this task. */
function failureLocation(summary: JobSummary, taskId: string, attempt: AttemptRecord | undefined): ReplayPlan['failedAt'] {
  if (attempt?.offset !== undefined || attempt?.key) {
    return { ...(attempt.input ? { input: attempt.input, offset: attempt.offset ?? 0 } : {}), ...(attempt.key ? { key: attempt.key } : {}) };
  }
  const e = summary.error;
  if (e?.task === taskId) return { ...(e.input ? { input: e.input, offset: e.offset ?? 0 } : {}), ...(e.key ? { key: e.key } : {}) };
  return {};
}

async function readSpec(jobId: string, store: Storage): Promise<JobSpec> {
  let text: string | undefined;
  try {
    text = await readFile(join(localJobDir(jobId), 'spec.json'), 'utf8');
  } catch {
    text = (await readText(store, jobKeys.spec(jobId))) ?? undefined;
  }
  if (!text) throw new UsageError(`job ${jobId} has no spec here: neither ${join(localJobDir(jobId), 'spec.json')} nor ${jobKeys.spec(jobId)} in the store`);
  return parseJobSpec(JSON.parse(text));
}

/** The job's bundle: in its local folder, else a copy of jobs/<JOB>/worker.mjs from the store; null if neither. */
async function localBundle(jobId: string, store: Storage): Promise<string | null> {
  const local = join(localJobDir(jobId), WORKER_BUNDLE_NAME);
  try {
    await access(local);
    return local;
  } catch {
    const text = await readText(store, jobKeys.bundle(jobId));
    if (text === null) return null;
    const copy = join(localJobDir(jobId), 'replay-worker.mjs');
    await mkdir(localJobDir(jobId), { recursive: true });
    await writeFile(copy, text);
    return copy;
  }
}

/**
 * The committed runs of a partition, in map order, from the map tasks' commit records (inline
 * runs with their bytes). The failed job kept the map runs
 * (cleanupIntermediate keeps them when a reduce task failed it).
 */
async function partitionRuns(store: Storage, jobId: string, partition: number): Promise<RunObject[]> {
  const records = (await new CommitLog(store, jobId).readAll()).filter((r) => { const id = parseTaskId(r.taskId); return id?.kind === 'MAP' && id.step === 0; });
  records.sort((a, b) => (a.taskId < b.taskId ? -1 : 1));
  const runs: RunObject[] = [];
  for (const r of records) {
    for (const o of r.outputs) if (o.partition === partition) runs.push(o);
  }
  const missing = runs.find((r) => r.key && !r.data);
  if (missing && !(await store.stat(missing.key))) {
    throw new UsageError(`the map runs of job ${jobId} are gone from the store (${missing.key}): a reduce task can be replayed only while they are kept (a job a reduce task failed keeps them; --keep-intermediate keeps them always)`);
  }
  return runs;
}

async function readText(store: Storage, key: string): Promise<string | null> {
  try {
    return (await store.get(key)).toString('utf8');
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw new StorageError(`cannot read ${key} from ${store.describe}: ${(err as Error).message}`);
  }
}

async function readJson<T>(store: Storage, key: string): Promise<T | null> {
  const text = await readText(store, key);
  return text === null ? null : (JSON.parse(text) as T);
}

