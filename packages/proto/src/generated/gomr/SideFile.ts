// Original file: proto/gomr.proto

import type { Long } from '@grpc/proto-loader';

export interface SideFile {
  /**
   * what user code asks for: ctx.files.path(name)
   */
  'name'?: (string);
  /**
   * object key in the input storage
   */
  'key'?: (string);
  'size'?: (number | string | Long);
}

export interface SideFile__Output {
  /**
   * what user code asks for: ctx.files.path(name)
   */
  'name': (string);
  /**
   * object key in the input storage
   */
  'key': (string);
  'size': (number);
}
