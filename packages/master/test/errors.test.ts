// The one mapping from the master's errors to the gRPC statuses its clients act on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { BadRequestError, masterHandlers, toStatus, UnauthenticatedError, UnknownWorkerError, type JobMaster } from '../src/index.js';

test('each error kind has its status: unknown worker NOT_FOUND, no token UNAUTHENTICATED, bad request INVALID_ARGUMENT', () => {
  assert.deepEqual(toStatus(new UnknownWorkerError('w-007')), { code: grpc.status.NOT_FOUND, details: 'unknown worker w-007; register again' });
  assert.deepEqual(toStatus(new UnauthenticatedError()), { code: grpc.status.UNAUTHENTICATED, details: 'missing or wrong job token' });
  assert.deepEqual(toStatus(new BadRequestError('a task stream request with neither get nor report')), {
    code: grpc.status.INVALID_ARGUMENT, details: 'a task stream request with neither get nor report',
  });
});

test('any other error is INTERNAL with its message, never its stack', () => {
  const err = new Error('disk on fire');
  assert.ok(err.stack?.includes('errors.test'), 'the error has a stack to leave out');
  assert.deepEqual(toStatus(err), { code: grpc.status.INTERNAL, details: 'disk on fire' });
  assert.deepEqual(toStatus(new TypeError('x is not a function')), { code: grpc.status.INTERNAL, details: 'x is not a function' });
});

test('a thrown non-error, or an error without a message, is still INTERNAL with a message', () => {
  assert.deepEqual(toStatus('plain string'), { code: grpc.status.INTERNAL, details: 'plain string' });
  for (const thrown of [undefined, null, new Error('')]) {
    const s = toStatus(thrown);
    assert.equal(s.code, grpc.status.INTERNAL);
    assert.ok(s.details.length > 0, `a message for ${String(thrown)}`);
  }
});

test('a handler whose master throws answers with the mapped status, not a crash', async () => {
  const master = {
    spec: { token: '' },
    register() {
      throw new Error('registry broken');
    },
    heartbeat() {
      throw new UnknownWorkerError('w-001');
    },
  } as unknown as JobMaster;
  const handlers = masterHandlers(master);
  const call = (request: object) => ({ request, metadata: new grpc.Metadata() }) as never;
  const answered = (invoke: (cb: grpc.sendUnaryData<unknown>) => void) =>
    new Promise<Partial<grpc.StatusObject> | null>((resolve) => invoke((err) => resolve(err as Partial<grpc.StatusObject> | null)));
  assert.deepEqual(await answered((cb) => handlers.Register(call({ host: 'h', pid: 1 }), cb)), { code: grpc.status.INTERNAL, details: 'registry broken' });
  assert.deepEqual(await answered((cb) => handlers.Heartbeat(call({ workerId: 'w-001' }), cb)), { code: grpc.status.NOT_FOUND, details: 'unknown worker w-001; register again' });
  const guarded = masterHandlers({ ...master, spec: { token: 'secret' } } as unknown as JobMaster);
  assert.deepEqual(await answered((cb) => guarded.Register(call({ host: 'h', pid: 1 }), cb)), { code: grpc.status.UNAUTHENTICATED, details: 'missing or wrong job token' });
});
