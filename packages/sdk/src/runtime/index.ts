/**
 * @gomr/sdk/runtime: the worker runtime (control thread + executor thread).
 *
 * ```ts
 * const worker = new WorkerRuntime({ master: '127.0.0.1:7070', bundlePath, storage, token });
 * await worker.run(); // resolves when the master says the job is over
 * ```
 */
export { WorkerRuntime, type WorkerState } from './worker-runtime.js';
export { withDefaults as workerOptionsWithDefaults, type WorkerOptions } from './worker-options.js';
export { loadDefinition, WorkerFileError } from './load-definition.js';
export type { TaskSpec, JobInfo } from './executor-protocol.js';
export { listSideFiles, SideFileError, type SideFileOnDisk, type SideFileRef } from './side-files.js';
export { WORKER_FILE_ERROR_LINE, EXIT_WORKER_FILE } from './worker-file-exit.js';
export { workerFileLocationDefines } from './worker-file-location.js';
export type { ReplayRequest, ReplayResult } from './replay-request.js';
export type { ReplayNarrowing } from './map-task.js';
