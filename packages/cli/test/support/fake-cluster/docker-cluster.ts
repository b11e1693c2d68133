/**
 * The next best thing to a cluster on a machine that cannot run one: the fake API server with
 * its controllers, the Docker kubelet running its pods as containers (s3rver standing in for
 * MinIO), kube-proxy for its Services, a kubeconfig (a kind context) and a `kind` on PATH
 * whose `load docker-image` checks that the images are in the engine the kubelet runs them
 * from (a kind node's image store is a copy; here it is the same one).
 *
 * ```ts
 * const cluster = await startDockerCluster();
 * await runGomr(['start', ...], { env: cluster.env });
 * await cluster.stop();
 * ```
 */
import { chmod, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { DEFAULT_MINIO_IMAGE } from '../../../src/kube/manifests/minio-manifests.js';
import { tempDir } from '../run-gomr.js';
import { FakeKubeApi, type FakeKubeOptions } from './api-server.js';
import { DockerKubelet, type DockerKubeletOptions } from './docker-kubelet.js';
import { KubeProxy } from './kube-proxy.js';
import { startMinioStandIn } from './minio-stand-in.js';

export interface DockerClusterOptions {
  jobs?: FakeKubeOptions['jobs'];
  kubelet?: Partial<Omit<DockerKubeletOptions, 'subnet'>>;
  /** Images that run as s3rver. @default the default MinIO image */
  minioImages?: string[];
}

export interface DockerCluster {
  api: FakeKubeApi;
  kubelet: DockerKubelet;
  /** For the CLI: KUBECONFIG and PATH (with the fake kind). */
  env: NodeJS.ProcessEnv;
  dir: string;
  /** What the kubelet did, for failure messages. */
  log: string[];
  stop(): Promise<void>;
}

export async function startDockerCluster(o: DockerClusterOptions = {}): Promise<DockerCluster> {
  const dir = await tempDir('gomr-cluster-');
  // One 127.N.0.0/16 per cluster: pods from 127.N.1.1, Services from 127.N.200.1.
  const subnet = 100 + Math.floor(Math.random() * 150);
  const log: string[] = [];
  let kubelet: DockerKubelet | undefined;
  const api = new FakeKubeApi({
    kubelet: 'external',
    jobs: { backoffBaseMs: 1000, ...o.jobs },
    allocateClusterIP: (n) => `127.${subnet}.${200 + Math.floor(n / 254)}.${1 + (n % 254)}`,
    podLogs: (pod, query) => kubelet!.logs(pod, query),
  });
  await api.start();
  const minioImages = o.minioImages ?? [DEFAULT_MINIO_IMAGE];
  kubelet = new DockerKubelet(api, {
    subnet,
    standIns: Object.fromEntries(minioImages.map((i) => [i, startMinioStandIn])),
    pullBackoffBaseMs: 2000,
    crashBackoffBaseMs: 1000,
    log: (l) => log.push(`${new Date().toISOString().slice(11, 23)} ${l}`),
    ...o.kubelet,
  });
  await kubelet.start();
  const proxy = new KubeProxy(api.store);
  proxy.start();
  const kubeconfig = await api.writeKubeconfig(dir, 'kind-gomr-e2e');
  await writeFile(
    join(dir, 'kind'),
    `#!/bin/sh\n# kind load docker-image IMAGE... --name NAME: the node shares this engine; the images must be in it.\necho "$@" >> "${dir}/kind.log"\nshift 2\nfor a in "$@"; do case "$a" in --name) break;; esac; docker image inspect "$a" >/dev/null || exit 1; done\n`,
  );
  await chmod(join(dir, 'kind'), 0o755);
  return {
    api,
    kubelet,
    dir,
    log,
    env: { KUBECONFIG: kubeconfig, PATH: `${dir}${delimiter}${process.env.PATH}` },
    async stop() {
      await kubelet!.stop();
      await proxy.stop();
      await api.stop();
    },
  };
}
