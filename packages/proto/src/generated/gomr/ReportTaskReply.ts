// Original file: proto/gomr.proto


export interface ReportTaskReply {
  'committed'?: (boolean);
}

export interface ReportTaskReply__Output {
  'committed': (boolean);
}
