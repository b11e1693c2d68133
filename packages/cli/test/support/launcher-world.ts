/**
 * A fake cluster for the launcher's tests: the fake API server, s3rver standing in for MinIO,
 * a fake master answering GetStatus, a fake `kind` on PATH, and port-forwards leading to them
 * (through the real port-forwarder and the fake server's WebSockets, or a stub). No real
 * cluster runs.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { startS3rver, type RunningS3rver } from '@gomr/storage/testing';
import { imageLoaderFor } from '../../src/kube/image-loader.js';
import { kubeApi } from '../../src/kube/kube-api.js';
import { startKubeJob, type StartKubeJobOptions } from '../../src/kube/kube-launcher.js';
import { loadKubeContext } from '../../src/kube/kube-context.js';
import { KubePortForwarder, type PortForwarder } from '../../src/kube/port-forward.js';
import { FakeKubeApi, type FakeKubeOptions } from './fake-kube-api.js';
import { startFakeMaster, type FakeMaster } from './fake-master.js';
import { repoRoot, tempDir } from './run-gomr.js';

const require = createRequire(import.meta.url);
/** s3rver checks only that an access key exists (it skips SigV4 checks): register MinIO's. */
const s3rverAccounts = require('s3rver/lib/models/account.js') as { DUMMY_ACCOUNT: { createKeyPair(a: string, s: string): void } };

export const inputs = ['river.txt', 'market.txt'].map((f) => join(repoRoot, 'examples/data', f));
export const IMAGES = { master: 'gomr-master:00000000000000aa', worker: 'gomr-worker:00000000000000bb' };

export interface World {
  kube: FakeKubeApi;
  s3: RunningS3rver;
  master: FakeMaster;
  dir: string;
  kubeconfig: string;
  kindLog: string;
  forwards: string[];
  /** While true, port-forwards to the master's pod lead nowhere (a dropped forward, a master that does not answer). */
  masterUnreachable: boolean;
  /** Run before stop(), by tests that start timers. */
  stops: (() => void)[];
  stop(): Promise<void>;
}

export async function world(opts: FakeKubeOptions = {}, masterStates: Record<string, unknown>[] = [{ state: 'MAPPING' }, { state: 'SUCCEEDED', outputKeys: ['jobs/x/output/part-00000'] }]): Promise<World> {
  const dir = await tempDir('gomr-kube-');
  const s3 = await startS3rver();
  let s3Port = 0;
  let masterPort = 0;
  const kube = new FakeKubeApi({
    // The port-forward protocol leads MinIO's pod to s3rver and the master's to the fake master.
    portForward: (pod, port) =>
      pod.startsWith('gomr-minio-') && port === 9000 ? s3Port : pod.startsWith('gomr-master-') && port === 7070 ? masterPort : undefined,
    ...opts,
    onCreate(obj) {
      opts.onCreate?.(obj);
      if (obj.kind === 'Secret' && obj.metadata.name === 'gomr-minio-credentials') {
        const d = (k: string) => Buffer.from(obj.data[k], 'base64').toString();
        s3rverAccounts.DUMMY_ACCOUNT.createKeyPair(d('MINIO_ROOT_USER'), d('MINIO_ROOT_PASSWORD'));
      }
    },
  });
  await kube.start();
  const kubeconfig = await kube.writeKubeconfig(dir);
  const master = await startFakeMaster(masterStates as never);
  s3Port = Number(new URL(s3.endpoint).port);
  masterPort = master.port;
  // A `kind` that records its arguments, and fails when told to.
  const kindLog = join(dir, 'kind.log');
  await writeFile(
    join(dir, 'kind'),
    `#!/bin/sh\necho "$@" >> "${kindLog}"\nif [ -n "$FAKE_KIND_FAIL" ]; then echo "ERROR: no nodes found for cluster \\"gomr-test\\"" >&2; exit 1; fi\n`,
  );
  await chmod(join(dir, 'kind'), 0o755);
  process.env.PATH = `${dir}${delimiter}${process.env.PATH}`;
  return {
    kube, s3, master, dir, kubeconfig, kindLog, forwards: [], masterUnreachable: false, stops: [],
    async stop() {
      process.env.PATH = process.env.PATH!.split(delimiter).filter((p) => p !== dir).join(delimiter);
      await Promise.all([kube.stop(), s3.stop(), master.stop()]);
    },
  };
}

/** Port-forwards to MinIO's pod reach s3rver; to the master's pod, the fake master. */
export function forwarder(w: World): PortForwarder {
  return {
    async open(namespace, pod, port) {
      w.forwards.push(`${namespace}/${pod}:${port}`);
      if (pod.startsWith('gomr-minio-') && port === 9000) return { localPort: Number(new URL(w.s3.endpoint).port), close: async () => {} };
      if (pod.startsWith('gomr-master-') && port === 7070) return { localPort: w.masterUnreachable ? await closedPort() : w.master.port, close: async () => {} };
      throw new Error(`unexpected port-forward to ${pod}:${port}`);
    },
  };
}

export function start(w: World, extra: Partial<StartKubeJobOptions> = {}, realPortForward = false) {
  const ctx = loadKubeContext({ kubeconfig: w.kubeconfig });
  const lines: string[] = [];
  const run = startKubeJob(
    {
      inputs, workers: 2, maps: 2, reducers: 2, params: {}, maxAttempts: 4, heartbeatTimeoutMs: 10_000,
      workerFile: 'worker.ts', namespace: 'gomr', pollMs: 20, minioTimeoutMs: 5000, podTimeoutMs: 5000,
      log: (l) => lines.push(l),
      ...extra,
    },
    {
      api: kubeApi(ctx),
      buildImages: async () => IMAGES,
      imageLoader: imageLoaderFor(ctx.flavor, ctx.clusterName, undefined, () => { throw new Error('no docker needed'); }),
      portForwarder: realPortForward ? new KubePortForwarder(ctx) : forwarder(w),
    },
  );
  return { run, lines };
}

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}
