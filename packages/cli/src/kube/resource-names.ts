/**
 * Names and labels of everything gomr creates in a cluster. One place, so that `gomr down`
 * finds exactly what `gomr start` made, and nothing else.
 */

/** Every object gomr creates carries this label; `gomr down` deletes by it. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'gomr' } as const;

export const LABEL = {
  name: 'app.kubernetes.io/name',
  component: 'app.kubernetes.io/component',
  managedBy: 'app.kubernetes.io/managed-by',
  job: 'gomr.dev/job',
} as const;

export type Component = 'minio' | 'master' | 'worker';

/** Labels of one component (and job, for master and workers). */
export function componentLabels(component: Component, jobId?: string): Record<string, string> {
  return {
    [LABEL.name]: 'gomr',
    [LABEL.component]: component,
    ...MANAGED_BY,
    ...(jobId ? { [LABEL.job]: jobId } : {}),
  };
}

/** A label selector string (`k=v,k=v`) for the API's list calls. */
export function selector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export const DEFAULT_NAMESPACE = 'gomr';

export const MINIO = {
  deployment: 'gomr-minio',
  service: 'gomr-minio',
  secret: 'gomr-minio-credentials',
  pvc: 'gomr-minio-data',
  port: 9000,
  /** The bucket every job uses. */
  bucket: 'gomr',
} as const;

/** The port the master serves gRPC on inside its pod. */
export const MASTER_PORT = 7070;
/** The port of the master's web status page inside its pod. */
export const MASTER_STATUS_PORT = 8080;

export const jobNames = (jobId: string) => ({
  secret: `gomr-job-${jobId}`,
  master: `gomr-master-${jobId}`,
  masterService: `gomr-master-${jobId}`,
  workers: `gomr-workers-${jobId}`,
});
