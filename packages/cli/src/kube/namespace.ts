import { createIfMissing, type CreateIfMissingOptions, type KubeApi } from './kube-api.js';
import { namespaceManifest } from './manifests/namespace-manifest.js';

/**
 * Makes sure the namespace exists (the first call that reaches the cluster); one that is
 * Terminating (`gomr down --purge` just before) is waited for and created again.
 */
export function ensureNamespace(api: KubeApi, name: string, o: CreateIfMissingOptions = {}): Promise<'created' | 'exists'> {
  return createIfMissing(
    api,
    `namespace ${name}`,
    () => api.core.readNamespace({ name }),
    () => api.core.createNamespace({ body: namespaceManifest(name) }),
    o,
  );
}
