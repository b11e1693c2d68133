import type { KubernetesObject } from '@kubernetes/client-node';
import { jobSecret, masterJob, masterService, workersJob, type JobManifestOptions, type JobSecretData } from './job-manifests.js';
import { minioCredentialsSecret, minioDeployment, minioService, minioVolumeClaim, type MinioManifestOptions } from './minio-manifests.js';
import { namespaceManifest } from './namespace-manifest.js';

export * from './job-manifests.js';
export * from './minio-manifests.js';
export * from './namespace-manifest.js';
export * from './pod-security.js';
export * from './worker-memory.js';

/** The objects of the shared store, in the order they are created. */
export function storeManifests(o: MinioManifestOptions, credentials: { accessKey: string; secretKey: string }): KubernetesObject[] {
  return [
    namespaceManifest(o.namespace),
    minioCredentialsSecret(o.namespace, credentials.accessKey, credentials.secretKey),
    minioVolumeClaim(o),
    minioDeployment(o),
    minioService(o.namespace),
  ];
}

/**
 * The objects of one job: its Secret, the master Job and Service, the workers' Job (deployJob
 * creates the master Job first, so the others can name it as their owner).
 */
export function jobManifests(o: JobManifestOptions, secret: JobSecretData): KubernetesObject[] {
  return [jobSecret(o, secret), masterJob(o), masterService(o), workersJob(o)];
}
