// Original file: proto/gomr.proto


export interface GetTaskRequest {
  'workerId'?: (string);
}

export interface GetTaskRequest__Output {
  'workerId': (string);
}
