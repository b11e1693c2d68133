// Original file: proto/gomr.proto

import type { SideFile as _gomr_SideFile, SideFile__Output as _gomr_SideFile__Output } from '../gomr/SideFile.js';

export interface RegisterReply {
  'workerId'?: (string);
  'jobId'?: (string);
  'reducers'?: (number);
  'heartbeatIntervalMs'?: (number);
  'params'?: ({[key: string]: string});
  /**
   * Read-only files shipped with the job (--file): read from the input storage.
   */
  'files'?: (_gomr_SideFile)[];
  /**
   * --sort total: map tasks partition by key range, cut at cut_points (R-1 or fewer, ascending).
   */
  'totalOrder'?: (boolean);
  'cutPoints'?: (string)[];
  /**
   * how output records are written: "tsv" (also when empty) | "jsonl"
   */
  'outputFormat'?: (string);
  /**
   * "" (none) | "gzip": part files are gzip streams named part-NNNNN.gz
   */
  'outputCompression'?: (string);
  /**
   * A job of steps (run({ steps })): how many; 0 or 1: one step, as run({ mapper, reducer }).
   */
  'steps'?: (number);
  /**
   * --skip-bad-records: the most skipped records a task writes to its dead-letter file (0: none).
   */
  'maxSkippedRecords'?: (number);
}

export interface RegisterReply__Output {
  'workerId': (string);
  'jobId': (string);
  'reducers': (number);
  'heartbeatIntervalMs': (number);
  'params': ({[key: string]: string});
  /**
   * Read-only files shipped with the job (--file): read from the input storage.
   */
  'files': (_gomr_SideFile__Output)[];
  /**
   * --sort total: map tasks partition by key range, cut at cut_points (R-1 or fewer, ascending).
   */
  'totalOrder': (boolean);
  'cutPoints': (string)[];
  /**
   * how output records are written: "tsv" (also when empty) | "jsonl"
   */
  'outputFormat': (string);
  /**
   * "" (none) | "gzip": part files are gzip streams named part-NNNNN.gz
   */
  'outputCompression': (string);
  /**
   * A job of steps (run({ steps })): how many; 0 or 1: one step, as run({ mapper, reducer }).
   */
  'steps': (number);
  /**
   * --skip-bad-records: the most skipped records a task writes to its dead-letter file (0: none).
   */
  'maxSkippedRecords': (number);
}
