/**
 * The master process. Reads the job spec from the file named by GOMR_JOB_SPEC, or from the
 * object GOMR_JOB_SPEC_KEY in the storage that GOMR_STORAGE and GOMR_S3_* name (on Kubernetes:
 * a spec of thousands of inputs outgrows a Secret's 1 MiB, and a restarted master finds it
 * there as the first one did), serves the
 * status page over HTTP on GOMR_STATUS_ADDRESS (default 127.0.0.1:0) and prints
 * `GOMR_STATUS_LISTENING <port>`, then serves gRPC on GOMR_MASTER_ADDRESS (default
 * 127.0.0.1:0) and prints `GOMR_MASTER_LISTENING <port>` once bound, and keeps serving status
 * after the job ends until SIGTERM/SIGINT.
 *
 * Exit codes: 0 once the job has ended (succeeded or failed: its summary is written); 143
 * (128 + SIGTERM) or 130 (SIGINT) when a signal stops it before that, so a Kubernetes Job
 * starts another master, which resumes from the commit log; 1 on a fatal error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { LogShipper, logPrefix, openStorage, storageConfigFromEnv, teeProcessOutput } from '@gomr/storage';
import { parseJobSpec } from './job-spec.js';
import { JobMaster } from './job-master.js';
import { bindServer, getServer } from './master-service.js';
import { snapshotOfMaster, storyOfMaster } from './master-snapshot.js';
import { createStatusServer, listenStatusServer, waitForOpenPage } from './status-server.js';
import { exitWithParent } from '@gomr/proto';

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} master ${line}\n`);
}

/**
 * Everything the master prints is also shipped to the job's prefix in storage
 * (jobs/<id>/logs/master/), so `gomr logs JOB --master` reads it after the pod or the machine
 * is gone. Held from the first line; shipped once the spec says where.
 */
const shipped = new LogShipper({ onError: () => {} });
teeProcessOutput((text) => shipped.append(text));

/** Exits after the last piece of the log is shipped (a few seconds at most). */
function exit(code: number): void {
  void shipped.close(3000).finally(() => process.exit(code));
}

async function readSpecText(): Promise<string> {
  const key = process.env.GOMR_JOB_SPEC_KEY;
  if (key) {
    const store = await openStorage(storageConfigFromEnv(process.env));
    try {
      return (await store.get(key)).toString('utf8');
    } finally {
      await store.close();
    }
  }
  const specPath = process.env.GOMR_JOB_SPEC;
  if (!specPath) throw new Error('GOMR_JOB_SPEC is not set (path of the job spec JSON), nor GOMR_JOB_SPEC_KEY (its key in storage)');
  // GOMR_JOB_SPEC_WAIT: the spec is written once the worker file was checked (whether it is a
  // job of steps decides the plan); the process boots meanwhile and reads it as it appears.
  if (process.env.GOMR_JOB_SPEC_WAIT) await waitForFile(specPath, SPEC_WAIT_MS);
  return readFileSync(specPath, 'utf8');
}

/** How long a master started before its spec waits for it (the CLI stops it sooner on a bad worker file). */
const SPEC_WAIT_MS = 120_000;

async function waitForFile(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // The CLI writes the spec to a temporary name and renames it: it appears complete.
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`the job spec ${path} did not appear within ${timeoutMs / 1000} s`);
    await sleep(5);
  }
}

async function main(): Promise<void> {
  exitWithParent(log);
  // Both ports are bound before the spec is read, and their calls wait for the master: workers
  // connect and register (their calls held) while the local runtime's pre-flight check, which
  // the spec waits for, still runs, instead of after it.
  const opening = openMaster();
  opening.catch(() => {});
  const statusServer = createStatusServer({
    snapshot: async () => snapshotOfMaster(await opening, Date.now()),
    taskStory: async (id) => storyOfMaster(await opening, id),
  });
  const statusPort = await listenStatusServer(statusServer, process.env.GOMR_STATUS_ADDRESS || '127.0.0.1:0');
  // Printed before the gRPC line: whoever waits for that one has the page's port by then.
  process.stdout.write(`GOMR_STATUS_LISTENING ${statusPort}\n`);
  log(`status page on port ${statusPort}`);
  const server = getServer(opening);
  // Optional TLS: GOMR_TLS_CERT and GOMR_TLS_KEY name PEM files.
  const tls = process.env.GOMR_TLS_CERT && process.env.GOMR_TLS_KEY
    ? { cert: readFileSync(process.env.GOMR_TLS_CERT), key: readFileSync(process.env.GOMR_TLS_KEY) }
    : undefined;
  const port = await bindServer(server, process.env.GOMR_MASTER_ADDRESS ?? '127.0.0.1:0', tls);
  process.stdout.write(`GOMR_MASTER_LISTENING ${port}\n`);
  log(`listening on port ${port}`);
  const master = await opening;

  let ended = false;
  const shutdown = async (signal: string, code: number) => {
    log(`${signal}: shutting down${ended ? '' : ' before the job ended'}`);
    const exitCode = ended ? 0 : code;
    master.stop();
    // A page that is open polls once a second: let it fetch how the job ended first.
    if (master.scheduler.finished) await waitForOpenPage(statusServer);
    statusServer.close();
    statusServer.closeAllConnections();
    server.tryShutdown(() => exit(exitCode));
    setTimeout(() => exit(exitCode), 2000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM', 143));
  process.on('SIGINT', () => shutdown('SIGINT', 130));
  await master.whenFinished();
  ended = true;
  const exitAfter = Number(process.env.GOMR_MASTER_EXIT_AFTER_MS ?? '');
  if (Number.isFinite(exitAfter) && exitAfter >= 0 && process.env.GOMR_MASTER_EXIT_AFTER_MS) {
    setTimeout(() => shutdown('job finished', 0), exitAfter);
  }
}

/** Reads the spec (waiting for it with GOMR_JOB_SPEC_WAIT) and opens the job's master. */
async function openMaster(): Promise<JobMaster> {
  const spec = parseJobSpec(JSON.parse(await readSpecText()));
  const storage = await openStorage(spec.storage);
  shipped.start(storage, logPrefix(spec.jobId, 'master'));
  return JobMaster.open(spec, storage, { log });
}

main().catch((err: Error) => {
  log(`fatal: ${err.message}`);
  exit(1);
});
