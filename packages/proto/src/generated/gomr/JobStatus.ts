// Original file: proto/gomr.proto

import type { JobState as _gomr_JobState, JobState__Output as _gomr_JobState__Output } from '../gomr/JobState.js';
import type { PhaseStatus as _gomr_PhaseStatus, PhaseStatus__Output as _gomr_PhaseStatus__Output } from '../gomr/PhaseStatus.js';
import type { WorkerStatus as _gomr_WorkerStatus, WorkerStatus__Output as _gomr_WorkerStatus__Output } from '../gomr/WorkerStatus.js';
import type { FailureKind as _gomr_FailureKind, FailureKind__Output as _gomr_FailureKind__Output } from '../gomr/FailureKind.js';
import type { StepStatus as _gomr_StepStatus, StepStatus__Output as _gomr_StepStatus__Output } from '../gomr/StepStatus.js';
import type { Long } from '@grpc/proto-loader';

export interface JobStatus {
  'jobId'?: (string);
  'state'?: (_gomr_JobState);
  'maps'?: (_gomr_PhaseStatus | null);
  'reduces'?: (_gomr_PhaseStatus | null);
  'counters'?: ({[key: string]: number | string | Long});
  'userCounters'?: ({[key: string]: number | string | Long});
  'error'?: (string);
  'outputKeys'?: (string)[];
  'workers'?: (_gomr_WorkerStatus)[];
  'startedMs'?: (number | string | Long);
  'finishedMs'?: (number | string | Long);
  /**
   * why it FAILED; FAILURE_KIND_UNSPECIFIED while it has not
   */
  'errorKind'?: (_gomr_FailureKind);
  /**
   * no reduce phase: the output is one part-m-NNNNN per map task
   */
  'mapOnly'?: (boolean);
  /**
   * A job of steps: each step as planned so far (maps and reduces above are the current one's;
   * counters above are the job's). Empty for a job of one step.
   */
  'steps'?: (_gomr_StepStatus)[];
  /**
   * the current step (0-based)
   */
  'step'?: (number);
  /**
   * --skip-bad-records: the committed dead-letter files (output/_skipped/<task>.jsonl).
   */
  'skippedKeys'?: (string)[];
}

export interface JobStatus__Output {
  'jobId': (string);
  'state': (_gomr_JobState__Output);
  'maps': (_gomr_PhaseStatus__Output | null);
  'reduces': (_gomr_PhaseStatus__Output | null);
  'counters': ({[key: string]: number});
  'userCounters': ({[key: string]: number});
  'error': (string);
  'outputKeys': (string)[];
  'workers': (_gomr_WorkerStatus__Output)[];
  'startedMs': (number);
  'finishedMs': (number);
  /**
   * why it FAILED; FAILURE_KIND_UNSPECIFIED while it has not
   */
  'errorKind': (_gomr_FailureKind__Output);
  /**
   * no reduce phase: the output is one part-m-NNNNN per map task
   */
  'mapOnly': (boolean);
  /**
   * A job of steps: each step as planned so far (maps and reduces above are the current one's;
   * counters above are the job's). Empty for a job of one step.
   */
  'steps': (_gomr_StepStatus__Output)[];
  /**
   * the current step (0-based)
   */
  'step': (number);
  /**
   * --skip-bad-records: the committed dead-letter files (output/_skipped/<task>.jsonl).
   */
  'skippedKeys': (string)[];
}
