// Original file: proto/gomr.proto

import type { TaskKind as _gomr_TaskKind, TaskKind__Output as _gomr_TaskKind__Output } from '../gomr/TaskKind.js';
import type { MapSplit as _gomr_MapSplit, MapSplit__Output as _gomr_MapSplit__Output } from '../gomr/MapSplit.js';
import type { Long } from '@grpc/proto-loader';

export interface Task {
  /**
   * "m-00003" or "r-00001"
   */
  'taskId'?: (string);
  'kind'?: (_gomr_TaskKind);
  'index'?: (number);
  /**
   * 1-based, unique per task
   */
  'attempt'?: (number);
  /**
   * MAP only
   */
  'split'?: (_gomr_MapSplit | null);
  /**
   * REDUCE only: the committed sorted runs of its partition
   */
  'runKeys'?: (string)[];
  /**
   * where this attempt writes (attempt-private)
   */
  'outputPrefix'?: (string);
  /**
   * MAP, --skip-bad-records: chunk offsets to skip
   */
  'skipOffsets'?: (number | string | Long)[];
  /**
   * REDUCE, --skip-bad-records: keys to skip
   */
  'skipKeys'?: (string)[];
}

export interface Task__Output {
  /**
   * "m-00003" or "r-00001"
   */
  'taskId': (string);
  'kind': (_gomr_TaskKind__Output);
  'index': (number);
  /**
   * 1-based, unique per task
   */
  'attempt': (number);
  /**
   * MAP only
   */
  'split': (_gomr_MapSplit__Output | null);
  /**
   * REDUCE only: the committed sorted runs of its partition
   */
  'runKeys': (string)[];
  /**
   * where this attempt writes (attempt-private)
   */
  'outputPrefix': (string);
  /**
   * MAP, --skip-bad-records: chunk offsets to skip
   */
  'skipOffsets': (number)[];
  /**
   * REDUCE, --skip-bad-records: keys to skip
   */
  'skipKeys': (string)[];
}
