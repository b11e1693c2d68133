/*
 * A run: one partition of a map attempt's sorted output (or a reduce's of a step before the
 * last). The one shape of it in code, named after the wire's RunObject it travels as: the
 * worker reports it, the master commits and logs it, and hands it to the reducer that reads it.
 *
 * In @gomr/storage, next to the layout that names its objects, because both the master and the
 * sdk hold runs and storage is the package both depend on that depends on nothing (proto's
 * generated types fill defaults and widen int64s; this is the value as code holds it).
 */

/**
 * The partition a worker reports its attempt's dead-letter file as (--skip-bad-records): never
 * a reducer's, so no reducer is handed it.
 */
export const DEAD_LETTER_PARTITION = -1;

export interface RunObject {
  /** The reducer it is for; DEAD_LETTER_PARTITION: the attempt's dead-letter file, not a run. */
  partition: number;
  /** The run's object in storage; empty when the run is inline. */
  key: string;
  bytes: number;
  records: number;
  /** An inline run's bytes: they travel in the report and the reduce task instead of an object. */
  data?: Uint8Array;
}
