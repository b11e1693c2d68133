import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobSnapshot, JobSummary } from '@gomr/master';
import type { JobState__Output } from '@gomr/proto';
import { jobKeys, JOBS_PREFIX, summaryJobId, type Storage, type StorageConfig } from '@gomr/storage';
import { StorageError } from '../errors.js';
import { gomrHome, localJobDir } from './gomr-home.js';
import { fetchLiveSnapshot } from './load-job-snapshot.js';
import { readStatusUrl } from './status-page-link.js';

/** One row of `gomr jobs`. */
export interface JobListing {
  id: string;
  workerFile: string;
  inputs: { name: string; size: number }[];
  /**
   * MAPPING, REDUCING, ... while running; SUCCEEDED or FAILED; STOPPED: no summary, no master.
   * On Kubernetes also PENDING (the master's pod does not run yet) and RUNNING (its pod runs but
   * its status page did not answer).
   */
  state: JobState__Output | 'STOPPED' | 'PENDING' | 'RUNNING';
  startedMs: number;
  /** 0 while running. */
  finishedMs: number;
  /** To the end, or so far. */
  durationMs: number;
  /**
   * Where the row came from: a saved summary, a running master, only a local job folder, or
   * (Kubernetes) only the master's Job object, when its master does not answer.
   */
  source: 'summary' | 'live' | 'folder' | 'cluster';
  /** The running master's page (jobs on this machine). */
  statusUrl?: string;
  /** The master's pod (jobs on Kubernetes). */
  pod?: string;
}

/**
 * Past jobs from the summaries in `storage`, and the jobs whose folders are on this machine
 * (running ones live from their masters), newest first.
 */
export async function listJobs(storage: Storage, config: StorageConfig, nowMs = Date.now()): Promise<JobListing[]> {
  const found = await listSavedJobs(storage);
  await Promise.all((await localJobIds()).filter((id) => !found.has(id)).map(async (id) => {
    const row = await localListing(id, config, nowMs);
    if (row) found.set(id, row);
  }));
  return sortJobs([...found.values()]);
}

/** Newest first (ids break ties). */
export function sortJobs(jobs: JobListing[]): JobListing[] {
  return jobs.sort((a, b) => b.startedMs - a.startedMs || (a.id < b.id ? 1 : -1));
}

/** The jobs that saved a summary in `storage` (jobs/<id>/summary.json), by id. */
export async function listSavedJobs(storage: Storage): Promise<Map<string, JobListing>> {
  const found = new Map<string, JobListing>();
  const keys = await storage.list(JOBS_PREFIX).catch((err: Error) => {
    throw new StorageError(`cannot list jobs in ${storage.describe}: ${err.message}`);
  });
  const ids = keys.map((k) => summaryJobId(k.key)).filter((id): id is string => !!id);
  for (const id of ids) {
    try {
      const s = JSON.parse((await storage.get(jobKeys.summary(id))).toString('utf8')) as JobSummary;
      found.set(id, {
        id, workerFile: s.workerFile ?? '', inputs: (s.inputs ?? []).map((i) => ({ name: i.name, size: i.size })), state: s.state,
        startedMs: s.startedMs, finishedMs: s.finishedMs, durationMs: Math.max(s.finishedMs - s.startedMs, 0), source: 'summary',
      });
    } catch {
      // A summary being written right now, or damaged: it is not a job we can describe.
    }
  }
  return found;
}

async function localJobIds(): Promise<string[]> {
  const dir = join(gomrHome(), 'jobs');
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => /^[a-z0-9][a-z0-9-]{0,62}$/.test(n));
}

/**
 * A job folder without a summary in this store: live if its master answers; otherwise listed
 * as STOPPED, but only when it was run against this store (else its summary is elsewhere).
 */
async function localListing(id: string, config: StorageConfig, nowMs: number): Promise<JobListing | null> {
  const dir = localJobDir(id);
  let spec: { workerFile?: string; inputs?: { name: string; size: number }[]; storage?: StorageConfig };
  try {
    spec = JSON.parse(await readFile(join(dir, 'spec.json'), 'utf8'));
  } catch {
    return null;
  }
  const url = await readStatusUrl(dir);
  const live: JobSnapshot | null = url ? await fetchLiveSnapshot(url, id, 1000) : null;
  const base = { id, workerFile: spec.workerFile ?? '', inputs: (spec.inputs ?? []).map((i) => ({ name: i.name, size: i.size })) };
  if (live) {
    return {
      ...base, state: live.state, startedMs: live.startedMs, finishedMs: live.finishedMs, durationMs: live.elapsedMs,
      source: 'live', statusUrl: url!,
    };
  }
  if (JSON.stringify(spec.storage) !== JSON.stringify(config)) return null;
  const startedMs = idTime(id) ?? nowMs;
  return { ...base, state: 'STOPPED', startedMs, finishedMs: 0, durationMs: 0, source: 'folder' };
}

/** The start time a job id carries (ids are local times: 20261122-231502-3f9a). */
function idTime(id: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-/.exec(id);
  return m ? new Date(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!).getTime() : null;
}
