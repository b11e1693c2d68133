import { Flags } from '@oclif/core';
import { kubeApi, type KubeApi } from './kube-api.js';
import { loadKubeContext } from './kube-context.js';
import { DEFAULT_NAMESPACE } from './resource-names.js';

/** Which cluster and namespace: shared by every Kubernetes command. */
export const kubeFlags = {
  context: Flags.string({ description: 'kubeconfig context [default: the current context]' }),
  namespace: Flags.string({ char: 'n', default: DEFAULT_NAMESPACE, description: 'namespace gomr works in (created if missing)', env: 'GOMR_NAMESPACE' }),
  kubeconfig: Flags.string({ description: 'kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' }),
};

export function kubeApiFromFlags(f: { context?: string | undefined; kubeconfig?: string | undefined }): KubeApi {
  return kubeApi(loadKubeContext({ context: f.context, kubeconfig: f.kubeconfig }));
}
