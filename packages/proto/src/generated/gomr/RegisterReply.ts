// Original file: proto/gomr.proto


export interface RegisterReply {
  'workerId'?: (string);
  'jobId'?: (string);
  'reducers'?: (number);
  'heartbeatIntervalMs'?: (number);
  'params'?: ({[key: string]: string});
  /**
   * how output records are written: "tsv" (also when empty) | "jsonl"
   */
  'outputFormat'?: (string);
  /**
   * "" (none) | "gzip": part files are gzip streams named part-NNNNN.gz
   */
  'outputCompression'?: (string);
}

export interface RegisterReply__Output {
  'workerId': (string);
  'jobId': (string);
  'reducers': (number);
  'heartbeatIntervalMs': (number);
  'params': ({[key: string]: string});
  /**
   * how output records are written: "tsv" (also when empty) | "jsonl"
   */
  'outputFormat': (string);
  /**
   * "" (none) | "gzip": part files are gzip streams named part-NNNNN.gz
   */
  'outputCompression': (string);
}
