// Original file: proto/gomr.proto

/**
 * Where a job is, as JobStatus.state says it. An enum, not a string, so a state the master
 * does not produce cannot be named in code (the loader gives enums as their names, so
 * clients compare strings as before). A job goes MAPPING, then REDUCING (skipped when
 * map-only), then COMMITTING; it is FINISHING while its summary is written after it succeeded
 * or failed, and SUCCEEDED or FAILED once the summary is durable.
 */
export const JobState = {
  /**
   * never sent by a master; a default for an empty message
   */
  JOB_STATE_UNSPECIFIED: 'JOB_STATE_UNSPECIFIED',
  MAPPING: 'MAPPING',
  REDUCING: 'REDUCING',
  COMMITTING: 'COMMITTING',
  FINISHING: 'FINISHING',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
} as const;

/**
 * Where a job is, as JobStatus.state says it. An enum, not a string, so a state the master
 * does not produce cannot be named in code (the loader gives enums as their names, so
 * clients compare strings as before). A job goes MAPPING, then REDUCING (skipped when
 * map-only), then COMMITTING; it is FINISHING while its summary is written after it succeeded
 * or failed, and SUCCEEDED or FAILED once the summary is durable.
 */
export type JobState =
  /**
   * never sent by a master; a default for an empty message
   */
  | 'JOB_STATE_UNSPECIFIED'
  | 0
  | 'MAPPING'
  | 1
  | 'REDUCING'
  | 2
  | 'COMMITTING'
  | 3
  | 'FINISHING'
  | 4
  | 'SUCCEEDED'
  | 5
  | 'FAILED'
  | 6

/**
 * Where a job is, as JobStatus.state says it. An enum, not a string, so a state the master
 * does not produce cannot be named in code (the loader gives enums as their names, so
 * clients compare strings as before). A job goes MAPPING, then REDUCING (skipped when
 * map-only), then COMMITTING; it is FINISHING while its summary is written after it succeeded
 * or failed, and SUCCEEDED or FAILED once the summary is durable.
 */
export type JobState__Output = typeof JobState[keyof typeof JobState]
