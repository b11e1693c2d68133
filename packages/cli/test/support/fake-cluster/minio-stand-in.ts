/**
 * What runs in place of the MinIO container: no MinIO image can be pulled on the machines gomr
 * is developed on. s3rver (a real S3-protocol server) in this process, bound to the pod's IP
 * and MinIO's port, storing in the pod's /data volume (so a restarted pod finds its objects,
 * and deleting the claim deletes them), taking the root credentials the pod's environment
 * gives MinIO, and answering MinIO's health paths for the readiness probe.
 */
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
/** s3rver checks only that an access key exists (it skips SigV4 checks): register MinIO's. */
const accounts = require('s3rver/lib/models/account.js') as { DUMMY_ACCOUNT: { createKeyPair(a: string, s: string): void } };
/** The part of s3rver's API used here (its types live in @gomr/storage's private .d.ts). */
interface S3rverServer {
  middleware: ((ctx: { path: string; status: number; body: unknown }, next: () => Promise<void>) => Promise<void>)[];
  httpServer?: { closeAllConnections(): void };
  run(): Promise<unknown>;
  close(): Promise<void>;
}
const S3rver = require('s3rver') as new (o: object) => S3rverServer;

export interface StandInContext {
  ip: string;
  env: Record<string, string>;
  /** mountPath -> directory on this machine. */
  mounts: Record<string, string>;
  log: (line: string) => void;
}

export interface RunningStandIn {
  /** Resolves with an exit code when it stops. */
  exited: Promise<number>;
  /** SIGTERM: stops serving. */
  stop(): Promise<void>;
}

export async function startMinioStandIn(ctx: StandInContext): Promise<RunningStandIn> {
  const user = ctx.env.MINIO_ROOT_USER;
  const password = ctx.env.MINIO_ROOT_PASSWORD;
  if (!user || !password) throw new Error('MINIO_ROOT_USER and MINIO_ROOT_PASSWORD must be set');
  accounts.DUMMY_ACCOUNT.createKeyPair(user, password);
  const directory = ctx.mounts['/data'] ?? (await mkdtemp(join(tmpdir(), 'gomr-minio-')));
  const server = new S3rver({ address: ctx.ip, port: 9000, silent: true, directory, vhostBuckets: false });
  const routerAt = server.middleware.length - 1;
  server.middleware.splice(routerAt, 0, async (c, next) => {
    if (c.path === '/minio/health/ready' || c.path === '/minio/health/live') {
      c.status = 200;
      c.body = '';
      return;
    }
    return next();
  });
  await server.run();
  ctx.log(`s3rver (MinIO stand-in) on ${ctx.ip}:9000, data in ${directory}`);
  let done!: (code: number) => void;
  const exited = new Promise<number>((r) => (done = r));
  return {
    exited,
    async stop() {
      server.httpServer?.closeAllConnections();
      await server.close();
      done(0);
    },
  };
}
