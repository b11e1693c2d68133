// Original file: proto/gomr.proto

import type { GetTaskRequest as _gomr_GetTaskRequest, GetTaskRequest__Output as _gomr_GetTaskRequest__Output } from '../gomr/GetTaskRequest.js';
import type { ReportTaskRequest as _gomr_ReportTaskRequest, ReportTaskRequest__Output as _gomr_ReportTaskRequest__Output } from '../gomr/ReportTaskRequest.js';

export interface TaskStreamRequest {
  'get'?: (_gomr_GetTaskRequest | null);
  'report'?: (_gomr_ReportTaskRequest | null);
  'request'?: "get"|"report";
}

export interface TaskStreamRequest__Output {
  'get'?: (_gomr_GetTaskRequest__Output | null);
  'report'?: (_gomr_ReportTaskRequest__Output | null);
  'request'?: "get"|"report";
}
