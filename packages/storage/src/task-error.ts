/*
 * Why a task attempt failed: the one shape of it in code, named after the wire's TaskError. The
 * worker's executor describes what was thrown with it, the worker reports it, and the master's
 * scheduler decides from it whether to retry, skip the record, or fail the job (and how).
 *
 * In @gomr/storage for the reason RunObject is (run-object.ts): master and sdk both hold it.
 */

export interface TaskError {
  message: string;
  stack: string;
  /** Map: the input name of the failing chunk (past step 0, the run read). */
  input: string;
  /** Map: the failing chunk's byte offset in that input (past step 0, the record's position). */
  offset: number;
  /** Reduce: the key being reduced. */
  key: string;
  /**
   * Thrown by the user's code, not by gomr or storage: only such a failure can be skipped.
   * Absent (a report that says nothing): counted as the user's failure, but never skipped.
   */
  userCode?: boolean;
  /** Storage stayed unreachable for the worker's whole retry budget: the job cannot go on. */
  storageUnreachable?: boolean;
  /** The input changed or vanished since the job was planned: no attempt can succeed. */
  inputChanged?: boolean;
  /** Set by the master, never sent: no progress for taskTimeoutMs (the message says where); never skipped. */
  timedOut?: boolean;
}
