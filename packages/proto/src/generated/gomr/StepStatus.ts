// Original file: proto/gomr.proto

import type { PhaseStatus as _gomr_PhaseStatus, PhaseStatus__Output as _gomr_PhaseStatus__Output } from '../gomr/PhaseStatus.js';
import type { Long } from '@grpc/proto-loader';

export interface StepStatus {
  'step'?: (number);
  /**
   * PENDING | MAPPING | REDUCING | DONE | FAILED
   */
  'state'?: (string);
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
  /**
   * PENDING | MAPPING | REDUCING | DONE | FAILED
   */
  'state': (string);
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
