// Original file: proto/gomr.proto

import type { GetTaskRequest as _gomr_GetTaskRequest, GetTaskRequest__Output as _gomr_GetTaskRequest__Output } from '../gomr/GetTaskRequest.js';
import type { ReportTaskRequest as _gomr_ReportTaskRequest, ReportTaskRequest__Output as _gomr_ReportTaskRequest__Output } from '../gomr/ReportTaskRequest.js';

export interface TaskStreamRequest {
  'get'?: (_gomr_GetTaskRequest | null);
  'report'?: (_gomr_ReportTaskRequest | null);
  /**
   * With report: the reports of the other tasks of a batch, processed first, in order.
   */
  'earlier'?: (_gomr_ReportTaskRequest)[];
  'request'?: "get"|"report";
}

export interface TaskStreamRequest__Output {
  'get'?: (_gomr_GetTaskRequest__Output | null);
  'report'?: (_gomr_ReportTaskRequest__Output | null);
  /**
   * With report: the reports of the other tasks of a batch, processed first, in order.
   */
  'earlier': (_gomr_ReportTaskRequest__Output)[];
  'request'?: "get"|"report";
}
