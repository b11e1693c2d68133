import { Flags } from '@oclif/core';
import { UsageError } from '../errors.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, formatTimeout, kubeApi, parseRequestTimeout, REQUEST_TIMEOUT_ENV, type KubeApi } from './kube-api.js';
import { loadKubeContext } from './kube-context.js';
import { DEFAULT_NAMESPACE } from './resource-names.js';

const requestTimeout = Flags.string({
  description: `deadline of each Kubernetes API request (15s, 500ms, 2m; 0: none); a cluster that does not answer in time is "not reachable" [default: ${formatTimeout(DEFAULT_REQUEST_TIMEOUT_MS).replace(' ', '')}]`,
  env: REQUEST_TIMEOUT_ENV,
});

/** Which cluster and namespace: shared by every Kubernetes command. */
export const kubeFlags = {
  context: Flags.string({ description: 'kubeconfig context [default: the current context]' }),
  namespace: Flags.string({ char: 'n', default: DEFAULT_NAMESPACE, description: 'namespace gomr works in (created if missing)', env: 'GOMR_NAMESPACE' }),
  kubeconfig: Flags.string({ description: 'kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' }),
  'request-timeout': requestTimeout,
};

/**
 * The same flags for commands that read a job either on this machine or on Kubernetes (status,
 * jobs, ui). Kubernetes is chosen by --kube, or by giving --context, --namespace/-n or
 * --kubeconfig on the command line; environment variables alone (GOMR_NAMESPACE, KUBECONFIG)
 * never switch a command away from this machine.
 */
export const kubeSelectFlags = {
  kube: Flags.boolean({ default: false, description: "read the job from Kubernetes (the namespace's masters and its MinIO) instead of this machine" }),
  context: Flags.string({ description: 'kubeconfig context (implies --kube) [default: the current context]' }),
  namespace: Flags.string({ char: 'n', description: `namespace (implies --kube) [default: $GOMR_NAMESPACE, else ${DEFAULT_NAMESPACE}]` }),
  kubeconfig: Flags.string({ description: 'kubeconfig file (implies --kube) [default: $KUBECONFIG, else ~/.kube/config]' }),
  'request-timeout': requestTimeout,
};

/** The help paragraph that states the rule above. */
export const KUBE_SELECT_HELP = `On Kubernetes: --kube, or any of --context, --namespace (-n) and --kubeconfig given on the command line, reads the job from the cluster instead of this machine; the storage flags then do not apply (the cluster's own MinIO is read, through a port-forward, with the credentials in its Secret).`;

const KUBE_SELECTORS = new Set(['kube', 'context', 'namespace', 'kubeconfig']);
const STORAGE_FLAGS = new Set(['storage', 'store', 's3-endpoint', 's3-bucket', 's3-access-key', 's3-secret-key']);

/**
 * Whether a status/jobs/ui command targets Kubernetes, from the flags on its command line. The
 * storage flags name a store on this machine or S3, so giving them too is a usage error.
 */
export function wantsKube(raw: { type: string; flag?: string }[]): boolean {
  const given = raw.filter((t) => t.type === 'flag').map((t) => t.flag ?? '');
  const kube = given.some((f) => KUBE_SELECTORS.has(f));
  const storage = given.find((f) => STORAGE_FLAGS.has(f));
  if (kube && storage) {
    throw new UsageError(`--${storage} reads a store on this machine or S3; on Kubernetes gomr reads the cluster's MinIO (leave out --${storage}, or --kube/--context/--namespace/--kubeconfig)`);
  }
  return kube;
}

/** The namespace a status/jobs/ui command on Kubernetes works in. */
export function selectedNamespace(f: { namespace?: string | undefined }): string {
  return f.namespace || process.env.GOMR_NAMESPACE || DEFAULT_NAMESPACE;
}

export function kubeApiFromFlags(f: { context?: string | undefined; kubeconfig?: string | undefined; 'request-timeout'?: string | undefined }): KubeApi {
  const requestTimeoutMs = f['request-timeout'] === undefined ? DEFAULT_REQUEST_TIMEOUT_MS : parseRequestTimeout(f['request-timeout']);
  return kubeApi(loadKubeContext({ context: f.context, kubeconfig: f.kubeconfig }), { requestTimeoutMs });
}

/** How `gomr start` gets images the nodes can pull and run. */
export const imageFlags = {
  'image-pull-secret': Flags.string({
    description: 'Secret (type kubernetes.io/dockerconfigjson, in --namespace) the master and worker pods pull their images with, for a private --registry',
  }),
  platform: Flags.string({
    options: ['linux/amd64', 'linux/arm64'],
    description: "platform of the images [default: the nodes' architecture (status.nodeInfo.architecture)]; required when the nodes mix architectures",
  }),
};
