import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { storageConfigToEnv, type StorageConfig } from '@gomr/storage';
import type { JobSpecInput } from '@gomr/master';
import { GomrError, RuntimeError, WorkerFileError } from '../errors.js';
import { WORKER_FILE_ERROR_LINE } from '@gomr/sdk/launcher';
import { ChildProcessGroup, howEnded, type ManagedChild } from './child-process-group.js';
import { runtimeEntries, type RuntimeEntries } from './runtime-entries.js';
import { spillRootOf, sweepStaleSpillRoots } from './spill-roots.js';

export interface LocalRuntimeOptions {
  jobDir: string;
  specPath: string;
  bundlePath: string;
  token: string;
  workers: number;
  storage: StorageConfig;
  inputStorage: StorageConfig;
  /**
   * Called once the master and the first workers are spawned; resolves once the worker bundle
   * at bundlePath is written (and, for gomr run, has passed the pre-flight check, so that a
   * file the check refuses is refused by it, not by a worker that loaded it first: the master
   * listens before the check is over). Workers are given the master's address only then.
   * Default: the bundle is written already.
   */
  bundleReady?: () => Promise<unknown>;
  /**
   * The spec's task counts, when the spec at specPath is written only after start() (see
   * GOMR_JOB_SPEC_WAIT in the master's main.ts). Default: read from the spec at start().
   */
  taskCounts?: Pick<JobSpecInput, 'maps' | 'reducers' | 'inputs'>;
  /** Extra environment for workers (e.g. GOMR_SPILL_BYTES). */
  workerEnv?: Record<string, string>;
  /** Extra environment for the master (e.g. GOMR_TLS_CERT). */
  masterEnv?: Record<string, string>;
  log?: (line: string) => void;
}

/**
 * When a worker slot is given up on. A worker that dies before the master accepted it cannot
 * start at all (bad environment, master unreachable): 20 such deaths in a row fail the job,
 * with backoff between tries. A worker that dies at work is the master's business: it re-runs
 * the task and gives up on a task that kills its worker too often. Such deaths are restarted
 * promptly and only capped, against runaway loops, at 20 plus one per task of the job, since
 * user code that kills its worker now and then (the crash test) costs deaths in proportion to
 * the tasks. (A flat 20 per slot failed jobs the master would have finished: 24 tasks that
 * each killed their worker once, on one worker, ended in "worker 0 died 21 times".)
 */
const MAX_FAILED_STARTS = 20;
const BASE_DEATHS_PER_SLOT = 20;
/** How many times the master may die and be restarted within one job. */
const MAX_MASTER_RESTARTS = 5;

/**
 * Runs a job on this machine: a master process and N worker processes, all children of the
 * CLI. Dead workers are restarted, as a Kubernetes Deployment would.
 */
export class LocalRuntime {
  readonly group = new ChildProcessGroup();
  master?: ManagedChild;
  masterAddress = '';
  /** The master's status page, e.g. http://127.0.0.1:41234/ (set before start() resolves). */
  statusUrl = '';
  private stopping = false;
  private masterRestarts = 0;
  /** Per slot: workers started so far, deaths in all, and deaths in a row before registering. */
  private readonly slots: { started: number; deaths: number; failedStarts: number }[] = [];
  private maxDeathsPerSlot = BASE_DEATHS_PER_SLOT;
  /**
   * Parent of the workers' spill folders. A worker removes its own when it exits, but one that
   * is killed cannot, so the runtime removes each when its worker ends, and all at stop().
   */
  private readonly spillRoot: string;
  private readonly entries: RuntimeEntries = runtimeEntries();
  /** The master's port, once its first start listens. */
  private firstPort?: Promise<number>;
  /** The master's address once it listens and the bundle is written: what workers started before wait for. */
  private workersGo?: Promise<string>;
  private bundleWritten = false;
  /** Set when the runtime itself broke (master died, workers cannot start). */
  fatal?: GomrError;
  onFatal?: (err: GomrError) => void;

  constructor(private readonly opts: LocalRuntimeOptions) {
    this.spillRoot = spillRootOf(basename(opts.jobDir));
  }

  async start(): Promise<void> {
    // Read synchronously: every process is spawned before this call first yields.
    const spec = this.opts.taskCounts ?? (JSON.parse(readFileSync(this.opts.specPath, 'utf8')) as Pick<JobSpecInput, 'maps' | 'reducers' | 'inputs'>);
    // Every input has at least one map task.
    this.maxDeathsPerSlot = BASE_DEATHS_PER_SLOT + Math.max(spec.maps, spec.inputs.length) + spec.reducers;
    // Workers start with the master, not after it: node and gomr load in both at once, and a
    // worker reads the master's address on stdin when the master listens (GOMR_MASTER=-).
    this.firstPort = this.startMaster('127.0.0.1:0');
    this.firstPort.catch(() => {});
    // Asked for in a microtask: after the workers below are spawned.
    const bundled = Promise.resolve()
      .then(() => this.opts.bundleReady?.())
      .then(() => {
        this.bundleWritten = true;
      });
    this.workersGo = Promise.all([this.firstPort, bundled]).then(([port]) => `127.0.0.1:${port}`);
    this.workersGo.catch(() => {});
    for (let slot = 0; slot < this.opts.workers; slot++) this.startWorker(slot);
    // Leftovers of killed runs, swept while the processes start (not awaited: off the start-up path).
    void sweepStaleSpillRoots();
    const port = await this.firstPort;
    this.masterAddress = `127.0.0.1:${port}`;
  }

  /**
   * Starts the master and resolves with its port. A master that dies is started again on the
   * same port (workers reconnect on their own) and resumes from its checkpoint in storage.
   */
  private startMaster(address: string): Promise<number> {
    const masterMain = this.entries.master;
    return new Promise<number>((resolve, reject) => {
      const child = this.group.spawn(
        'master',
        [masterMain],
        { ...process.env, ...this.opts.masterEnv, GOMR_JOB_SPEC: this.opts.specPath, GOMR_MASTER_ADDRESS: address,
          ...(this.opts.taskCounts ? { GOMR_JOB_SPEC_WAIT: '1' } : {}),
          // A restarted master serves its page on the same port, so the printed URL stays valid.
          GOMR_STATUS_ADDRESS: this.statusUrl ? new URL(this.statusUrl).host : '127.0.0.1:0' },
        join(this.opts.jobDir, 'master.log'),
        (line) => {
          const page = /^GOMR_STATUS_LISTENING (\d+)$/.exec(line);
          if (page) this.statusUrl = `http://127.0.0.1:${page[1]}/`;
          const m = /^GOMR_MASTER_LISTENING (\d+)$/.exec(line);
          if (m) resolve(Number(m[1]));
        },
      );
      this.master = child;
      void child.exited.then(async (code) => {
        const why = `master exited unexpectedly (code ${code}): ${await this.tail(child.logPath)}`;
        reject(new RuntimeError(why));
        if (this.stopping || this.fatal) return;
        if (++this.masterRestarts > MAX_MASTER_RESTARTS) return this.fail(new RuntimeError(why));
        this.opts.log?.(`master exited (code ${code}); restarting it on ${this.masterAddress}`);
        this.startMaster(this.masterAddress).catch((err: GomrError) => this.fail(err));
      });
    });
  }

  private startWorker(slot: number): void {
    const workerMain = this.entries.worker;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...storageConfigToEnv(this.opts.storage),
      GOMR_STORAGE_JSON: JSON.stringify(this.opts.storage),
      GOMR_INPUT_STORAGE_JSON: JSON.stringify(this.opts.inputStorage),
      GOMR_MASTER: this.masterAddress && this.bundleWritten ? this.masterAddress : '-',
      GOMR_TOKEN: this.opts.token,
      GOMR_WORKER_BUNDLE: this.opts.bundlePath,
      // Its log in storage (jobs/<id>/logs/worker-<slot>/), as its file here is worker-<slot>.log.
      GOMR_LOG_NAME: `worker-${slot}`,
      ...this.opts.workerEnv,
    };
    const state = (this.slots[slot] ??= { started: 0, deaths: 0, failedStarts: 0 });
    const spillDir = join(this.spillRoot, `worker-${slot}-${state.started++}`);
    env.GOMR_SPILL_DIR = spillDir;
    let registered = false;
    let workerFileError: { message: string; stack?: string } | undefined;
    const child = this.group.spawn(`worker-${slot}`, [workerMain], env, join(this.opts.jobDir, `worker-${slot}.log`), (line) => {
      if (line.startsWith('GOMR_WORKER_REGISTERED ')) registered = true;
      if (line.startsWith(WORKER_FILE_ERROR_LINE)) workerFileError = parseWorkerFileError(line);
    }, env.GOMR_MASTER === '-' ? this.workersGo!.then((address) => `${address}\n`) : undefined);
    void child.exited.then(async (code) => {
      await rm(spillDir, { recursive: true, force: true }).catch(() => {});
      if (this.stopping || code === 0) return;
      // The user's file does not load where tasks run (it passed the CLI's check): every worker
      // would fail alike, so the job ends now instead of after 20 restarts.
      if (workerFileError) {
        this.fail(new WorkerFileError(`bad worker file: ${workerFileError.message} (in the worker process, though it loaded in the CLI's check)`, workerFileError.stack));
        return;
      }
      state.deaths++;
      state.failedStarts = registered ? 0 : state.failedStarts + 1;
      this.opts.log?.(`worker ${slot} ${howEnded(child, code)}${registered ? '' : ' before registering'}; restarting`);
      if (state.failedStarts > MAX_FAILED_STARTS || state.deaths > this.maxDeathsPerSlot) {
        const why = state.failedStarts > MAX_FAILED_STARTS ? `failed to start ${state.failedStarts} times in a row` : `died ${state.deaths} times`;
        this.fail(new RuntimeError(`worker ${slot} ${why}; last log: ${await this.tail(child.logPath)}`));
        return;
      }
      setTimeout(() => !this.stopping && this.startWorker(slot), Math.min(100 * 2 ** state.failedStarts, 2000));
    });
  }

  private fail(err: GomrError): void {
    if (this.fatal) return;
    this.fatal = err;
    this.onFatal?.(err);
  }

  async tail(logPath: string, lines = 3): Promise<string> {
    const text = await readFile(logPath, 'utf8').catch(() => '');
    return text.trim().split('\n').slice(-lines).join(' | ') || `(no output; see ${logPath})`;
  }

  /**
   * Stops every process. `registered`, when the job is over: the pids of the workers the
   * master knows; any other worker is still starting, has no task and nothing to report, and
   * is killed at once instead of being waited for.
   */
  async stop(registered?: ReadonlySet<number>): Promise<void> {
    this.stopping = true;
    const isWorker = (child: ManagedChild) => child !== this.master;
    if (registered) this.group.killNow((child) => isWorker(child) && !registered.has(child.proc.pid ?? -1));
    // Workers first, while the master still answers: a worker still starting when a short job
    // ends registers, is told the job is over and exits at once, instead of retrying a master
    // that is gone until the grace period runs out and it is killed (a 3 s stall at the end).
    await this.group.stopSome(isWorker);
    await this.group.stop();
    await rm(this.spillRoot, { recursive: true, force: true }).catch(() => {});
  }
}

function parseWorkerFileError(line: string): { message: string; stack?: string } {
  try {
    return JSON.parse(line.slice(WORKER_FILE_ERROR_LINE.length)) as { message: string; stack?: string };
  } catch {
    return { message: line.slice(WORKER_FILE_ERROR_LINE.length) };
  }
}
