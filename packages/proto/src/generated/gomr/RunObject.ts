// Original file: proto/gomr.proto

import type { Long } from '@grpc/proto-loader';

export interface RunObject {
  /**
   * -1: the attempt's dead-letter file (skipped records), not a run
   */
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
  /**
   * -1: the attempt's dead-letter file (skipped records), not a run
   */
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
