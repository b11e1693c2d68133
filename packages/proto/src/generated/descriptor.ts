// Generated from proto/gomr.proto by scripts/gen-proto-types.mjs; do not edit.
export const gomrDescriptor = {
  "nested": {
    "gomr": {
      "nested": {
        "Master": {
          "methods": {
            "Register": {
              "requestType": "RegisterRequest",
              "responseType": "RegisterReply"
            },
            "Heartbeat": {
              "requestType": "HeartbeatRequest",
              "responseType": "HeartbeatReply"
            },
            "GetStatus": {
              "requestType": "StatusRequest",
              "responseType": "JobStatus"
            },
            "TaskStream": {
              "requestType": "TaskStreamRequest",
              "requestStream": true,
              "responseType": "TaskStreamReply",
              "responseStream": true
            }
          }
        },
        "RegisterRequest": {
          "fields": {
            "host": {
              "type": "string",
              "id": 1
            },
            "pid": {
              "type": "int32",
              "id": 2
            },
            "version": {
              "type": "string",
              "id": 3
            }
          }
        },
        "RegisterReply": {
          "fields": {
            "workerId": {
              "type": "string",
              "id": 1
            },
            "jobId": {
              "type": "string",
              "id": 2
            },
            "reducers": {
              "type": "int32",
              "id": 3
            },
            "heartbeatIntervalMs": {
              "type": "int32",
              "id": 4
            },
            "params": {
              "keyType": "string",
              "type": "string",
              "id": 5
            },
            "files": {
              "rule": "repeated",
              "type": "SideFile",
              "id": 6
            },
            "totalOrder": {
              "type": "bool",
              "id": 7
            },
            "cutPoints": {
              "rule": "repeated",
              "type": "string",
              "id": 8
            },
            "outputFormat": {
              "type": "string",
              "id": 9
            },
            "outputCompression": {
              "type": "string",
              "id": 10
            },
            "steps": {
              "type": "int32",
              "id": 11
            },
            "maxSkippedRecords": {
              "type": "int32",
              "id": 12
            }
          }
        },
        "SideFile": {
          "fields": {
            "name": {
              "type": "string",
              "id": 1
            },
            "key": {
              "type": "string",
              "id": 2
            },
            "size": {
              "type": "int64",
              "id": 3
            }
          }
        },
        "TaskKind": {
          "values": {
            "MAP": 0,
            "REDUCE": 1
          }
        },
        "MapSplit": {
          "fields": {
            "inputKey": {
              "type": "string",
              "id": 1
            },
            "inputName": {
              "type": "string",
              "id": 2
            },
            "start": {
              "type": "int64",
              "id": 3
            },
            "end": {
              "type": "int64",
              "id": 4
            },
            "fileSize": {
              "type": "int64",
              "id": 5
            },
            "fileMtimeMs": {
              "type": "int64",
              "id": 6
            }
          }
        },
        "Task": {
          "fields": {
            "taskId": {
              "type": "string",
              "id": 1
            },
            "kind": {
              "type": "TaskKind",
              "id": 2
            },
            "index": {
              "type": "int32",
              "id": 3
            },
            "attempt": {
              "type": "int32",
              "id": 4
            },
            "split": {
              "type": "MapSplit",
              "id": 5
            },
            "runKeys": {
              "rule": "repeated",
              "type": "string",
              "id": 6
            },
            "outputPrefix": {
              "type": "string",
              "id": 7
            },
            "skipOffsets": {
              "rule": "repeated",
              "type": "int64",
              "id": 8
            },
            "skipKeys": {
              "rule": "repeated",
              "type": "string",
              "id": 9
            },
            "inlineRunBytes": {
              "type": "int32",
              "id": 10
            },
            "runs": {
              "rule": "repeated",
              "type": "RunObject",
              "id": 11
            },
            "step": {
              "type": "int32",
              "id": 12
            },
            "reducers": {
              "type": "int32",
              "id": 13
            },
            "skipErrors": {
              "rule": "repeated",
              "type": "string",
              "id": 14
            }
          }
        },
        "GetTaskRequest": {
          "fields": {
            "workerId": {
              "type": "string",
              "id": 1
            },
            "waitMs": {
              "type": "int32",
              "id": 2
            },
            "maxTasks": {
              "type": "int32",
              "id": 3
            }
          }
        },
        "GetTaskReply": {
          "fields": {
            "action": {
              "type": "Action",
              "id": 1
            },
            "task": {
              "type": "Task",
              "id": 2
            },
            "waitMs": {
              "type": "int32",
              "id": 3
            },
            "more": {
              "rule": "repeated",
              "type": "Task",
              "id": 4
            }
          },
          "nested": {
            "Action": {
              "values": {
                "WAIT": 0,
                "RUN": 1,
                "EXIT": 2
              }
            }
          }
        },
        "RunObject": {
          "fields": {
            "partition": {
              "type": "int32",
              "id": 1
            },
            "key": {
              "type": "string",
              "id": 2
            },
            "bytes": {
              "type": "int64",
              "id": 3
            },
            "records": {
              "type": "int64",
              "id": 4
            },
            "data": {
              "type": "bytes",
              "id": 5
            }
          }
        },
        "TaskError": {
          "fields": {
            "message": {
              "type": "string",
              "id": 1
            },
            "stack": {
              "type": "string",
              "id": 2
            },
            "input": {
              "type": "string",
              "id": 3
            },
            "offset": {
              "type": "int64",
              "id": 4
            },
            "key": {
              "type": "string",
              "id": 5
            },
            "userCode": {
              "type": "bool",
              "id": 6
            },
            "storageUnreachable": {
              "type": "bool",
              "id": 7
            },
            "inputChanged": {
              "type": "bool",
              "id": 8
            }
          }
        },
        "ReportTaskRequest": {
          "fields": {
            "workerId": {
              "type": "string",
              "id": 1
            },
            "taskId": {
              "type": "string",
              "id": 2
            },
            "attempt": {
              "type": "int32",
              "id": 3
            },
            "ok": {
              "type": "bool",
              "id": 4
            },
            "outputs": {
              "rule": "repeated",
              "type": "RunObject",
              "id": 5
            },
            "counters": {
              "keyType": "string",
              "type": "int64",
              "id": 6
            },
            "userCounters": {
              "keyType": "string",
              "type": "int64",
              "id": 7
            },
            "error": {
              "type": "TaskError",
              "id": 8
            },
            "next": {
              "type": "bool",
              "id": 9
            },
            "waitMs": {
              "type": "int32",
              "id": 10
            },
            "maxTasks": {
              "type": "int32",
              "id": 11
            },
            "runMs": {
              "type": "int32",
              "id": 12
            }
          }
        },
        "ReportTaskReply": {
          "fields": {
            "committed": {
              "type": "bool",
              "id": 1
            },
            "next": {
              "type": "GetTaskReply",
              "id": 2
            }
          }
        },
        "TaskStreamRequest": {
          "oneofs": {
            "request": {
              "oneof": [
                "get",
                "report"
              ]
            }
          },
          "fields": {
            "get": {
              "type": "GetTaskRequest",
              "id": 1
            },
            "report": {
              "type": "ReportTaskRequest",
              "id": 2
            },
            "earlier": {
              "rule": "repeated",
              "type": "ReportTaskRequest",
              "id": 3
            }
          }
        },
        "TaskStreamReply": {
          "oneofs": {
            "reply": {
              "oneof": [
                "get",
                "report"
              ]
            }
          },
          "fields": {
            "get": {
              "type": "GetTaskReply",
              "id": 1
            },
            "report": {
              "type": "ReportTaskReply",
              "id": 2
            }
          }
        },
        "HeartbeatRequest": {
          "fields": {
            "workerId": {
              "type": "string",
              "id": 1
            },
            "taskId": {
              "type": "string",
              "id": 2
            },
            "attempt": {
              "type": "int32",
              "id": 3
            },
            "progress": {
              "type": "int64",
              "id": 4
            }
          }
        },
        "HeartbeatReply": {
          "fields": {
            "known": {
              "type": "bool",
              "id": 1
            },
            "cancelCurrent": {
              "type": "bool",
              "id": 2
            }
          }
        },
        "StatusRequest": {
          "fields": {
            "waitMs": {
              "type": "int32",
              "id": 1
            }
          }
        },
        "PhaseStatus": {
          "fields": {
            "total": {
              "type": "int32",
              "id": 1
            },
            "done": {
              "type": "int32",
              "id": 2
            },
            "running": {
              "type": "int32",
              "id": 3
            },
            "failed": {
              "type": "int32",
              "id": 4
            }
          }
        },
        "WorkerStatus": {
          "fields": {
            "workerId": {
              "type": "string",
              "id": 1
            },
            "host": {
              "type": "string",
              "id": 2
            },
            "pid": {
              "type": "int32",
              "id": 3
            },
            "state": {
              "type": "State",
              "id": 4
            },
            "currentTask": {
              "type": "string",
              "id": 5
            },
            "lastHeartbeatMs": {
              "type": "int64",
              "id": 6
            }
          },
          "nested": {
            "State": {
              "values": {
                "STATE_UNSPECIFIED": 0,
                "idle": 1,
                "busy": 2,
                "lost": 3
              }
            }
          }
        },
        "JobStatus": {
          "fields": {
            "jobId": {
              "type": "string",
              "id": 1
            },
            "state": {
              "type": "JobState",
              "id": 2
            },
            "maps": {
              "type": "PhaseStatus",
              "id": 3
            },
            "reduces": {
              "type": "PhaseStatus",
              "id": 4
            },
            "counters": {
              "keyType": "string",
              "type": "int64",
              "id": 5
            },
            "userCounters": {
              "keyType": "string",
              "type": "int64",
              "id": 6
            },
            "error": {
              "type": "string",
              "id": 7
            },
            "outputKeys": {
              "rule": "repeated",
              "type": "string",
              "id": 8
            },
            "workers": {
              "rule": "repeated",
              "type": "WorkerStatus",
              "id": 9
            },
            "startedMs": {
              "type": "int64",
              "id": 10
            },
            "finishedMs": {
              "type": "int64",
              "id": 11
            },
            "errorKind": {
              "type": "FailureKind",
              "id": 12
            },
            "mapOnly": {
              "type": "bool",
              "id": 13
            },
            "steps": {
              "rule": "repeated",
              "type": "StepStatus",
              "id": 14
            },
            "step": {
              "type": "int32",
              "id": 15
            },
            "skippedKeys": {
              "rule": "repeated",
              "type": "string",
              "id": 16
            }
          }
        },
        "JobState": {
          "values": {
            "JOB_STATE_UNSPECIFIED": 0,
            "MAPPING": 1,
            "REDUCING": 2,
            "COMMITTING": 3,
            "FINISHING": 4,
            "SUCCEEDED": 5,
            "FAILED": 6
          }
        },
        "FailureKind": {
          "values": {
            "FAILURE_KIND_UNSPECIFIED": 0,
            "user": 1,
            "storage": 2,
            "runtime": 3,
            "input": 4
          }
        },
        "StepStatus": {
          "fields": {
            "step": {
              "type": "int32",
              "id": 1
            },
            "state": {
              "type": "State",
              "id": 2
            },
            "maps": {
              "type": "PhaseStatus",
              "id": 3
            },
            "reduces": {
              "type": "PhaseStatus",
              "id": 4
            },
            "counters": {
              "keyType": "string",
              "type": "int64",
              "id": 5
            },
            "userCounters": {
              "keyType": "string",
              "type": "int64",
              "id": 6
            },
            "startedMs": {
              "type": "int64",
              "id": 7
            },
            "finishedMs": {
              "type": "int64",
              "id": 8
            }
          },
          "nested": {
            "State": {
              "values": {
                "STATE_UNSPECIFIED": 0,
                "PENDING": 1,
                "MAPPING": 2,
                "REDUCING": 3,
                "DONE": 4,
                "FAILED": 5
              }
            }
          }
        }
      }
    }
  }
};
