/**
 * How a worker process says that the user's worker file does not load in its executor thread
 * (a WorkerFileError: it threw on import, or never called run()). Every worker would fail the
 * same way, so restarting the worker cannot help: the process prints WORKER_FILE_ERROR_LINE and
 * exits with EXIT_WORKER_FILE, and whoever runs it gives up.
 */

/** Prefix of the stdout line a worker prints before exiting on a WorkerFileError; JSON follows. */
export const WORKER_FILE_ERROR_LINE = 'GOMR_WORKER_FILE_ERROR ';

/** Exit code of a worker whose worker file does not load (the CLI's own code for a bad worker file). */
export const EXIT_WORKER_FILE = 4;
