// Original file: proto/gomr.proto

import type { Long } from '@grpc/proto-loader';

export interface HeartbeatRequest {
  'workerId'?: (string);
  'taskId'?: (string);
  'attempt'?: (number);
  /**
   * bytes or records processed so far in the attempt
   */
  'progress'?: (number | string | Long);
}

export interface HeartbeatRequest__Output {
  'workerId': (string);
  'taskId': (string);
  'attempt': (number);
  /**
   * bytes or records processed so far in the attempt
   */
  'progress': (number);
}
