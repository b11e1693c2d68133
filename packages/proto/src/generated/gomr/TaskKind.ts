// Original file: proto/gomr.proto

export const TaskKind = {
  MAP: 'MAP',
  REDUCE: 'REDUCE',
} as const;

export type TaskKind =
  | 'MAP'
  | 0
  | 'REDUCE'
  | 1

export type TaskKind__Output = typeof TaskKind[keyof typeof TaskKind]
