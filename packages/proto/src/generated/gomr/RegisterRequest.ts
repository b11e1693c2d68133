// Original file: proto/gomr.proto


export interface RegisterRequest {
  'host'?: (string);
  'pid'?: (number);
  'version'?: (string);
}

export interface RegisterRequest__Output {
  'host': (string);
  'pid': (number);
  'version': (string);
}
