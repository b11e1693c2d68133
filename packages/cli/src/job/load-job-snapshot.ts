import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { snapshotFromSummary, UnreadableSummaryError, type JobSnapshot, type JobSummary } from '@gomr/master';
import { describeStorage, jobKeys, NotFoundError, type Storage, type StorageConfig } from '@gomr/storage';
import { parseStorageConfig } from '@gomr/storage/config-schema';
import { StorageError, UsageError } from '../errors.js';
import { localJobDir } from './gomr-home.js';
import { readStatusUrl } from './status-page-link.js';
import { findInJobStores } from './job-stores.js';

/**
 * Where a snapshot came from: a running master's page (on this machine: its URL; on
 * Kubernetes: its pod, reached through a port-forward), or the summary a finished job saved.
 */
export type SnapshotSource =
  | { kind: 'live'; url: string }
  | { kind: 'live'; pod: string; namespace: string; context: string }
  | { kind: 'summary'; store: string };

export interface LoadedSnapshot {
  snapshot: JobSnapshot;
  source: SnapshotSource;
}

const JOB_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Refuses ids that are not job ids (they would name other folders or keys). */
export function checkJobId(jobId: string): string {
  if (!JOB_ID.test(jobId)) throw new UsageError(`${JSON.stringify(jobId)} is not a job id (like 20261122-231502-3f9a; see gomr jobs)`);
  return jobId;
}

/**
 * The snapshot served by a running master at `url`, or null if nothing answers there in time
 * or what answers is another job (ports are reused once a job ends).
 */
export async function fetchLiveSnapshot(url: string, jobId: string, timeoutMs = 1500): Promise<JobSnapshot | null> {
  try {
    const res = await fetch(new URL('api/status', url), { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return null;
    const snap = (await res.json()) as JobSnapshot;
    return snap && snap.jobId === jobId ? snap : null;
  } catch {
    return null;
  }
}

/** The URL of a job's page if its master runs on this machine and answers, else null. */
export async function liveStatusUrl(jobId: string): Promise<{ url: string; snapshot: JobSnapshot } | null> {
  const url = await readStatusUrl(localJobDir(jobId));
  if (!url) return null;
  const snapshot = await fetchLiveSnapshot(url, jobId);
  return snapshot ? { url, snapshot } : null;
}

/** The snapshot in a finished job's summary.json, or null if the store has none. */
export async function readSavedSnapshot(storage: Storage, jobId: string): Promise<JobSnapshot | null> {
  let text: string;
  try {
    text = (await storage.get(jobKeys.summary(jobId))).toString('utf8');
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw new StorageError(`cannot read the summary of job ${jobId} from ${storage.describe}: ${(err as Error).message}`);
  }
  try {
    return snapshotFromSummary(JSON.parse(text) as JobSummary);
  } catch (err) {
    const why = err instanceof UnreadableSummaryError ? err.reason : (err as Error).message;
    throw new StorageError(`the summary of job ${jobId} in ${storage.describe} cannot be read: ${why}`);
  }
}

/** The storage a local job was run with, from the spec.json in its folder (null if none). */
export async function localJobStorage(jobId: string): Promise<StorageConfig | null> {
  try {
    const path = join(localJobDir(jobId), 'spec.json');
    const spec = JSON.parse(await readFile(path, 'utf8')) as { storage?: unknown };
    return spec.storage === undefined ? null : parseStorageConfig(spec.storage, `${path}: storage`);
  } catch {
    return null;
  }
}

/**
 * A job's snapshot: live from its master when it runs on this machine, else from its saved
 * summary in `storage` (or, failing that, in the store the job's local folder names).
 */
export async function loadJobSnapshot(jobId: string, storage: StorageConfig): Promise<LoadedSnapshot> {
  checkJobId(jobId);
  const live = await liveStatusUrl(jobId);
  if (live) return { snapshot: live.snapshot, source: { kind: 'live', url: live.url } };
  const search = await findInJobStores(jobId, storage, async (store) => {
    const snapshot = await readSavedSnapshot(store, jobId);
    return snapshot ? { snapshot, source: { kind: 'summary' as const, store: store.describe } } : undefined;
  });
  if (search.found) return search.found.value;
  const where = search.stores.length > 1 ? 'either store' : describeStorage(storage);
  const folder = search.hasLocalFolder ? ` Its local folder ${localJobDir(jobId)} has no running master: the job was interrupted or is starting (see master.log there).` : '';
  throw new UsageError(`job ${jobId} is not running here and has no summary in ${where}.${folder} gomr jobs lists the jobs it knows.`);
}

