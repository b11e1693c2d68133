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
 * Prints `GOMR_WORKER_REGISTERED <worker id>` on stdout once the master has accepted it, so
 * the local runtime can tell a worker that cannot start from one that died at work.
 *
 * Exit codes: 0 once the master said the job is over; 143 (128 + SIGTERM) when SIGTERM drained
 * it before that, so a Kubernetes Job replaces the pod instead of counting it as done; 1 on a
 * fatal error; 4 (EXIT_WORKER_FILE) when the worker file does not load in the executor thread,
 * after a `GOMR_WORKER_FILE_ERROR {"message","stack"}` line on stdout, since another try fails alike.
 */
import { readFileSync } from 'node:fs';
import { storageConfigFromEnv, type StorageConfig } from '@gomr/storage';
import { WorkerRuntime } from './worker-runtime.js';
import { EXIT_WORKER_FILE, WORKER_FILE_ERROR_LINE } from './worker-file-exit.js';
import { WorkerFileError } from './load-definition.js';
import { exitWithParent } from '@gomr/proto';

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
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
  const master = await masterAddress();
  const storage: StorageConfig = process.env.GOMR_STORAGE_JSON
    ? (JSON.parse(process.env.GOMR_STORAGE_JSON) as StorageConfig)
    : storageConfigFromEnv(process.env);
  const inputStorage = process.env.GOMR_INPUT_STORAGE_JSON
    ? (JSON.parse(process.env.GOMR_INPUT_STORAGE_JSON) as StorageConfig)
    : storage;
  const runtime = new WorkerRuntime({
    master,
    bundlePath: required('GOMR_WORKER_BUNDLE'),
    token: process.env.GOMR_TOKEN ?? '',
    ...(process.env.GOMR_TLS_CA ? { tlsCa: readFileSync(process.env.GOMR_TLS_CA) } : {}),
    storage,
    inputStorage,
    ...(process.env.GOMR_SPILL_BYTES ? { spillBytes: Number(process.env.GOMR_SPILL_BYTES) } : {}),
    ...(process.env.GOMR_SPILL_DIR ? { spillDir: process.env.GOMR_SPILL_DIR } : {}),
    log,
    onRegistered: (workerId) => process.stdout.write(`GOMR_WORKER_REGISTERED ${workerId}\n`),
  });
  process.on('SIGTERM', () => runtime.drain());
  await runtime.run();
  if (!runtime.toldToExit) {
    log(`${runtime.workerId || 'worker'} stopped by SIGTERM before the job ended, after ${runtime.tasksRun} tasks`);
    return EXIT_DRAINED;
  }
  log(`${runtime.workerId} done after ${runtime.tasksRun} tasks`);
  return 0;
}

/** 128 + SIGTERM, as a shell reports a process the signal ended. */
const EXIT_DRAINED = 143;

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    log(`worker fatal: ${err.message}`);
    if (err instanceof WorkerFileError) {
      const line = `${WORKER_FILE_ERROR_LINE}${JSON.stringify({ message: err.message, stack: err.userStack })}\n`;
      process.stdout.write(line, () => process.exit(EXIT_WORKER_FILE));
      return;
    }
    process.exit(1);
  },
);
