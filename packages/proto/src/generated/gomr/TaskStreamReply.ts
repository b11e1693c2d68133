// Original file: proto/gomr.proto

import type { GetTaskReply as _gomr_GetTaskReply, GetTaskReply__Output as _gomr_GetTaskReply__Output } from '../gomr/GetTaskReply.js';
import type { ReportTaskReply as _gomr_ReportTaskReply, ReportTaskReply__Output as _gomr_ReportTaskReply__Output } from '../gomr/ReportTaskReply.js';

export interface TaskStreamReply {
  'get'?: (_gomr_GetTaskReply | null);
  'report'?: (_gomr_ReportTaskReply | null);
  'reply'?: "get"|"report";
}

export interface TaskStreamReply__Output {
  'get'?: (_gomr_GetTaskReply__Output | null);
  'report'?: (_gomr_ReportTaskReply__Output | null);
  'reply'?: "get"|"report";
}
