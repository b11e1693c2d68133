// Original file: proto/gomr.proto

import type { Long } from '@grpc/proto-loader';

export interface WorkerStatus {
  'workerId'?: (string);
  'host'?: (string);
  'pid'?: (number);
  'state'?: (string);
  'currentTask'?: (string);
  'lastHeartbeatMs'?: (number | string | Long);
}

export interface WorkerStatus__Output {
  'workerId': (string);
  'host': (string);
  'pid': (number);
  'state': (string);
  'currentTask': (string);
  'lastHeartbeatMs': (number);
}
