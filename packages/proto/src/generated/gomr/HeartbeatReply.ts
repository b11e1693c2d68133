// Original file: proto/gomr.proto


export interface HeartbeatReply {
  /**
   * false: the master forgot this worker; register again
   */
  'known'?: (boolean);
  /**
   * the current attempt is no longer needed
   */
  'cancelCurrent'?: (boolean);
}

export interface HeartbeatReply__Output {
  /**
   * false: the master forgot this worker; register again
   */
  'known': (boolean);
  /**
   * the current attempt is no longer needed
   */
  'cancelCurrent': (boolean);
}
