import type { TaskStory } from '@gomr/master';
import { checkJobId, type SnapshotSource } from '../job/load-job-snapshot.js';
import { checkTaskId, fetchLiveStory, noSuchTask, readSavedStory } from '../job/load-task-story.js';
import { UsageError } from '../errors.js';
import { forwardStatusPage, minioStore, withClusterMinio, type KubeStatusDeps } from './kube-job-status.js';

/**
 * `gomr status JOB --task T --kube`: the story live from the job's master (its page's
 * /api/tasks/T through a port-forward), else from the summary in the namespace's MinIO.
 */
export async function loadKubeTaskStory(deps: KubeStatusDeps, jobId: string, taskId: string): Promise<{ story: TaskStory; source: SnapshotSource }> {
  checkJobId(jobId);
  checkTaskId(taskId);
  const page = await forwardStatusPage(deps, jobId);
  if (page) {
    try {
      const story = await fetchLiveStory(page.url, taskId, deps.api.requestTimeoutMs > 0 ? deps.api.requestTimeoutMs : 15_000);
      if (story === null) throw noSuchTask(jobId, taskId);
      if (story) return { story, source: { kind: 'live', pod: page.pod, namespace: deps.namespace, context: deps.api.ctx.context } };
    } finally {
      await page.forward.close();
    }
  }
  const saved = await withClusterMinio(deps, (storage) => readSavedStory(storage, jobId, taskId));
  if ('value' in saved) {
    if (saved.value === null) throw noSuchTask(jobId, taskId);
    if (saved.value) return { story: saved.value, source: { kind: 'summary', store: minioStore(deps.namespace) } };
  }
  throw new UsageError(`job ${jobId} has no running master and no summary in ${minioStore(deps.namespace)}; gomr jobs --kube -n ${deps.namespace} lists the jobs there`);
}
