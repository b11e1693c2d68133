import { jobKeys, type Storage } from '@gomr/storage';
import { UsageError } from '../errors.js';
import { listSavedJobs } from '../job/list-jobs.js';
import { checkJobId } from '../job/load-job-snapshot.js';
import { listClusterJobs } from './find-job.js';
import type { KubeApi } from './kube-api.js';

/** Whether the store holds anything of the job (its inputs, outputs, summary). */
export async function storeHasJob(storage: Storage, jobId: string): Promise<boolean> {
  return (await storage.list(jobKeys.root(checkJobId(jobId)))).length > 0;
}

/**
 * The job a command means, from the master Jobs in the namespace and, as well, the job prefixes
 * in its MinIO: `gomr down` deletes the master Jobs but keeps the data, so an old job is found
 * by its data. Without an id: the newest job of either kind.
 */
export async function resolveJobIdWithStore(api: KubeApi, namespace: string, jobId: string | undefined, storage: Storage): Promise<string> {
  const cluster = await listClusterJobs(api, namespace);
  if (jobId) {
    if (cluster.some((j) => j.jobId === jobId) || (await storeHasJob(storage, jobId))) return jobId;
    const known = cluster.slice(0, 5).map((j) => j.jobId).join(', ');
    throw new UsageError(`no job ${jobId} in namespace ${namespace}: no master Job, and nothing under ${jobKeys.root(jobId)} in its MinIO${known ? ` (newest: ${known})` : ''}`);
  }
  const saved = [...(await listSavedJobs(storage)).values()].map((s) => ({ id: s.id, ms: s.startedMs }));
  const candidates = [...cluster.map((j) => ({ id: j.jobId, ms: Date.parse(j.createdAt) })), ...saved].sort((a, b) => b.ms - a.ms);
  if (!candidates.length) throw new UsageError(`no gomr job in namespace ${namespace}; start one with gomr start`);
  return candidates[0]!.id;
}
