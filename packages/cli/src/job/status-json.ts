import type { JobStatus__Output } from '@gomr/proto';

/**
 * A job's status as `--json` prints it (gomr run, start, attach): GetStatus's reply, with
 * errorKind '' while the job has not failed, the word scripts have always been given, rather
 * than the proto enum's FAILURE_KIND_UNSPECIFIED.
 */
export function statusJson(status: JobStatus__Output): Omit<JobStatus__Output, 'errorKind'> & { errorKind: string } {
  return { ...status, errorKind: status.errorKind === 'FAILURE_KIND_UNSPECIFIED' ? '' : status.errorKind };
}

export type StatusJson = ReturnType<typeof statusJson>;
