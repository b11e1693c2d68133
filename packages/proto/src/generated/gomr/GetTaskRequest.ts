// Original file: proto/gomr.proto


export interface GetTaskRequest {
  'workerId'?: (string);
  /**
   * When no task is free: how long the master may hold the call for one to free up (the
   * master may cap it). 0: answer at once, WAIT included.
   */
  'waitMs'?: (number);
}

export interface GetTaskRequest__Output {
  'workerId': (string);
  /**
   * When no task is free: how long the master may hold the call for one to free up (the
   * master may cap it). 0: answer at once, WAIT included.
   */
  'waitMs': (number);
}
