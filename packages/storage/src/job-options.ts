/**
 * What a job gets for an option it does not set, the same wherever the option is read: the
 * CLI's flags (gomr run, gomr start), the master's job spec, the worker, runJob and replays.
 *
 * Here because @gomr/storage is the lowest package all of them import (@gomr/proto holds only
 * the wire contract), next to the job's storage layout (job-layout.ts); the master cannot
 * import the CLI, which used to hold these.
 */
export const JOB_DEFAULTS = {
  /** Reduce tasks = output part files. 0 is a map-only job. */
  reducers: 1,
  /** Attempts per task before the job fails. */
  maxAttempts: 4,
  /** How often a worker heartbeats to the master, in ms. */
  heartbeatIntervalMs: 1000,
  /** Ms without a heartbeat before a worker counts as dead. */
  heartbeatTimeoutMs: 10_000,
  /** Ms without progress before an attempt counts as hung: it fails and runs elsewhere. */
  taskTimeoutMs: 600_000,
  /** Backup copies of stragglers near the end of a phase. */
  speculation: true,
  /** Skip a record (map) or key (reduce) that fails every attempt, and report it. */
  skipBadRecords: false,
  /** Keep intermediate runs and attempt outputs after the job (debugging). */
  keepIntermediate: false,
  /** How output records are written: key<TAB>value (tsv) or one JSON object a line (jsonl). */
  outputFormat: 'tsv',
  /** gzip: part files are gzip streams, named with .gz. */
  outputCompression: 'none',
  /** Dead-letter lines (_skipped/<task>.jsonl) one task writes; past it, skips are only counted. */
  maxSkippedRecords: 10_000,
  /** A map task's output buffer before it spills a sorted run to disk, in bytes. */
  spillBytes: 64 * 1024 * 1024,
} as const;
