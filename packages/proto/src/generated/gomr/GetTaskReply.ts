// Original file: proto/gomr.proto

import type { Task as _gomr_Task, Task__Output as _gomr_Task__Output } from '../gomr/Task.js';

// Original file: proto/gomr.proto

export const _gomr_GetTaskReply_Action = {
  WAIT: 'WAIT',
  RUN: 'RUN',
  EXIT: 'EXIT',
} as const;

export type _gomr_GetTaskReply_Action =
  | 'WAIT'
  | 0
  | 'RUN'
  | 1
  | 'EXIT'
  | 2

export type _gomr_GetTaskReply_Action__Output = typeof _gomr_GetTaskReply_Action[keyof typeof _gomr_GetTaskReply_Action]

export interface GetTaskReply {
  'action'?: (_gomr_GetTaskReply_Action);
  'task'?: (_gomr_Task | null);
  'waitMs'?: (number);
  /**
   * RUN with max_tasks > 1: more tasks to run after `task`, in order
   */
  'more'?: (_gomr_Task)[];
}

export interface GetTaskReply__Output {
  'action': (_gomr_GetTaskReply_Action__Output);
  'task': (_gomr_Task__Output | null);
  'waitMs': (number);
  /**
   * RUN with max_tasks > 1: more tasks to run after `task`, in order
   */
  'more': (_gomr_Task__Output)[];
}
