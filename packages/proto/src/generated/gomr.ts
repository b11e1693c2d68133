import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { GetTaskReply as _gomr_GetTaskReply, GetTaskReply__Output as _gomr_GetTaskReply__Output } from './gomr/GetTaskReply.js';
import type { GetTaskRequest as _gomr_GetTaskRequest, GetTaskRequest__Output as _gomr_GetTaskRequest__Output } from './gomr/GetTaskRequest.js';
import type { HeartbeatReply as _gomr_HeartbeatReply, HeartbeatReply__Output as _gomr_HeartbeatReply__Output } from './gomr/HeartbeatReply.js';
import type { HeartbeatRequest as _gomr_HeartbeatRequest, HeartbeatRequest__Output as _gomr_HeartbeatRequest__Output } from './gomr/HeartbeatRequest.js';
import type { JobStatus as _gomr_JobStatus, JobStatus__Output as _gomr_JobStatus__Output } from './gomr/JobStatus.js';
import type { MapSplit as _gomr_MapSplit, MapSplit__Output as _gomr_MapSplit__Output } from './gomr/MapSplit.js';
import type { MasterClient as _gomr_MasterClient, MasterDefinition as _gomr_MasterDefinition } from './gomr/Master.js';
import type { PhaseStatus as _gomr_PhaseStatus, PhaseStatus__Output as _gomr_PhaseStatus__Output } from './gomr/PhaseStatus.js';
import type { RegisterReply as _gomr_RegisterReply, RegisterReply__Output as _gomr_RegisterReply__Output } from './gomr/RegisterReply.js';
import type { RegisterRequest as _gomr_RegisterRequest, RegisterRequest__Output as _gomr_RegisterRequest__Output } from './gomr/RegisterRequest.js';
import type { ReportTaskReply as _gomr_ReportTaskReply, ReportTaskReply__Output as _gomr_ReportTaskReply__Output } from './gomr/ReportTaskReply.js';
import type { ReportTaskRequest as _gomr_ReportTaskRequest, ReportTaskRequest__Output as _gomr_ReportTaskRequest__Output } from './gomr/ReportTaskRequest.js';
import type { RunObject as _gomr_RunObject, RunObject__Output as _gomr_RunObject__Output } from './gomr/RunObject.js';
import type { SideFile as _gomr_SideFile, SideFile__Output as _gomr_SideFile__Output } from './gomr/SideFile.js';
import type { StatusRequest as _gomr_StatusRequest, StatusRequest__Output as _gomr_StatusRequest__Output } from './gomr/StatusRequest.js';
import type { StepStatus as _gomr_StepStatus, StepStatus__Output as _gomr_StepStatus__Output } from './gomr/StepStatus.js';
import type { Task as _gomr_Task, Task__Output as _gomr_Task__Output } from './gomr/Task.js';
import type { TaskError as _gomr_TaskError, TaskError__Output as _gomr_TaskError__Output } from './gomr/TaskError.js';
import type { TaskStreamReply as _gomr_TaskStreamReply, TaskStreamReply__Output as _gomr_TaskStreamReply__Output } from './gomr/TaskStreamReply.js';
import type { TaskStreamRequest as _gomr_TaskStreamRequest, TaskStreamRequest__Output as _gomr_TaskStreamRequest__Output } from './gomr/TaskStreamRequest.js';
import type { WorkerStatus as _gomr_WorkerStatus, WorkerStatus__Output as _gomr_WorkerStatus__Output } from './gomr/WorkerStatus.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  gomr: {
    FailureKind: EnumTypeDefinition
    GetTaskReply: MessageTypeDefinition<_gomr_GetTaskReply, _gomr_GetTaskReply__Output>
    GetTaskRequest: MessageTypeDefinition<_gomr_GetTaskRequest, _gomr_GetTaskRequest__Output>
    HeartbeatReply: MessageTypeDefinition<_gomr_HeartbeatReply, _gomr_HeartbeatReply__Output>
    HeartbeatRequest: MessageTypeDefinition<_gomr_HeartbeatRequest, _gomr_HeartbeatRequest__Output>
    JobState: EnumTypeDefinition
    JobStatus: MessageTypeDefinition<_gomr_JobStatus, _gomr_JobStatus__Output>
    MapSplit: MessageTypeDefinition<_gomr_MapSplit, _gomr_MapSplit__Output>
    Master: SubtypeConstructor<typeof grpc.Client, _gomr_MasterClient> & { service: _gomr_MasterDefinition }
    PhaseStatus: MessageTypeDefinition<_gomr_PhaseStatus, _gomr_PhaseStatus__Output>
    RegisterReply: MessageTypeDefinition<_gomr_RegisterReply, _gomr_RegisterReply__Output>
    RegisterRequest: MessageTypeDefinition<_gomr_RegisterRequest, _gomr_RegisterRequest__Output>
    ReportTaskReply: MessageTypeDefinition<_gomr_ReportTaskReply, _gomr_ReportTaskReply__Output>
    ReportTaskRequest: MessageTypeDefinition<_gomr_ReportTaskRequest, _gomr_ReportTaskRequest__Output>
    RunObject: MessageTypeDefinition<_gomr_RunObject, _gomr_RunObject__Output>
    SideFile: MessageTypeDefinition<_gomr_SideFile, _gomr_SideFile__Output>
    StatusRequest: MessageTypeDefinition<_gomr_StatusRequest, _gomr_StatusRequest__Output>
    StepStatus: MessageTypeDefinition<_gomr_StepStatus, _gomr_StepStatus__Output>
    Task: MessageTypeDefinition<_gomr_Task, _gomr_Task__Output>
    TaskError: MessageTypeDefinition<_gomr_TaskError, _gomr_TaskError__Output>
    TaskKind: EnumTypeDefinition
    TaskStreamReply: MessageTypeDefinition<_gomr_TaskStreamReply, _gomr_TaskStreamReply__Output>
    TaskStreamRequest: MessageTypeDefinition<_gomr_TaskStreamRequest, _gomr_TaskStreamRequest__Output>
    WorkerStatus: MessageTypeDefinition<_gomr_WorkerStatus, _gomr_WorkerStatus__Output>
  }
}

