// Original file: proto/gomr.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { HeartbeatReply as _gomr_HeartbeatReply, HeartbeatReply__Output as _gomr_HeartbeatReply__Output } from '../gomr/HeartbeatReply.js';
import type { HeartbeatRequest as _gomr_HeartbeatRequest, HeartbeatRequest__Output as _gomr_HeartbeatRequest__Output } from '../gomr/HeartbeatRequest.js';
import type { JobStatus as _gomr_JobStatus, JobStatus__Output as _gomr_JobStatus__Output } from '../gomr/JobStatus.js';
import type { RegisterReply as _gomr_RegisterReply, RegisterReply__Output as _gomr_RegisterReply__Output } from '../gomr/RegisterReply.js';
import type { RegisterRequest as _gomr_RegisterRequest, RegisterRequest__Output as _gomr_RegisterRequest__Output } from '../gomr/RegisterRequest.js';
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
   * A worker's task loop on one long-lived stream: each request is answered by one reply, in
   * order. get: the worker asks for its next task; the reply may say "wait" or "exit", and with
   * wait_ms the master holds it until a task frees up (long poll) instead of answering "wait".
   * report: the end of a task attempt, successful or not; with next set, the reply also
   * carries the worker's next task (one round trip per task). The stream ends with NOT_FOUND
   * when the master does not know the worker (register again); a held request stops waiting
   * when the stream is cancelled. A stream, not a call per task: a message on an open stream
   * costs both processes about a fifth of a unary call.
   */
  TaskStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_gomr_TaskStreamRequest, _gomr_TaskStreamReply__Output>;
  TaskStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_gomr_TaskStreamRequest, _gomr_TaskStreamReply__Output>;
  /**
   * A worker's task loop on one long-lived stream: each request is answered by one reply, in
   * order. get: the worker asks for its next task; the reply may say "wait" or "exit", and with
   * wait_ms the master holds it until a task frees up (long poll) instead of answering "wait".
   * report: the end of a task attempt, successful or not; with next set, the reply also
   * carries the worker's next task (one round trip per task). The stream ends with NOT_FOUND
   * when the master does not know the worker (register again); a held request stops waiting
   * when the stream is cancelled. A stream, not a call per task: a message on an open stream
   * costs both processes about a fifth of a unary call.
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
   * Sent on a timer that user code cannot block.
   */
  Heartbeat: grpc.handleUnaryCall<_gomr_HeartbeatRequest__Output, _gomr_HeartbeatReply>;
  
  /**
   * A worker announces itself and learns the job it serves.
   */
  Register: grpc.handleUnaryCall<_gomr_RegisterRequest__Output, _gomr_RegisterReply>;
  
  /**
   * A worker's task loop on one long-lived stream: each request is answered by one reply, in
   * order. get: the worker asks for its next task; the reply may say "wait" or "exit", and with
   * wait_ms the master holds it until a task frees up (long poll) instead of answering "wait".
   * report: the end of a task attempt, successful or not; with next set, the reply also
   * carries the worker's next task (one round trip per task). The stream ends with NOT_FOUND
   * when the master does not know the worker (register again); a held request stops waiting
   * when the stream is cancelled. A stream, not a call per task: a message on an open stream
   * costs both processes about a fifth of a unary call.
   */
  TaskStream: grpc.handleBidiStreamingCall<_gomr_TaskStreamRequest__Output, _gomr_TaskStreamReply>;
  
}

export interface MasterDefinition extends grpc.ServiceDefinition {
  GetStatus: MethodDefinition<_gomr_StatusRequest, _gomr_JobStatus, _gomr_StatusRequest__Output, _gomr_JobStatus__Output>
  Heartbeat: MethodDefinition<_gomr_HeartbeatRequest, _gomr_HeartbeatReply, _gomr_HeartbeatRequest__Output, _gomr_HeartbeatReply__Output>
  Register: MethodDefinition<_gomr_RegisterRequest, _gomr_RegisterReply, _gomr_RegisterRequest__Output, _gomr_RegisterReply__Output>
  TaskStream: MethodDefinition<_gomr_TaskStreamRequest, _gomr_TaskStreamReply, _gomr_TaskStreamRequest__Output, _gomr_TaskStreamReply__Output>
}
