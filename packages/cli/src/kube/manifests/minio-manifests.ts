import type { V1Deployment, V1PersistentVolumeClaim, V1Secret, V1Service } from '@kubernetes/client-node';
import { componentLabels, MINIO } from '../resource-names.js';
import { containerSecurity, podSecurity } from './pod-security.js';

export interface MinioManifestOptions {
  namespace: string;
  /** @default DEFAULT_MINIO_IMAGE */
  image?: string;
  /** Size of the data volume. @default "10Gi" */
  volumeSize?: string;
  /** Storage class of the volume. @default the cluster's default class */
  storageClass?: string;
}

/**
 * The last community release of MinIO, from quay.io: `minio/minio` left Docker Hub in September
 * 2026 (every pull there answers "repository does not exist"), and MinIO is source-only since
 * October 2025, so no newer image will come. Fully qualified, so no registry mirror or
 * short-name policy changes what is pulled.
 */
export const DEFAULT_MINIO_IMAGE = 'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z';

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
          // MinIO talks to no Kubernetes API: no token in the pod.
          automountServiceAccountToken: false,
          // Non-root (Pod Security `restricted`); fsGroup makes the volume writable for it.
          securityContext: podSecurity,
          containers: [
            {
              name: 'minio',
              image: o.image ?? DEFAULT_MINIO_IMAGE,
              // The certificates folder defaults to $HOME/.minio/certs, which a non-root user of
              // the image cannot create: keep it in the pod's scratch volume.
              args: ['server', '/data', '--certs-dir', '/tmp/certs'],
              env: [
                { name: 'MINIO_ROOT_USER', valueFrom: fromSecret('MINIO_ROOT_USER') },
                { name: 'MINIO_ROOT_PASSWORD', valueFrom: fromSecret('MINIO_ROOT_PASSWORD') },
                { name: 'HOME', value: '/tmp' },
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
              resources: { requests: { cpu: '100m', memory: '256Mi', 'ephemeral-storage': '64Mi' }, limits: { memory: '1Gi' } },
              securityContext: containerSecurity,
              volumeMounts: [
                { name: 'data', mountPath: '/data' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'data', persistentVolumeClaim: { claimName: MINIO.pvc } },
            { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
          ],
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

/**
 * The in-cluster endpoint master and workers use. They run in MinIO's namespace, so the
 * Service's short name resolves (the pod's DNS search path holds `<namespace>.svc.<domain>`)
 * whatever the cluster's domain; with `clusterDomain`, the fully qualified name.
 */
export function minioClusterEndpoint(namespace: string, clusterDomain?: string): string {
  return `http://${serviceHost(MINIO.service, namespace, clusterDomain)}:${MINIO.port}`;
}

/** A Service's DNS name as pods of its namespace dial it: short, or fully qualified. */
export function serviceHost(service: string, namespace: string, clusterDomain?: string): string {
  return clusterDomain ? `${service}.${namespace}.svc.${clusterDomain}` : service;
}
