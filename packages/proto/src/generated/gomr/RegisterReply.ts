// Original file: proto/gomr.proto


export interface RegisterReply {
  'workerId'?: (string);
  'jobId'?: (string);
  'reducers'?: (number);
  'heartbeatIntervalMs'?: (number);
  'params'?: ({[key: string]: string});
}

export interface RegisterReply__Output {
  'workerId': (string);
  'jobId': (string);
  'reducers': (number);
  'heartbeatIntervalMs': (number);
  'params': ({[key: string]: string});
}
