// Original file: proto/gomr.proto

import type { PhaseStatus as _gomr_PhaseStatus, PhaseStatus__Output as _gomr_PhaseStatus__Output } from '../gomr/PhaseStatus.js';
import type { Long } from '@grpc/proto-loader';

// Original file: proto/gomr.proto

/**
 * Where a step of a job of steps is: PENDING until the step before it ends (then it is
 * planned), MAPPING, REDUCING, then DONE; FAILED when the job failed in it. Nested, so these
 * names (some shared with JobState) are scoped to StepStatus.
 */
export const _gomr_StepStatus_State = {
  /**
   * never sent by a master
   */
  STATE_UNSPECIFIED: 'STATE_UNSPECIFIED',
  PENDING: 'PENDING',
  MAPPING: 'MAPPING',
  REDUCING: 'REDUCING',
  DONE: 'DONE',
  FAILED: 'FAILED',
} as const;

/**
 * Where a step of a job of steps is: PENDING until the step before it ends (then it is
 * planned), MAPPING, REDUCING, then DONE; FAILED when the job failed in it. Nested, so these
 * names (some shared with JobState) are scoped to StepStatus.
 */
export type _gomr_StepStatus_State =
  /**
   * never sent by a master
   */
  | 'STATE_UNSPECIFIED'
  | 0
  | 'PENDING'
  | 1
  | 'MAPPING'
  | 2
  | 'REDUCING'
  | 3
  | 'DONE'
  | 4
  | 'FAILED'
  | 5

/**
 * Where a step of a job of steps is: PENDING until the step before it ends (then it is
 * planned), MAPPING, REDUCING, then DONE; FAILED when the job failed in it. Nested, so these
 * names (some shared with JobState) are scoped to StepStatus.
 */
export type _gomr_StepStatus_State__Output = typeof _gomr_StepStatus_State[keyof typeof _gomr_StepStatus_State]

export interface StepStatus {
  'step'?: (number);
  'state'?: (_gomr_StepStatus_State);
  /**
   * total 0 while PENDING (planned when the step before ends)
   */
  'maps'?: (_gomr_PhaseStatus | null);
  'reduces'?: (_gomr_PhaseStatus | null);
  'counters'?: ({[key: string]: number | string | Long});
  'userCounters'?: ({[key: string]: number | string | Long});
  /**
   * 0 until its first task started
   */
  'startedMs'?: (number | string | Long);
  /**
   * 0 until its last task committed
   */
  'finishedMs'?: (number | string | Long);
}

export interface StepStatus__Output {
  'step': (number);
  'state': (_gomr_StepStatus_State__Output);
  /**
   * total 0 while PENDING (planned when the step before ends)
   */
  'maps': (_gomr_PhaseStatus__Output | null);
  'reduces': (_gomr_PhaseStatus__Output | null);
  'counters': ({[key: string]: number});
  'userCounters': ({[key: string]: number});
  /**
   * 0 until its first task started
   */
  'startedMs': (number);
  /**
   * 0 until its last task committed
   */
  'finishedMs': (number);
}
