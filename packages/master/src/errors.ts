/**
 * The errors a master's RPC can end with, one class each, and toStatus: the one place that
 * turns an error into the gRPC status a client sees. Clients act on the code (a worker told
 * NOT_FOUND registers again), so each code is chosen here once, not at each throw or handler.
 *
 * What is not here is not an error: a stale or duplicate report is answered committed: false, a
 * worker of a finished job is answered EXIT, a heartbeat of a forgotten worker known: false.
 */
import { status } from '@grpc/grpc-js';

/** The worker id is not one this master knows (it restarted, or declared the worker lost). */
export class UnknownWorkerError extends Error {
  constructor(readonly workerId: string) {
    super(`unknown worker ${workerId}; register again`);
    this.name = 'UnknownWorkerError';
  }
}

/** The call lacks the job's token, or carries another. */
export class UnauthenticatedError extends Error {
  constructor() {
    super('missing or wrong job token');
    this.name = 'UnauthenticatedError';
  }
}

/** The request itself is malformed, whatever the job's state: sending it again cannot help. */
export class BadRequestError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'BadRequestError';
  }
}

/** What a handler passes to its callback, or emits on a stream, for an error. */
export interface ErrorStatus {
  code: status;
  details: string;
}

/**
 * The status for `err`. Anything not named above is the master's own fault: INTERNAL, with
 * the error's message and never its stack (the stack is for the master's log, not the wire).
 */
export function toStatus(err: unknown): ErrorStatus {
  if (err instanceof UnknownWorkerError) return { code: status.NOT_FOUND, details: err.message };
  if (err instanceof UnauthenticatedError) return { code: status.UNAUTHENTICATED, details: err.message };
  if (err instanceof BadRequestError) return { code: status.INVALID_ARGUMENT, details: err.message };
  const message = err instanceof Error ? err.message : err === undefined || err === null ? '' : String(err);
  return { code: status.INTERNAL, details: message || 'internal error in the master' };
}
