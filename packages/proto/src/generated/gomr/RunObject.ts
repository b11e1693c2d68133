// Original file: proto/gomr.proto

import type { Long } from '@grpc/proto-loader';

export interface RunObject {
  'partition'?: (number);
  'key'?: (string);
  'bytes'?: (number | string | Long);
  'records'?: (number | string | Long);
}

export interface RunObject__Output {
  'partition': (number);
  'key': (string);
  'bytes': (number);
  'records': (number);
}
