// Original file: proto/gomr.proto

import type { Long } from '@grpc/proto-loader';

export interface TaskError {
  'message'?: (string);
  'stack'?: (string);
  /**
   * input name of the failing chunk (map)
   */
  'input'?: (string);
  /**
   * byte offset of the failing chunk in that input (map)
   */
  'offset'?: (number | string | Long);
  /**
   * key being reduced (reduce)
   */
  'key'?: (string);
  /**
   * thrown by the user's code (not by gomr or storage)
   */
  'userCode'?: (boolean);
  /**
   * storage stayed unreachable for the whole retry budget
   */
  'storageUnreachable'?: (boolean);
  /**
   * the input file changed or vanished since the job was planned
   */
  'inputChanged'?: (boolean);
}

export interface TaskError__Output {
  'message': (string);
  'stack': (string);
  /**
   * input name of the failing chunk (map)
   */
  'input': (string);
  /**
   * byte offset of the failing chunk in that input (map)
   */
  'offset': (number);
  /**
   * key being reduced (reduce)
   */
  'key': (string);
  /**
   * thrown by the user's code (not by gomr or storage)
   */
  'userCode': (boolean);
  /**
   * storage stayed unreachable for the whole retry budget
   */
  'storageUnreachable': (boolean);
  /**
   * the input file changed or vanished since the job was planned
   */
  'inputChanged': (boolean);
}
