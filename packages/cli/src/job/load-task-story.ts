import { storyFromSummary, type JobSummary, type TaskStory } from '@gomr/master';
import { jobKeys, NotFoundError, TASK_ID_PATTERN, type Storage, type StorageConfig } from '@gomr/storage';
import { GomrError, StorageError, UsageError } from '../errors.js';
import { checkJobId, liveStatusUrl, type SnapshotSource } from './load-job-snapshot.js';
import { findInJobStores } from './job-stores.js';

/**
 * `gomr status JOB --task T`: one task's story, live from the job's master (its page's
 * /api/tasks/T) when it runs on this machine, else from the task list of its saved summary.
 */

const TASK_ID = TASK_ID_PATTERN;

/** Refuses what is not a task id, before anything is read. */
export function checkTaskId(taskId: string): string {
  if (!TASK_ID.test(taskId)) throw new UsageError(`${JSON.stringify(taskId)} is not a task id (like m-00003 or r-00001)`);
  return taskId;
}

/** The story a running master's page serves: the story, null for a task it does not have, undefined if nothing answers. */
export async function fetchLiveStory(url: string, taskId: string, timeoutMs = 1500): Promise<TaskStory | null | undefined> {
  try {
    const res = await fetch(new URL(`api/tasks/${taskId}`, url), { signal: AbortSignal.timeout(timeoutMs) });
    if (res.status === 404) return null;
    if (!res.ok) return undefined;
    return (await res.json()) as TaskStory;
  } catch {
    return undefined;
  }
}

/** The story in a saved summary: the story, null for a task the job does not have, undefined without a summary. */
export async function readSavedStory(storage: Storage, jobId: string, taskId: string): Promise<TaskStory | null | undefined> {
  let text: string;
  try {
    text = (await storage.get(jobKeys.summary(jobId))).toString('utf8');
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw new StorageError(`cannot read the summary of job ${jobId} from ${storage.describe}: ${(err as Error).message}`);
  }
  return storyFromSummary(JSON.parse(text) as JobSummary, taskId);
}

export function noSuchTask(jobId: string, taskId: string): GomrError {
  return new UsageError(`job ${jobId} has no task ${taskId}; gomr status ${jobId} --json lists its attempts`);
}

export async function loadTaskStory(jobId: string, taskId: string, storage: StorageConfig): Promise<{ story: TaskStory; source: SnapshotSource }> {
  checkJobId(jobId);
  checkTaskId(taskId);
  const live = await liveStatusUrl(jobId);
  if (live) {
    const story = await fetchLiveStory(live.url, taskId);
    if (story === null) throw noSuchTask(jobId, taskId);
    if (story) return { story, source: { kind: 'live', url: live.url } };
  }
  const search = await findInJobStores(jobId, storage, async (store) => {
    const story = await readSavedStory(store, jobId, taskId);
    if (story === null) throw noSuchTask(jobId, taskId);
    return story ? { story, source: { kind: 'summary' as const, store: store.describe } } : undefined;
  });
  if (search.found) return search.found.value;
  throw new UsageError(`job ${jobId} is not running here and has no summary in the store; gomr jobs lists the jobs it knows`);
}
