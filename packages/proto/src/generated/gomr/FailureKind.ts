// Original file: proto/gomr.proto

/**
 * Why a job FAILED (JobStatus.error_kind): the user's code, storage (unreachable past its retry
 * budget), gomr's runtime, or an input that changed or vanished after planning; the CLI maps each
 * to an exit code. Lower-case, as WorkerStatus.State: the loader sends names, and these are the
 * words clients have always been sent. The words are storage's FailureKind (job-layout.ts).
 */
export const FailureKind = {
  /**
   * the job has not failed
   */
  FAILURE_KIND_UNSPECIFIED: 'FAILURE_KIND_UNSPECIFIED',
  user: 'user',
  storage: 'storage',
  runtime: 'runtime',
  input: 'input',
} as const;

/**
 * Why a job FAILED (JobStatus.error_kind): the user's code, storage (unreachable past its retry
 * budget), gomr's runtime, or an input that changed or vanished after planning; the CLI maps each
 * to an exit code. Lower-case, as WorkerStatus.State: the loader sends names, and these are the
 * words clients have always been sent. The words are storage's FailureKind (job-layout.ts).
 */
export type FailureKind =
  /**
   * the job has not failed
   */
  | 'FAILURE_KIND_UNSPECIFIED'
  | 0
  | 'user'
  | 1
  | 'storage'
  | 2
  | 'runtime'
  | 3
  | 'input'
  | 4

/**
 * Why a job FAILED (JobStatus.error_kind): the user's code, storage (unreachable past its retry
 * budget), gomr's runtime, or an input that changed or vanished after planning; the CLI maps each
 * to an exit code. Lower-case, as WorkerStatus.State: the loader sends names, and these are the
 * words clients have always been sent. The words are storage's FailureKind (job-layout.ts).
 */
export type FailureKind__Output = typeof FailureKind[keyof typeof FailureKind]
