import { StorageUnavailableError } from '@gomr/storage';

/**
 * The exit codes of every gomr command: the code, its name in EXIT, and the one line `gomr
 * --help` shows for it. EXIT and EXIT_CODE_HELP are both made from this table.
 */
export const EXIT_CODES = [
  { code: 0, name: 'OK', meaning: 'success' },
  /** The job ran and failed (user code threw, tasks lost too often). */
  { code: 1, name: 'JOB_FAILED', meaning: 'the job failed (user code threw, timed out or ran out of memory, on every attempt)' },
  /** A bad flag or argument. */
  { code: 2, name: 'USAGE', meaning: 'bad flag or argument' },
  /** Inputs missing, unreadable or invalid. */
  { code: 3, name: 'INPUT', meaning: 'bad input (missing, unreadable, binary, duplicate base names, changed during the job)' },
  /** The worker file does not compile, never calls run(), or throws while loading. */
  { code: 4, name: 'WORKER_FILE', meaning: 'bad worker file (does not compile, never calls run(), throws on load)' },
  /** Storage unreachable or failing. */
  { code: 5, name: 'STORAGE', meaning: 'storage failure' },
  /** The master or workers could not be started or died. */
  { code: 6, name: 'RUNTIME', meaning: 'runtime failure (master or workers could not start or died)' },
  /** Docker or Kubernetes missing or failing: no kubeconfig, cluster unreachable, no Docker
   * daemon, kind/minikube not installed, an image that does not build or load, MinIO not ready. */
  { code: 7, name: 'CLUSTER', meaning: 'Docker or Kubernetes unavailable or failing (cluster, daemon, image build or load, MinIO)' },
  { code: 130, name: 'INTERRUPTED', meaning: 'interrupted' },
] as const;

type ExitCodeRow = (typeof EXIT_CODES)[number];

/** Exit codes by name (EXIT.USAGE is 2), from EXIT_CODES. */
export const EXIT = Object.freeze(Object.fromEntries(EXIT_CODES.map((r) => [r.name, r.code]))) as {
  readonly [R in ExitCodeRow as R['name']]: R['code'];
};

/** The EXIT CODES section of the commands' help, from EXIT_CODES. */
export const EXIT_CODE_HELP = ['EXIT CODES', ...EXIT_CODES.map((r) => `  ${String(r.code).padEnd(5)}${r.meaning}`)].join('\n');

/**
 * The exit code of a job that ran and failed, from the master's failure kind (JobStatus.errorKind),
 * the same on every runtime: storage failing is 5, the runtime 6, the input 3, else (the user's,
 * or a kind not said) the job's own 1.
 */
export function exitCodeForFailedJob(errorKind: string): number {
  return errorKind === 'storage' ? EXIT.STORAGE : errorKind === 'runtime' ? EXIT.RUNTIME : errorKind === 'input' ? EXIT.INPUT : EXIT.JOB_FAILED;
}

/**
 * An error a person can act on: one line, and the exit code that goes with it. Thrown as one of
 * the subclasses below, one per exit code.
 */
export class GomrError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** Extra lines (a stack, a log tail) shown after the one-line message. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'GomrError';
  }
}

/** The job ran and failed; its exit code follows the master's failure kind (exitCodeForFailedJob). */
export class JobFailedError extends GomrError {
  constructor(
    message: string,
    /** The master's failure kind (JobStatus.errorKind): 'user' (or not said), 'storage', 'runtime' or 'input'. */
    readonly kind: string = 'user',
    detail?: string,
  ) {
    super(message, exitCodeForFailedJob(kind), detail);
  }
}

/** A bad flag or argument, or a job, task or file named that is not there: exit 2. */
export class UsageError extends GomrError {
  constructor(message: string, detail?: string) {
    super(message, EXIT.USAGE, detail);
  }
}

/** Inputs missing, unreadable or invalid: exit 3. */
export class InputError extends GomrError {
  constructor(message: string, detail?: string) {
    super(message, EXIT.INPUT, detail);
  }
}

/** The worker file does not compile, never calls run(), or throws while loading: exit 4. */
export class WorkerFileError extends GomrError {
  constructor(message: string, detail?: string) {
    super(message, EXIT.WORKER_FILE, detail);
  }
}

/** Storage unreachable or failing: exit 5. */
export class StorageError extends GomrError {
  constructor(message: string, detail?: string) {
    super(message, EXIT.STORAGE, detail);
  }
}

/** The master or workers could not be started or died: exit 6. */
export class RuntimeError extends GomrError {
  constructor(message: string, detail?: string) {
    super(message, EXIT.RUNTIME, detail);
  }
}

/** Docker or Kubernetes missing, unreachable or failing: exit 7. */
export class ClusterError extends GomrError {
  constructor(message: string, detail?: string) {
    super(message, EXIT.CLUSTER, detail);
  }
}

/** Stopped by the user (Ctrl-C, SIGTERM, a detach): exit 130. */
export class InterruptedError extends GomrError {
  constructor(message: string, detail?: string) {
    super(message, EXIT.INTERRUPTED, detail);
  }
}

/** oclif's own parse errors (a bad flag, a missing argument): usage errors. */
export function isOclifUsageError(err: unknown): err is Error {
  if (!(err instanceof Error)) return false;
  const exit = (err as { oclif?: { exit?: number } }).oclif?.exit;
  return exit === EXIT.USAGE || /Unexpected argument|Missing required|Expected an integer|Nonexistent flag|Expected --/.test(err.message);
}

/**
 * The exit code for any error a command ends with: a GomrError's own; storage that stayed down
 * past its retry budget (StorageUnavailableError) 5; oclif's parse errors 2; an oclif exit its
 * code; anything else 1, as oclif exits on an unexpected error.
 */
export function exitCodeFor(err: unknown): number {
  if (err instanceof GomrError) return err.exitCode;
  if (err instanceof StorageUnavailableError) return EXIT.STORAGE;
  if (isOclifUsageError(err)) return EXIT.USAGE;
  const exit = (err as { oclif?: { exit?: unknown } } | undefined)?.oclif?.exit;
  return typeof exit === 'number' ? exit : EXIT.JOB_FAILED;
}
