// Original file: proto/gomr.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetTaskReply as _gomr_GetTaskReply, GetTaskReply__Output as _gomr_GetTaskReply__Output } from '../gomr/GetTaskReply.js';
import type { GetTaskRequest as _gomr_GetTaskRequest, GetTaskRequest__Output as _gomr_GetTaskRequest__Output } from '../gomr/GetTaskRequest.js';
import type { HeartbeatReply as _gomr_HeartbeatReply, HeartbeatReply__Output as _gomr_HeartbeatReply__Output } from '../gomr/HeartbeatReply.js';
import type { HeartbeatRequest as _gomr_HeartbeatRequest, HeartbeatRequest__Output as _gomr_HeartbeatRequest__Output } from '../gomr/HeartbeatRequest.js';
import type { JobStatus as _gomr_JobStatus, JobStatus__Output as _gomr_JobStatus__Output } from '../gomr/JobStatus.js';
import type { RegisterReply as _gomr_RegisterReply, RegisterReply__Output as _gomr_RegisterReply__Output } from '../gomr/RegisterReply.js';
import type { RegisterRequest as _gomr_RegisterRequest, RegisterRequest__Output as _gomr_RegisterRequest__Output } from '../gomr/RegisterRequest.js';
import type { ReportTaskReply as _gomr_ReportTaskReply, ReportTaskReply__Output as _gomr_ReportTaskReply__Output } from '../gomr/ReportTaskReply.js';
import type { ReportTaskRequest as _gomr_ReportTaskRequest, ReportTaskRequest__Output as _gomr_ReportTaskRequest__Output } from '../gomr/ReportTaskRequest.js';
import type { StatusRequest as _gomr_StatusRequest, StatusRequest__Output as _gomr_StatusRequest__Output } from '../gomr/StatusRequest.js';
import type { TaskStreamReply as _gomr_TaskStreamReply, TaskStreamReply__Output as _gomr_TaskStreamReply__Output } from '../gomr/TaskStreamReply.js';
import type { TaskStreamRequest as _gomr_TaskStreamRequest, TaskStreamRequest__Output as _gomr_TaskStreamRequest__Output } from '../gomr/TaskStreamRequest.js';

export interface MasterClient extends grpc.Client {
  /**
   * Read-only view of the job for the CLI and the status page.
   */
  GetStatus(argument: _gomr_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_JobStatus__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _gomr_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gomr_JobStatus__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _gomr_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_JobStatus__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _gomr_StatusRequest, callback: grpc.requestCallback<_gomr_JobStatus__Output>): grpc.ClientUnaryCall;
  /**
   * Read-only view of the job for the CLI and the status page.
   */
  getStatus(argument: _gomr_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_JobStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _gomr_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gomr_JobStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _gomr_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_JobStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _gomr_StatusRequest, callback: grpc.requestCallback<_gomr_JobStatus__Output>): grpc.ClientUnaryCall;
  
  /**
   * A worker asks for its next task; the reply may say "wait" or "exit". With wait_ms the
   * master holds the call until a task frees up (long poll) instead of answering "wait".
   */
  GetTask(argument: _gomr_GetTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_GetTaskReply__Output>): grpc.ClientUnaryCall;
  GetTask(argument: _gomr_GetTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gomr_GetTaskReply__Output>): grpc.ClientUnaryCall;
  GetTask(argument: _gomr_GetTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_GetTaskReply__Output>): grpc.ClientUnaryCall;
  GetTask(argument: _gomr_GetTaskRequest, callback: grpc.requestCallback<_gomr_GetTaskReply__Output>): grpc.ClientUnaryCall;
  /**
   * A worker asks for its next task; the reply may say "wait" or "exit". With wait_ms the
   * master holds the call until a task frees up (long poll) instead of answering "wait".
   */
  getTask(argument: _gomr_GetTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_GetTaskReply__Output>): grpc.ClientUnaryCall;
  getTask(argument: _gomr_GetTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gomr_GetTaskReply__Output>): grpc.ClientUnaryCall;
  getTask(argument: _gomr_GetTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_GetTaskReply__Output>): grpc.ClientUnaryCall;
  getTask(argument: _gomr_GetTaskRequest, callback: grpc.requestCallback<_gomr_GetTaskReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Sent on a timer that user code cannot block.
   */
  Heartbeat(argument: _gomr_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _gomr_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gomr_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _gomr_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _gomr_HeartbeatRequest, callback: grpc.requestCallback<_gomr_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  /**
   * Sent on a timer that user code cannot block.
   */
  heartbeat(argument: _gomr_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _gomr_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gomr_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _gomr_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _gomr_HeartbeatRequest, callback: grpc.requestCallback<_gomr_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * A worker announces itself and learns the job it serves.
   */
  Register(argument: _gomr_RegisterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_RegisterReply__Output>): grpc.ClientUnaryCall;
  Register(argument: _gomr_RegisterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gomr_RegisterReply__Output>): grpc.ClientUnaryCall;
  Register(argument: _gomr_RegisterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_RegisterReply__Output>): grpc.ClientUnaryCall;
  Register(argument: _gomr_RegisterRequest, callback: grpc.requestCallback<_gomr_RegisterReply__Output>): grpc.ClientUnaryCall;
  /**
   * A worker announces itself and learns the job it serves.
   */
  register(argument: _gomr_RegisterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_RegisterReply__Output>): grpc.ClientUnaryCall;
  register(argument: _gomr_RegisterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gomr_RegisterReply__Output>): grpc.ClientUnaryCall;
  register(argument: _gomr_RegisterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_RegisterReply__Output>): grpc.ClientUnaryCall;
  register(argument: _gomr_RegisterRequest, callback: grpc.requestCallback<_gomr_RegisterReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * A worker reports the end of a task attempt, successful or not; with next set, the reply
   * also carries the worker's next task, as GetTask would (one round trip per task).
   */
  ReportTask(argument: _gomr_ReportTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_ReportTaskReply__Output>): grpc.ClientUnaryCall;
  ReportTask(argument: _gomr_ReportTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gomr_ReportTaskReply__Output>): grpc.ClientUnaryCall;
  ReportTask(argument: _gomr_ReportTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_ReportTaskReply__Output>): grpc.ClientUnaryCall;
  ReportTask(argument: _gomr_ReportTaskRequest, callback: grpc.requestCallback<_gomr_ReportTaskReply__Output>): grpc.ClientUnaryCall;
  /**
   * A worker reports the end of a task attempt, successful or not; with next set, the reply
   * also carries the worker's next task, as GetTask would (one round trip per task).
   */
  reportTask(argument: _gomr_ReportTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_ReportTaskReply__Output>): grpc.ClientUnaryCall;
  reportTask(argument: _gomr_ReportTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gomr_ReportTaskReply__Output>): grpc.ClientUnaryCall;
  reportTask(argument: _gomr_ReportTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gomr_ReportTaskReply__Output>): grpc.ClientUnaryCall;
  reportTask(argument: _gomr_ReportTaskRequest, callback: grpc.requestCallback<_gomr_ReportTaskReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * A worker's task loop on one long-lived stream: each request (get: as GetTask, report: as
   * ReportTask) is answered by one reply, in order, for a fraction of the cost of a call per
   * task. The stream ends with NOT_FOUND when the master does not know the worker (register
   * again); a held request stops waiting when the stream is cancelled.
   */
  TaskStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_gomr_TaskStreamRequest, _gomr_TaskStreamReply__Output>;
  TaskStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_gomr_TaskStreamRequest, _gomr_TaskStreamReply__Output>;
  /**
   * A worker's task loop on one long-lived stream: each request (get: as GetTask, report: as
   * ReportTask) is answered by one reply, in order, for a fraction of the cost of a call per
   * task. The stream ends with NOT_FOUND when the master does not know the worker (register
   * again); a held request stops waiting when the stream is cancelled.
   */
  taskStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_gomr_TaskStreamRequest, _gomr_TaskStreamReply__Output>;
  taskStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_gomr_TaskStreamRequest, _gomr_TaskStreamReply__Output>;
  
}

export interface MasterHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Read-only view of the job for the CLI and the status page.
   */
  GetStatus: grpc.handleUnaryCall<_gomr_StatusRequest__Output, _gomr_JobStatus>;
  
  /**
   * A worker asks for its next task; the reply may say "wait" or "exit". With wait_ms the
   * master holds the call until a task frees up (long poll) instead of answering "wait".
   */
  GetTask: grpc.handleUnaryCall<_gomr_GetTaskRequest__Output, _gomr_GetTaskReply>;
  
  /**
   * Sent on a timer that user code cannot block.
   */
  Heartbeat: grpc.handleUnaryCall<_gomr_HeartbeatRequest__Output, _gomr_HeartbeatReply>;
  
  /**
   * A worker announces itself and learns the job it serves.
   */
  Register: grpc.handleUnaryCall<_gomr_RegisterRequest__Output, _gomr_RegisterReply>;
  
  /**
   * A worker reports the end of a task attempt, successful or not; with next set, the reply
   * also carries the worker's next task, as GetTask would (one round trip per task).
   */
  ReportTask: grpc.handleUnaryCall<_gomr_ReportTaskRequest__Output, _gomr_ReportTaskReply>;
  
  /**
   * A worker's task loop on one long-lived stream: each request (get: as GetTask, report: as
   * ReportTask) is answered by one reply, in order, for a fraction of the cost of a call per
   * task. The stream ends with NOT_FOUND when the master does not know the worker (register
   * again); a held request stops waiting when the stream is cancelled.
   */
  TaskStream: grpc.handleBidiStreamingCall<_gomr_TaskStreamRequest__Output, _gomr_TaskStreamReply>;
  
}

export interface MasterDefinition extends grpc.ServiceDefinition {
  GetStatus: MethodDefinition<_gomr_StatusRequest, _gomr_JobStatus, _gomr_StatusRequest__Output, _gomr_JobStatus__Output>
  GetTask: MethodDefinition<_gomr_GetTaskRequest, _gomr_GetTaskReply, _gomr_GetTaskRequest__Output, _gomr_GetTaskReply__Output>
  Heartbeat: MethodDefinition<_gomr_HeartbeatRequest, _gomr_HeartbeatReply, _gomr_HeartbeatRequest__Output, _gomr_HeartbeatReply__Output>
  Register: MethodDefinition<_gomr_RegisterRequest, _gomr_RegisterReply, _gomr_RegisterRequest__Output, _gomr_RegisterReply__Output>
  ReportTask: MethodDefinition<_gomr_ReportTaskRequest, _gomr_ReportTaskReply, _gomr_ReportTaskRequest__Output, _gomr_ReportTaskReply__Output>
  TaskStream: MethodDefinition<_gomr_TaskStreamRequest, _gomr_TaskStreamReply, _gomr_TaskStreamRequest__Output, _gomr_TaskStreamReply__Output>
}
