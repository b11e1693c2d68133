// Original file: proto/gomr.proto

import type { RunObject as _gomr_RunObject, RunObject__Output as _gomr_RunObject__Output } from '../gomr/RunObject.js';
import type { TaskError as _gomr_TaskError, TaskError__Output as _gomr_TaskError__Output } from '../gomr/TaskError.js';
import type { Long } from '@grpc/proto-loader';

export interface ReportTaskRequest {
  'workerId'?: (string);
  'taskId'?: (string);
  'attempt'?: (number);
  'ok'?: (boolean);
  'outputs'?: (_gomr_RunObject)[];
  /**
   * built-in counters
   */
  'counters'?: ({[key: string]: number | string | Long});
  /**
   * ctx.count(...)
   */
  'userCounters'?: ({[key: string]: number | string | Long});
  'error'?: (_gomr_TaskError | null);
  /**
   * Also hand out the worker's next task (the reply's next), saving a get per task. A running
   * worker sets it; a draining one does not (it takes no more work), nor do a batch's earlier
   * reports (the master clears it there).
   */
  'next'?: (boolean);
  /**
   * with next: as GetTaskRequest.wait_ms
   */
  'waitMs'?: (number);
  /**
   * with next: as GetTaskRequest.max_tasks
   */
  'maxTasks'?: (number);
  /**
   * How long the attempt itself ran, in ms (0: not said). The tasks of a batch are reported
   * together at its end: with this the master places each one where it really ran (status
   * page timeline, mean task time and ETA, straggler detection).
   */
  'runMs'?: (number);
}

export interface ReportTaskRequest__Output {
  'workerId': (string);
  'taskId': (string);
  'attempt': (number);
  'ok': (boolean);
  'outputs': (_gomr_RunObject__Output)[];
  /**
   * built-in counters
   */
  'counters': ({[key: string]: number});
  /**
   * ctx.count(...)
   */
  'userCounters': ({[key: string]: number});
  'error': (_gomr_TaskError__Output | null);
  /**
   * Also hand out the worker's next task (the reply's next), saving a get per task. A running
   * worker sets it; a draining one does not (it takes no more work), nor do a batch's earlier
   * reports (the master clears it there).
   */
  'next': (boolean);
  /**
   * with next: as GetTaskRequest.wait_ms
   */
  'waitMs': (number);
  /**
   * with next: as GetTaskRequest.max_tasks
   */
  'maxTasks': (number);
  /**
   * How long the attempt itself ran, in ms (0: not said). The tasks of a batch are reported
   * together at its end: with this the master places each one where it really ran (status
   * page timeline, mean task time and ETA, straggler detection).
   */
  'runMs': (number);
}
