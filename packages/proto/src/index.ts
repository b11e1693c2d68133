/**
 * @gomr/proto: the wire contract between the master, workers and the CLI, generated from
 * `proto/gomr.proto`, plus a promise client.
 *
 * ```ts
 * import { MasterConnection } from '@gomr/proto';
 * const master = new MasterConnection('127.0.0.1:7070', { token });
 * const status = await master.getStatus();
 * ```
 */
export { loadGomrProto, PROTO_OPTIONS } from './load-proto.js';
export { TOKEN_METADATA_KEY, tokenMetadata, tokenFrom } from './auth.js';
export { MasterConnection, type MasterConnectionOptions } from './master-connection.js';
export { TaskChannel } from './task-channel.js';
export { exitWithParent } from './exit-with-parent.js';
export type { ProtoGrpcType } from './generated/gomr.js';
export type { MasterHandlers } from './generated/gomr/Master.js';
export type { RegisterRequest, RegisterRequest__Output } from './generated/gomr/RegisterRequest.js';
export type { RegisterReply, RegisterReply__Output } from './generated/gomr/RegisterReply.js';
export type { GetTaskRequest, GetTaskRequest__Output } from './generated/gomr/GetTaskRequest.js';
export type { GetTaskReply, GetTaskReply__Output } from './generated/gomr/GetTaskReply.js';
export type { Task, Task__Output } from './generated/gomr/Task.js';
export type { TaskKind, TaskKind__Output } from './generated/gomr/TaskKind.js';
export type { MapSplit, MapSplit__Output } from './generated/gomr/MapSplit.js';
export type { RunObject, RunObject__Output } from './generated/gomr/RunObject.js';
export type { TaskError, TaskError__Output } from './generated/gomr/TaskError.js';
export type { ReportTaskRequest, ReportTaskRequest__Output } from './generated/gomr/ReportTaskRequest.js';
export type { ReportTaskReply, ReportTaskReply__Output } from './generated/gomr/ReportTaskReply.js';
export type { TaskStreamRequest, TaskStreamRequest__Output } from './generated/gomr/TaskStreamRequest.js';
export type { TaskStreamReply, TaskStreamReply__Output } from './generated/gomr/TaskStreamReply.js';
export type { HeartbeatRequest, HeartbeatRequest__Output } from './generated/gomr/HeartbeatRequest.js';
export type { HeartbeatReply, HeartbeatReply__Output } from './generated/gomr/HeartbeatReply.js';
export type { JobStatus, JobStatus__Output } from './generated/gomr/JobStatus.js';
export { JobState, type JobState__Output } from './generated/gomr/JobState.js';
export { FailureKind, type FailureKind__Output } from './generated/gomr/FailureKind.js';
export type { PhaseStatus, PhaseStatus__Output } from './generated/gomr/PhaseStatus.js';
export type { StepStatus, StepStatus__Output } from './generated/gomr/StepStatus.js';
export { _gomr_StepStatus_State as StepState, type _gomr_StepStatus_State__Output as StepState__Output } from './generated/gomr/StepStatus.js';
export type { WorkerStatus, WorkerStatus__Output } from './generated/gomr/WorkerStatus.js';
export { _gomr_WorkerStatus_State as WorkerState, type _gomr_WorkerStatus_State__Output as WorkerState__Output } from './generated/gomr/WorkerStatus.js';
