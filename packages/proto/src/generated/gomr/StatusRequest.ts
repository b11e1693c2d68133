// Original file: proto/gomr.proto


export interface StatusRequest {
  /**
   * A long poll: the master answers once the job has ended or wait_ms has passed, whichever
   * comes first (at most 10 s), so a client sees the end at once without asking 20 times a
   * second. 0: answer at once.
   */
  'waitMs'?: (number);
}

export interface StatusRequest__Output {
  /**
   * A long poll: the master answers once the job has ended or wait_ms has passed, whichever
   * comes first (at most 10 s), so a client sees the end at once without asking 20 times a
   * second. 0: answer at once.
   */
  'waitMs': (number);
}
