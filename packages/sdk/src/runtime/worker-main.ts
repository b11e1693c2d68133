/**
 * A worker process. Configured by the environment:
 *   GOMR_MASTER          host:port of the master (required); `-`: read it from the first line
 *                        of stdin (the local runtime starts workers while the master starts)
 *   GOMR_WORKER_BUNDLE   path of the bundled worker file (required)
 *   GOMR_TOKEN           the job's token
 *   GOMR_STORAGE_JSON    storage config as JSON (else GOMR_STORAGE / GOMR_S3_* variables)
 *   GOMR_INPUT_STORAGE_JSON  where inputs are read from (default: the storage)
 *   GOMR_SPILL_BYTES     map-side buffer size before spilling
 *   GOMR_SPILL_DIR       local folder for spills (default: a fresh one in the temp folder)
 *   GOMR_TLS_CA          PEM CA file: talk to a master that serves TLS
 *   GOMR_LOG_NAME        the name of this worker's log in storage (default: worker-<index> on
 *                        an Indexed Job, from JOB_COMPLETION_INDEX; else worker-<worker id>)
 *   GOMR_LOG_FLUSH_MS    how often the log is shipped to storage (default 2000)
 * Prints `GOMR_WORKER_REGISTERED <worker id>` on stdout once the master has accepted it, so
 * the local runtime can tell a worker that cannot start from one that died at work.
 *
 * Exit codes: 0 once the master said the job is over; 143 (128 + SIGTERM) when SIGTERM drained
 * it before that, so a Kubernetes Job replaces the pod instead of counting it as done; 1 on a
 * fatal error; 4 (EXIT_WORKER_FILE) when the worker file does not load in the executor thread,
 * after a `GOMR_WORKER_FILE_ERROR {"message","stack"}` line on stdout, since another try fails alike.
 */
import { readFileSync } from 'node:fs';
import { LogShipper, logPrefix, openStorage, storageConfigFromEnv, teeProcessOutput, type StorageConfig } from '@gomr/storage';
import { parseStorageConfig } from '@gomr/storage/config-schema';
import { WorkerRuntime } from './worker-runtime.js';
import { EXIT_WORKER_FILE, WORKER_FILE_ERROR_LINE } from './worker-file-exit.js';
import { WorkerFileError } from './load-definition.js';
import { exitWithParent } from '@gomr/proto';

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

/**
 * Everything this process prints, its executor thread's user output included (each line
 * labelled with its task and attempt: see user-output.ts), is also shipped to the job's prefix in
 * storage, jobs/<id>/logs/<name>/, every few seconds and at exit: `gomr logs JOB --worker N`
 * reads it after the worker, its pod or its machine is gone. Held until the job is known.
 */
const shipped = new LogShipper({ onError: () => {} });
teeProcessOutput((text) => shipped.append(text));
let runtime: WorkerRuntime | undefined;
let storageConfig: StorageConfig | undefined;

/** Starts shipping the log once the master said which job this is. */
let shipping = false;
async function shipLog(workerId: string): Promise<void> {
  if (shipping || !storageConfig || !runtime?.jobId) return;
  shipping = true;
  const index = process.env.JOB_COMPLETION_INDEX;
  const name = process.env.GOMR_LOG_NAME || (index !== undefined && index !== '' ? `worker-${index}` : `worker-${workerId}`);
  shipped.start(await openStorage(storageConfig), logPrefix(runtime.jobId, name));
}

/** Exits after the last piece of the log is shipped (a few seconds at most). */
function exit(code: number): void {
  // A worker that failed before it was told its job (its file did not load) ships what it has too.
  void shipLog(runtime?.workerId ?? '')
    .catch(() => {})
    .then(() => shipped.close(3000))
    .finally(() => process.exit(code));
}

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

async function masterAddress(): Promise<string> {
  const address = required('GOMR_MASTER');
  if (address !== '-') return address;
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    const end = text.indexOf('\n');
    if (end !== -1) return text.slice(0, end).trim();
  }
  throw new Error('GOMR_MASTER=-: stdin ended before the master address arrived');
}

async function main(): Promise<number> {
  exitWithParent(log);
  // Not awaited here: the executor thread boots meanwhile (see WorkerRuntime.run).
  const master = masterAddress();
  const storage: StorageConfig = process.env.GOMR_STORAGE_JSON
    ? parseStorageConfig(process.env.GOMR_STORAGE_JSON, 'GOMR_STORAGE_JSON')
    : storageConfigFromEnv(process.env);
  const inputStorage = process.env.GOMR_INPUT_STORAGE_JSON
    ? parseStorageConfig(process.env.GOMR_INPUT_STORAGE_JSON, 'GOMR_INPUT_STORAGE_JSON')
    : storage;
  storageConfig = storage;
  const worker = new WorkerRuntime({
    master,
    bundlePath: required('GOMR_WORKER_BUNDLE'),
    token: process.env.GOMR_TOKEN ?? '',
    ...(process.env.GOMR_TLS_CA ? { tlsCa: readFileSync(process.env.GOMR_TLS_CA) } : {}),
    storage,
    inputStorage,
    ...(process.env.GOMR_SPILL_BYTES ? { spillBytes: Number(process.env.GOMR_SPILL_BYTES) } : {}),
    ...(process.env.GOMR_SPILL_DIR ? { spillDir: process.env.GOMR_SPILL_DIR } : {}),
    log,
    onRegistered: (workerId) => {
      process.stdout.write(`GOMR_WORKER_REGISTERED ${workerId}\n`);
      shipLog(workerId).catch((err: Error) => log(`cannot ship this log to storage: ${err.message}`));
    },
  });
  runtime = worker;
  const running = worker.run();
  // Until the address came, SIGTERM ends the process at once: there is nothing to drain.
  await master.catch(() => {});
  process.on('SIGTERM', () => worker.drain());
  await running;
  if (!worker.toldToExit) {
    log(`${worker.workerId || 'worker'} stopped by SIGTERM before the job ended, after ${worker.tasksRun} tasks`);
    return EXIT_DRAINED;
  }
  log(`${worker.workerId} done after ${worker.tasksRun} tasks`);
  return 0;
}

/** 128 + SIGTERM, as a shell reports a process the signal ended. */
const EXIT_DRAINED = 143;

main().then(
  (code) => exit(code),
  (err: Error) => {
    log(`worker fatal: ${err.message}`);
    if (err instanceof WorkerFileError) {
      const line = `${WORKER_FILE_ERROR_LINE}${JSON.stringify({ message: err.message, stack: err.userStack })}\n`;
      process.stdout.write(line, () => exit(EXIT_WORKER_FILE));
      return;
    }
    exit(1);
  },
);
