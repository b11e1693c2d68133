/**
 * The user's worker file failed to load in the executor thread (it threw on import, or never
 * called run()). Every worker would fail the same way, so restarting the worker cannot help:
 * the process says so (WORKER_FILE_ERROR_LINE, EXIT_WORKER_FILE) and whoever runs it gives up.
 */
export class WorkerFileLoadError extends Error {
  constructor(
    message: string,
    /** The user's stack, when their code threw. */
    readonly userStack?: string,
  ) {
    super(message);
    this.name = 'WorkerFileLoadError';
  }
}

/** Prefix of the stdout line a worker prints before exiting on a WorkerFileLoadError; JSON follows. */
export const WORKER_FILE_ERROR_LINE = 'GOMR_WORKER_FILE_ERROR ';

/** Exit code of a worker whose worker file does not load (the CLI's own code for a bad worker file). */
export const EXIT_WORKER_FILE = 4;
