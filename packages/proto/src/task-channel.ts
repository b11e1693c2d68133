import * as grpc from '@grpc/grpc-js';
import { tokenMetadata } from './auth.js';
import type { MasterClient } from './generated/gomr/Master.js';
import type { GetTaskReply__Output } from './generated/gomr/GetTaskReply.js';
import type { GetTaskRequest } from './generated/gomr/GetTaskRequest.js';
import type { ReportTaskReply__Output } from './generated/gomr/ReportTaskReply.js';
import type { ReportTaskRequest } from './generated/gomr/ReportTaskRequest.js';
import type { TaskStreamReply__Output } from './generated/gomr/TaskStreamReply.js';
import type { TaskStreamRequest } from './generated/gomr/TaskStreamRequest.js';

type Stream = grpc.ClientDuplexStream<TaskStreamRequest, TaskStreamReply__Output>;

interface Pending {
  stream: Stream;
  resolve: (reply: TaskStreamReply__Output) => void;
  reject: (err: grpc.ServiceError) => void;
  cleanup: () => void;
}

/** An error shaped like the ones grpc-js gives, so callers test `code` alike. */
function statusError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), { code, details, metadata: new grpc.Metadata() });
}

/**
 * A worker's task loop over the master's TaskStream: gets and reports as messages on one
 * long-lived call instead of a call each (a unary call costs the two processes ~1 ms of CPU, a
 * message on an open stream about a fifth of that). One request at a time; each is answered by
 * the next reply. The stream opens on the first request and again after it breaks; a request
 * fails like a unary call would: UNAVAILABLE when the stream broke or ended before its reply
 * (the master went away; a report may then have arrived or not: sending it again is safe),
 * DEADLINE_EXCEEDED after deadlineMs (+ the request's wait) without a reply, CANCELLED when its
 * signal aborts, or the status the master ended the stream with (NOT_FOUND: register again).
 */
export class TaskChannel {
  private stream?: Stream;
  private pending?: Pending;

  constructor(
    private readonly raw: MasterClient,
    private readonly token: string,
    private readonly deadlineMs: number,
  ) {}

  /** A get on the stream; waitMs lets the master hold it until a task frees up. */
  async getTask(req: GetTaskRequest, signal?: AbortSignal): Promise<GetTaskReply__Output> {
    const reply = await this.request({ get: req }, req.waitMs ?? 0, signal);
    if (!reply.get) throw statusError(grpc.status.INTERNAL, 'task stream: a reply to a get without its answer');
    return reply.get;
  }

  /**
   * A report on the stream (with next: the next task comes in the reply). `earlier`: the
   * reports of the other tasks of a batch, which the master processes first, in order.
   */
  async reportTask(req: ReportTaskRequest, signal?: AbortSignal, earlier: ReportTaskRequest[] = []): Promise<ReportTaskReply__Output> {
    const reply = await this.request({ report: req, earlier }, req.next ? (req.waitMs ?? 0) : 0, signal);
    if (!reply.report) throw statusError(grpc.status.INTERNAL, 'task stream: a reply to a report without its answer');
    return reply.report;
  }

  /** Ends the stream (the master lets go of a held request). */
  close(): void {
    const stream = this.stream;
    this.stream = undefined;
    if (stream) {
      this.settle(stream, undefined, statusError(grpc.status.CANCELLED, 'task stream closed'));
      stream.cancel();
    }
  }

  private request(req: TaskStreamRequest, waitMs: number, signal?: AbortSignal): Promise<TaskStreamReply__Output> {
    if (this.pending) return Promise.reject(new Error('task stream: one request at a time'));
    if (signal?.aborted) return Promise.reject(statusError(grpc.status.CANCELLED, 'cancelled before it was sent'));
    const stream = this.open();
    return new Promise<TaskStreamReply__Output>((resolve, reject) => {
      // No reply in time: this stream is given up (a late reply must not answer a later request).
      const timer = setTimeout(() => this.abandon(stream, statusError(grpc.status.DEADLINE_EXCEEDED, `no reply from the master in ${this.deadlineMs + waitMs} ms`)), this.deadlineMs + waitMs);
      const onAbort = () => this.abandon(stream, statusError(grpc.status.CANCELLED, 'cancelled'));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending = {
        stream,
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      stream.write(req);
    });
  }

  private open(): Stream {
    if (this.stream) return this.stream;
    const stream = this.raw.taskStream(tokenMetadata(this.token));
    stream.on('data', (reply: TaskStreamReply__Output) => this.settle(stream, reply));
    // The status the master ended it with (NOT_FOUND, UNAUTHENTICATED...), or UNAVAILABLE.
    stream.on('error', (err: grpc.ServiceError) => this.drop(stream, err));
    stream.on('end', () => this.drop(stream, statusError(grpc.status.UNAVAILABLE, 'the master ended the task stream')));
    this.stream = stream;
    return stream;
  }

  private settle(stream: Stream, reply?: TaskStreamReply__Output, err?: grpc.ServiceError): void {
    const p = this.pending;
    if (!p || p.stream !== stream) return;
    this.pending = undefined;
    p.cleanup();
    if (reply) p.resolve(reply);
    else p.reject(err!);
  }

  /** The stream is gone: its pending request fails, and the next request opens a new one. */
  private drop(stream: Stream, err: grpc.ServiceError): void {
    if (this.stream === stream) this.stream = undefined;
    this.settle(stream, undefined, err);
  }

  private abandon(stream: Stream, err: grpc.ServiceError): void {
    this.drop(stream, err);
    stream.cancel();
  }
}
