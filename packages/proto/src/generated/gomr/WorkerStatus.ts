// Original file: proto/gomr.proto

import type { Long } from '@grpc/proto-loader';

// Original file: proto/gomr.proto

/**
 * What a worker is doing: idle (no task), busy (running one) or lost (missed its
 * heartbeats). Lower-case, unlike the other enums: the loader sends names, and these are the
 * words clients have always been sent.
 */
export const _gomr_WorkerStatus_State = {
  /**
   * never sent by a master
   */
  STATE_UNSPECIFIED: 'STATE_UNSPECIFIED',
  idle: 'idle',
  busy: 'busy',
  lost: 'lost',
} as const;

/**
 * What a worker is doing: idle (no task), busy (running one) or lost (missed its
 * heartbeats). Lower-case, unlike the other enums: the loader sends names, and these are the
 * words clients have always been sent.
 */
export type _gomr_WorkerStatus_State =
  /**
   * never sent by a master
   */
  | 'STATE_UNSPECIFIED'
  | 0
  | 'idle'
  | 1
  | 'busy'
  | 2
  | 'lost'
  | 3

/**
 * What a worker is doing: idle (no task), busy (running one) or lost (missed its
 * heartbeats). Lower-case, unlike the other enums: the loader sends names, and these are the
 * words clients have always been sent.
 */
export type _gomr_WorkerStatus_State__Output = typeof _gomr_WorkerStatus_State[keyof typeof _gomr_WorkerStatus_State]

export interface WorkerStatus {
  'workerId'?: (string);
  'host'?: (string);
  'pid'?: (number);
  'state'?: (_gomr_WorkerStatus_State);
  'currentTask'?: (string);
  'lastHeartbeatMs'?: (number | string | Long);
}

export interface WorkerStatus__Output {
  'workerId': (string);
  'host': (string);
  'pid': (number);
  'state': (_gomr_WorkerStatus_State__Output);
  'currentTask': (string);
  'lastHeartbeatMs': (number);
}
