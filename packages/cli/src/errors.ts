/** Exit codes of every gomr command, shown in `gomr --help`. */
export const EXIT = {
  OK: 0,
  /** The job ran and failed (user code threw, tasks lost too often). */
  JOB_FAILED: 1,
  /** A bad flag or argument. */
  USAGE: 2,
  /** Inputs missing, unreadable or invalid. */
  INPUT: 3,
  /** The worker file does not compile, never calls run(), or throws while loading. */
  WORKER_FILE: 4,
  /** Storage unreachable or failing. */
  STORAGE: 5,
  /** The master or workers could not be started or died. */
  RUNTIME: 6,
  /** Docker or Kubernetes missing or failing: no kubeconfig, cluster unreachable, no Docker
   * daemon, kind/minikube not installed, an image that does not build or load, MinIO not ready. */
  CLUSTER: 7,
  INTERRUPTED: 130,
} as const;

/**
 * The exit code of a job that ran and failed, from the master's failure kind (JobStatus.errorKind),
 * the same on every runtime: storage failing is 5, the runtime 6, the input 3, else the job's own 1.
 */
export function exitCodeForFailedJob(errorKind: string): number {
  return errorKind === 'storage' ? EXIT.STORAGE : errorKind === 'runtime' ? EXIT.RUNTIME : errorKind === 'input' ? EXIT.INPUT : EXIT.JOB_FAILED;
}

export const EXIT_CODE_HELP = `EXIT CODES
  0    success
  1    the job failed (user code threw, timed out or ran out of memory, on every attempt)
  2    bad flag or argument
  3    bad input (missing, unreadable, binary, duplicate base names, changed during the job)
  4    bad worker file (does not compile, never calls run(), throws on load)
  5    storage failure
  6    runtime failure (master or workers could not start or died)
  7    Docker or Kubernetes unavailable or failing (cluster, daemon, image build or load, MinIO)
  130  interrupted`;

/** An error a person can act on: one line, and the exit code that goes with it. */
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
