// Original file: proto/gomr.proto

import type { GetTaskReply as _gomr_GetTaskReply, GetTaskReply__Output as _gomr_GetTaskReply__Output } from '../gomr/GetTaskReply.js';

export interface ReportTaskReply {
  /**
   * This attempt won: its outputs are committed. With next, the master answers before the
   * commit record is written (it counts the task only once the record is durable).
   */
  'committed'?: (boolean);
  /**
   * With next: the next task, WAIT or EXIT, as a get would answer. Absent when the master does not
   * know the worker (it restarted): the worker registers again.
   */
  'next'?: (_gomr_GetTaskReply | null);
}

export interface ReportTaskReply__Output {
  /**
   * This attempt won: its outputs are committed. With next, the master answers before the
   * commit record is written (it counts the task only once the record is durable).
   */
  'committed': (boolean);
  /**
   * With next: the next task, WAIT or EXIT, as a get would answer. Absent when the master does not
   * know the worker (it restarted): the worker registers again.
   */
  'next': (_gomr_GetTaskReply__Output | null);
}
