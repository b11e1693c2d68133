// Original file: proto/gomr.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A map task reads [start, end) of one input, plus the rest of its last line.
 */
export interface MapSplit {
  /**
   * key in the input store
   */
  'inputKey'?: (string);
  /**
   * base name shown to the mapper as ctx.input
   */
  'inputName'?: (string);
  'start'?: (number | string | Long);
  'end'?: (number | string | Long);
  'fileSize'?: (number | string | Long);
  /**
   * the input's modification time when planned, ms (0: not checked)
   */
  'fileMtimeMs'?: (number | string | Long);
}

/**
 * A map task reads [start, end) of one input, plus the rest of its last line.
 */
export interface MapSplit__Output {
  /**
   * key in the input store
   */
  'inputKey': (string);
  /**
   * base name shown to the mapper as ctx.input
   */
  'inputName': (string);
  'start': (number);
  'end': (number);
  'fileSize': (number);
  /**
   * the input's modification time when planned, ms (0: not checked)
   */
  'fileMtimeMs': (number);
}
