import { createIfMissing, type KubeApi } from './kube-api.js';
import { namespaceManifest } from './manifests/namespace-manifest.js';

/** Makes sure the namespace exists (the first call that reaches the cluster). */
export function ensureNamespace(api: KubeApi, name: string): Promise<'created' | 'exists'> {
  return createIfMissing(
    api,
    `namespace ${name}`,
    () => api.core.readNamespace({ name }),
    () => api.core.createNamespace({ body: namespaceManifest(name) }),
  );
}
