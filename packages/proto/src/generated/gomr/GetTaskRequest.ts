// Original file: proto/gomr.proto


export interface GetTaskRequest {
  'workerId'?: (string);
  /**
   * When no task is free: how long the master may hold the call for one to free up (the
   * master may cap it). 0: answer at once, WAIT included.
   */
  'waitMs'?: (number);
  /**
   * The worker takes up to this many tasks at once (a batch: run in order, reported together).
   * The master hands out more than one only for small map splits while plenty are left. 0: one.
   */
  'maxTasks'?: (number);
}

export interface GetTaskRequest__Output {
  'workerId': (string);
  /**
   * When no task is free: how long the master may hold the call for one to free up (the
   * master may cap it). 0: answer at once, WAIT included.
   */
  'waitMs': (number);
  /**
   * The worker takes up to this many tasks at once (a batch: run in order, reported together).
   * The master hands out more than one only for small map splits while plenty are left. 0: one.
   */
  'maxTasks': (number);
}
