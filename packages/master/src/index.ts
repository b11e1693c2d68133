/**
 * @gomr/master: the coordinator of one job. Plans splits, schedules tasks, commits exactly one
 * attempt per task, notices dead workers, writes the summary. Run it as a process with
 * `node node_modules/@gomr/master/dist/src/main.js` (see main.ts), or embed it in tests:
 *
 * ```ts
 * const master = new JobMaster(parseJobSpec(spec), storage);
 * const server = getServer(master);
 * const port = await bindServer(server, '127.0.0.1:0');
 * ```
 */
export { JobMaster, MAX_TASK_WAIT_MS, INLINE_RUN_BYTES, INLINE_BUDGET_BYTES, type JobMasterOptions, type TaskReport } from './job-master.js';
export { getServer, bindServer, masterHandlers, type ServerTls } from './master-service.js';
export { UnknownWorkerError, UnauthenticatedError, BadRequestError, toStatus, type ErrorStatus } from './errors.js';
export { parseJobSpec, type JobSpec, type JobSpecInput } from './job-spec.js';
export { planSplits, splitInputs, type Split, type SplitInput } from './plan-splits.js';
export { Scheduler, type JobPhase } from './scheduler.js';
export type { JobSummary } from './job-summary.js';
export {
  buildJobSnapshot, SNAPSHOT_VERSION,
  type JobSnapshot, type JobError, type PhaseProgress, type TimelineAttempt, type WorkerView, type FailureView, type SnapshotSource,
} from './job-snapshot.js';
export { snapshotOfMaster, storyOfMaster } from './master-snapshot.js';
export { snapshotFromSummary, storyFromSummary, UnreadableSummaryError } from './summary-snapshot.js';
export { createStatusServer, listenStatusServer, parseListenAddress, type StatusServerOptions } from './status-server.js';
export type { Counters } from './counters.js';
export { CommitLog, type CommitRecord } from './commit-log.js';
export { buildTaskStory, STORY_ATTEMPTS, type TaskStory, type StoryAttempt, type StoryOutcome, type StorySource } from './task-story.js';
export type { AttemptRecord, AttemptOutcome } from './task-table.js';
