import * as grpc from '@grpc/grpc-js';
import { tokenMetadata } from './auth.js';
import { loadGomrProto } from './load-proto.js';
import type { MasterClient } from './generated/gomr/Master.js';
import type { RegisterRequest } from './generated/gomr/RegisterRequest.js';
import type { RegisterReply__Output } from './generated/gomr/RegisterReply.js';
import type { HeartbeatRequest } from './generated/gomr/HeartbeatRequest.js';
import type { HeartbeatReply__Output } from './generated/gomr/HeartbeatReply.js';
import type { JobStatus__Output } from './generated/gomr/JobStatus.js';
import type { StatusRequest } from './generated/gomr/StatusRequest.js';
import { TaskChannel } from './task-channel.js';

export interface MasterConnectionOptions {
  /** Per-job secret; the status call works without it. */
  token?: string;
  /** Deadline of each call. @default 10000 */
  deadlineMs?: number;
  /** PEM certificate(s) to trust: the connection uses TLS. @default plaintext */
  tlsCa?: Buffer;
}

type Unary<Req, Res> = (
  req: Req,
  md: grpc.Metadata,
  opts: grpc.CallOptions,
  cb: (err: grpc.ServiceError | null, res?: Res) => void,
) => grpc.ClientUnaryCall;

/** A promise-returning client of the master; every call carries a deadline and the token. */
export class MasterConnection {
  readonly raw: MasterClient;
  private readonly token: string;
  private readonly deadlineMs: number;
  private tasks?: TaskChannel;

  constructor(address: string, options: MasterConnectionOptions = {}) {
    const proto = loadGomrProto();
    const credentials = options.tlsCa ? grpc.credentials.createSsl(options.tlsCa) : grpc.credentials.createInsecure();
    this.raw = new proto.gomr.Master(address, credentials, {
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    });
    this.token = options.token ?? '';
    this.deadlineMs = options.deadlineMs ?? 10_000;
  }

  private call<Req, Res>(method: Unary<Req, Res>, req: Req, deadlineMs = this.deadlineMs, signal?: AbortSignal): Promise<Res> {
    return new Promise((resolve, reject) => {
      const call = method.call(
        this.raw,
        req,
        tokenMetadata(this.token),
        { deadline: Date.now() + deadlineMs },
        (err, res) => {
          signal?.removeEventListener('abort', cancel);
          if (err) reject(err);
          else resolve(res as Res);
        },
      );
      // Cancelling rejects the call with status CANCELLED.
      const cancel = () => call.cancel();
      if (signal?.aborted) cancel();
      else signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  register(req: RegisterRequest): Promise<RegisterReply__Output> {
    return this.call(this.raw.register as Unary<RegisterRequest, RegisterReply__Output>, req);
  }
  heartbeat(req: HeartbeatRequest): Promise<HeartbeatReply__Output> {
    return this.call(this.raw.heartbeat as Unary<HeartbeatRequest, HeartbeatReply__Output>, req);
  }
  /**
   * The job's status. With waitMs, a long poll: the master answers when the job ends or after
   * waitMs (the deadline is that much longer); `signal` cancels the call.
   */
  getStatus(options: { waitMs?: number; signal?: AbortSignal } = {}): Promise<JobStatus__Output> {
    const waitMs = options.waitMs ?? 0;
    return this.call(this.raw.getStatus as Unary<StatusRequest, JobStatus__Output>, { waitMs }, this.deadlineMs + waitMs, options.signal);
  }
  /** The worker's task loop on one stream (TaskStream), opened on first use. */
  taskChannel(): TaskChannel {
    this.tasks ??= new TaskChannel(this.raw, this.token, this.deadlineMs);
    return this.tasks;
  }
  /** Resolves when the channel is connected, rejects after timeoutMs. */
  waitForReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) =>
      this.raw.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve())),
    );
  }
  close(): void {
    this.tasks?.close();
    this.raw.close();
  }
}
