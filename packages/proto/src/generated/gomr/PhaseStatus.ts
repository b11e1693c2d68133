// Original file: proto/gomr.proto


export interface PhaseStatus {
  'total'?: (number);
  'done'?: (number);
  'running'?: (number);
  'failed'?: (number);
}

export interface PhaseStatus__Output {
  'total': (number);
  'done': (number);
  'running': (number);
  'failed': (number);
}
