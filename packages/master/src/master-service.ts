import * as grpc from '@grpc/grpc-js';
import { loadGomrProto, tokenFrom, type MasterHandlers, type TaskStreamReply, type TaskStreamRequest__Output } from '@gomr/proto';
import type { JobMaster } from './job-master.js';
import { BadRequestError, toStatus, UnauthenticatedError, type ErrorStatus } from './errors.js';

/** Throws UnauthenticatedError unless the call carries the job's token (when it has one). */
function authorize(master: JobMaster, call: { metadata: grpc.Metadata }): void {
  if (master.spec.token && tokenFrom(call.metadata) !== master.spec.token) throw new UnauthenticatedError();
}

/**
 * Answers a unary call with what `run` returns or resolves to, or with toStatus of what it
 * throws or rejects with: every handler's errors go through the one mapping.
 */
function answer<T>(cb: grpc.sendUnaryData<T>, run: () => T | Promise<T>): void {
  let result: T | Promise<T>;
  try {
    result = run();
  } catch (err) {
    return cb(toStatus(err));
  }
  if (result instanceof Promise) result.then((r) => cb(null, r), (err: unknown) => cb(toStatus(err)));
  else cb(null, result);
}

/** Aborts when the client cancels the call or its deadline passes: a held call stops waiting. */
function cancelSignal(call: grpc.ServerUnaryCall<unknown, unknown>): AbortSignal {
  const controller = new AbortController();
  call.once('cancelled', () => controller.abort());
  return controller.signal;
}

/** The longest a GetStatus long poll is held. */
const MAX_STATUS_WAIT_MS = 10_000;

/** One plain function per RPC; only GetStatus is open without the token (read-only). */
export function masterHandlers(master: JobMaster): MasterHandlers {
  return {
    Register(call, cb) {
      answer(cb, () => {
        authorize(master, call);
        return master.register(call.request.host, call.request.pid);
      });
    },
    Heartbeat(call, cb) {
      answer(cb, () => {
        authorize(master, call);
        return master.heartbeat(call.request.workerId, call.request.taskId, call.request.attempt, call.request.progress);
      });
    },
    GetStatus(call, cb) {
      const waitMs = Math.min(Math.max(call.request.waitMs ?? 0, 0), MAX_STATUS_WAIT_MS);
      if (!waitMs) return answer(cb, () => master.status());
      const signal = cancelSignal(call);
      // A cancelled long poll is not answered: its client is gone.
      void master.waitForEnd(waitMs, signal).then(() => {
        if (!signal.aborted) answer(cb, () => master.status());
      }, (err: unknown) => cb(toStatus(err)));
    },
    TaskStream(call) {
      serveTaskStream(master, call);
    },
  };
}

/**
 * A worker's task loop on one stream: requests are answered in order, one reply each, by the
 * JobMaster's nextTask and reportBatch. An error ends the stream with its status
 * (NOT_FOUND for an unknown worker: it registers again and opens a new stream). A cancelled
 * stream (the worker left or gave up) releases a held request; a stopping master ends its
 * streams, so shutting down does not wait for them.
 */
function serveTaskStream(master: JobMaster, call: grpc.ServerDuplexStream<TaskStreamRequest__Output, TaskStreamReply>): void {
  try {
    authorize(master, call);
  } catch (err) {
    call.emit('error', toStatus(err));
    return;
  }
  const controller = new AbortController();
  let queue: Promise<void> = Promise.resolve();
  let over = false;
  const release = () => {
    over = true;
    controller.abort();
    unsubscribe();
  };
  const finish = (err?: ErrorStatus) => {
    if (over) return;
    release();
    if (err) call.emit('error', err);
    else call.end();
  };
  const unsubscribe = master.onStop(() => void queue.then(() => finish()));
  call.once('cancelled', release);
  call.on('error', release);
  call.on('end', () => void queue.then(() => finish()));
  call.on('data', (req: TaskStreamRequest__Output) => {
    queue = queue.then(async () => {
      if (over) return;
      try {
        let reply: TaskStreamReply;
        if (req.get) reply = { get: await master.nextTask(req.get.workerId, req.get.waitMs, controller.signal, req.get.maxTasks) };
        else if (req.report) {
          // The rest of a batch first, in order; then the last report, which may ask for more.
          const earlier = req.earlier.map((e) => ({ ...e, next: false }));
          reply = { report: await master.reportBatch(earlier, req.report, req.report.next ? controller.signal : undefined) };
        }
        else throw new BadRequestError('a task stream request with neither get nor report');
        if (!over) call.write(reply);
      } catch (err) {
        finish(toStatus(err));
      }
    });
  });
}

/**
 * The handlers of a master still opening: each call waits for it (or fails with what failed
 * it). main.ts binds the port before it has read the job spec, so that workers connect while
 * the spec is on its way.
 */
export function deferredHandlers(ready: Promise<JobMaster>): MasterHandlers {
  const handlers = ready.then(masterHandlers);
  handlers.catch(() => {});
  return {
    Register: (call, cb) => void handlers.then((h) => h.Register(call, cb), (err: unknown) => cb(toStatus(err))),
    Heartbeat: (call, cb) => void handlers.then((h) => h.Heartbeat(call, cb), (err: unknown) => cb(toStatus(err))),
    GetStatus: (call, cb) => void handlers.then((h) => h.GetStatus(call, cb), (err: unknown) => cb(toStatus(err))),
    TaskStream: (call) => void handlers.then((h) => h.TaskStream(call), (err: unknown) => call.emit('error', toStatus(err))),
  };
}

/**
 * A server with the master service added, for a master or one still opening (see
 * deferredHandlers); binding a port is separate so tests pick any.
 */
export function getServer(master: JobMaster | Promise<JobMaster>): grpc.Server {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
  server.addService(loadGomrProto().gomr.Master.service, master instanceof Promise ? deferredHandlers(master) : masterHandlers(master));
  return server;
}

/** PEM key pair for serving gRPC over TLS. */
export interface ServerTls {
  cert: Buffer;
  key: Buffer;
}

export function bindServer(server: grpc.Server, address: string, tls?: ServerTls): Promise<number> {
  const credentials = tls
    ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: tls.cert, private_key: tls.key }])
    : grpc.ServerCredentials.createInsecure();
  return new Promise((resolve, reject) => server.bindAsync(address, credentials, (err, port) => (err ? reject(err) : resolve(port))));
}
