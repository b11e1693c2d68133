import type { StorageConfig } from '@gomr/storage';

/** Messages between the worker's control thread and the thread that runs user code. */

export interface ExecutorData {
  bundlePath: string;
  storage: StorageConfig;
  inputStorage: StorageConfig;
  spillDir: string;
  /** Memory for the map-side buffer before it spills. */
  spillBytes: number;
}

export interface TaskSpec {
  taskId: string;
  kind: 'MAP' | 'REDUCE';
  index: number;
  attempt: number;
  outputPrefix: string;
  runKeys: string[];
  /** --skip-bad-records: map chunk offsets and reduce keys to leave out. */
  skipOffsets?: number[];
  skipKeys?: string[];
  split?: { inputKey: string; inputName: string; start: number; end: number; fileSize: number };
}

export interface JobInfo {
  workerId: string;
  reducers: number;
  params: Record<string, string>;
}

export interface TaskOutput {
  partition: number;
  key: string;
  bytes: number;
  records: number;
}

export interface TaskErrorInfo {
  message: string;
  stack: string;
  input: string;
  offset: number;
  key: string;
  /** Thrown by the user's code (a failure), not by gomr or storage. */
  userCode: boolean;
  /** Storage stayed unreachable for the whole retry budget: the job cannot go on. */
  storageUnreachable?: boolean;
}

export type ToExecutor = { type: 'run'; task: TaskSpec; job: JobInfo };

export type FromExecutor =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'progress'; progress: number }
  | {
      type: 'result';
      ok: true;
      outputs: TaskOutput[];
      counters: Record<string, number>;
      userCounters: Record<string, number>;
    }
  | { type: 'result'; ok: false; error: TaskErrorInfo };
