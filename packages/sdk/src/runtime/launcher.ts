/**
 * @gomr/sdk/launcher: what a program that starts worker processes (the CLI) needs from the
 * runtime, without the runtime itself. @gomr/sdk/runtime loads the worker's gRPC client
 * (~60 ms of CPU), which the CLI would pay before it can spawn anything.
 *
 * ```ts
 * if (line.startsWith(WORKER_FILE_ERROR_LINE)) giveUp(JSON.parse(line.slice(WORKER_FILE_ERROR_LINE.length)));
 * ```
 */
export { WORKER_FILE_ERROR_LINE, EXIT_WORKER_FILE } from './worker-file-exit.js';
export { workerFileLocationDefines } from './worker-file-location.js';
export { listSideFiles, SideFileError, type SideFileOnDisk, type SideFileRef } from './side-files.js';
