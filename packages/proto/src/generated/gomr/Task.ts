// Original file: proto/gomr.proto

import type { TaskKind as _gomr_TaskKind, TaskKind__Output as _gomr_TaskKind__Output } from '../gomr/TaskKind.js';
import type { MapSplit as _gomr_MapSplit, MapSplit__Output as _gomr_MapSplit__Output } from '../gomr/MapSplit.js';
import type { RunObject as _gomr_RunObject, RunObject__Output as _gomr_RunObject__Output } from '../gomr/RunObject.js';
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
  /**
   * MAP: runs adding up to at most this many bytes may come back inline (RunObject.data) in
   * the report instead of being written as objects; 0: objects only.
   */
  'inlineRunBytes'?: (number);
  /**
   * REDUCE, when some of its runs are inline: all the committed runs of its partition, in map
   * order, each an object (key) or inline (data); run_keys is then empty.
   */
  'runs'?: (_gomr_RunObject)[];
  /**
   * A job of steps (RegisterReply.steps > 1): the step this task belongs to (0-based; its id
   * then starts "s<step>-" past step 0) and that step's reduce count. A map task past step 0
   * reads the previous step's output runs (run_keys, in the run format) instead of a split;
   * a reduce task of a step before the last writes a run, not a part file.
   */
  'step'?: (number);
  'reducers'?: (number);
  /**
   * --skip-bad-records: why each skipped unit failed, in the order of skip_offsets (MAP) or
   * skip_keys (REDUCE), for the dead-letter file.
   */
  'skipErrors'?: (string)[];
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
  /**
   * MAP: runs adding up to at most this many bytes may come back inline (RunObject.data) in
   * the report instead of being written as objects; 0: objects only.
   */
  'inlineRunBytes': (number);
  /**
   * REDUCE, when some of its runs are inline: all the committed runs of its partition, in map
   * order, each an object (key) or inline (data); run_keys is then empty.
   */
  'runs': (_gomr_RunObject__Output)[];
  /**
   * A job of steps (RegisterReply.steps > 1): the step this task belongs to (0-based; its id
   * then starts "s<step>-" past step 0) and that step's reduce count. A map task past step 0
   * reads the previous step's output runs (run_keys, in the run format) instead of a split;
   * a reduce task of a step before the last writes a run, not a part file.
   */
  'step': (number);
  'reducers': (number);
  /**
   * --skip-bad-records: why each skipped unit failed, in the order of skip_offsets (MAP) or
   * skip_keys (REDUCE), for the dead-letter file.
   */
  'skipErrors': (string)[];
}
