// Original file: proto/gomr.proto

import type { Long } from '@grpc/proto-loader';

export interface RunObject {
  'partition'?: (number);
  /**
   * the run's object in storage; empty when it is inline
   */
  'key'?: (string);
  'bytes'?: (number | string | Long);
  'records'?: (number | string | Long);
  /**
   * an inline run: its bytes themselves (see Task.inline_run_bytes)
   */
  'data'?: (Buffer | Uint8Array | string);
}

export interface RunObject__Output {
  'partition': (number);
  /**
   * the run's object in storage; empty when it is inline
   */
  'key': (string);
  'bytes': (number);
  'records': (number);
  /**
   * an inline run: its bytes themselves (see Task.inline_run_bytes)
   */
  'data': (Buffer);
}
