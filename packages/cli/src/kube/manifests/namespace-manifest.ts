import type { V1Namespace } from '@kubernetes/client-node';
import { MANAGED_BY } from '../resource-names.js';

/** The namespace gomr works in, created by `gomr start` when missing. */
export function namespaceManifest(name: string): V1Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...MANAGED_BY } } };
}
