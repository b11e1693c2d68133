/**
 * A gRPC server that answers only GetStatus, with a scripted sequence of job states: what the
 * launcher sees through the port-forward to the master's pod in the fake-cluster tests.
 */
import * as grpc from '@grpc/grpc-js';
import { loadGomrProto, type JobStatus } from '@gomr/proto';

export interface FakeMaster {
  port: number;
  /** GetStatus calls answered so far. */
  calls: number;
  stop(): Promise<void>;
}

export async function startFakeMaster(states: Partial<JobStatus>[]): Promise<FakeMaster> {
  const server = new grpc.Server();
  const unimplemented = (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb({ code: grpc.status.UNIMPLEMENTED, details: 'fake master' });
  const fake = { port: 0, calls: 0, stop: async () => {} } as FakeMaster;
  server.addService(loadGomrProto().gomr.Master.service, {
    register: unimplemented,
    heartbeat: unimplemented,
    getStatus: (_call: unknown, cb: grpc.sendUnaryData<JobStatus>) => {
      const s = states[Math.min(fake.calls++, states.length - 1)]!;
      cb(null, { maps: { total: 2, done: 0, running: 0, failed: 0 }, reduces: { total: 2, done: 0, running: 0, failed: 0 }, ...s });
    },
  });
  fake.port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
  );
  fake.stop = () => new Promise<void>((r) => server.tryShutdown(() => r()));
  return fake;
}
