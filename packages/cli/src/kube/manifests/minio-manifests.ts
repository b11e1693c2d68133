import type { V1Deployment, V1PersistentVolumeClaim, V1Secret, V1Service } from '@kubernetes/client-node';
import { componentLabels, MINIO } from '../resource-names.js';

export interface MinioManifestOptions {
  namespace: string;
  /** @default "minio/minio:RELEASE.2025-04-22T22-12-26Z" */
  image?: string;
  /** Size of the data volume. @default "10Gi" */
  volumeSize?: string;
  /** Storage class of the volume. @default the cluster's default class */
  storageClass?: string;
}

export const DEFAULT_MINIO_IMAGE = 'minio/minio:RELEASE.2025-04-22T22-12-26Z';

/**
 * The root credentials, generated once by `gomr start` and kept in the cluster, so a second run
 * (or another machine) finds the same store. No `minioadmin` defaults.
 */
export function minioCredentialsSecret(namespace: string, accessKey: string, secretKey: string): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: MINIO.secret, namespace, labels: componentLabels('minio') },
    type: 'Opaque',
    stringData: { MINIO_ROOT_USER: accessKey, MINIO_ROOT_PASSWORD: secretKey },
  };
}

export function minioVolumeClaim(o: MinioManifestOptions): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: MINIO.pvc, namespace: o.namespace, labels: componentLabels('minio') },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: o.volumeSize ?? '10Gi' } },
      ...(o.storageClass ? { storageClassName: o.storageClass } : {}),
    },
  };
}

export function minioDeployment(o: MinioManifestOptions): V1Deployment {
  const labels = componentLabels('minio');
  const fromSecret = (key: string) => ({ secretKeyRef: { name: MINIO.secret, key } });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: MINIO.deployment, namespace: o.namespace, labels },
    spec: {
      replicas: 1,
      // One ReadWriteOnce volume: the old pod must let go of it before the new one starts.
      strategy: { type: 'Recreate' },
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'minio',
              image: o.image ?? DEFAULT_MINIO_IMAGE,
              args: ['server', '/data'],
              env: [
                { name: 'MINIO_ROOT_USER', valueFrom: fromSecret('MINIO_ROOT_USER') },
                { name: 'MINIO_ROOT_PASSWORD', valueFrom: fromSecret('MINIO_ROOT_PASSWORD') },
              ],
              ports: [{ name: 's3', containerPort: MINIO.port }],
              readinessProbe: {
                httpGet: { path: '/minio/health/ready', port: MINIO.port },
                periodSeconds: 2,
                failureThreshold: 3,
              },
              livenessProbe: {
                httpGet: { path: '/minio/health/live', port: MINIO.port },
                initialDelaySeconds: 10,
                periodSeconds: 10,
              },
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: MINIO.pvc } }],
        },
      },
    },
  };
}

export function minioService(namespace: string): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: MINIO.service, namespace, labels: componentLabels('minio') },
    spec: {
      selector: componentLabels('minio'),
      ports: [{ name: 's3', port: MINIO.port, targetPort: MINIO.port }],
    },
  };
}

/** The in-cluster endpoint master and workers use. */
export function minioClusterEndpoint(namespace: string): string {
  return `http://${MINIO.service}.${namespace}.svc.cluster.local:${MINIO.port}`;
}
