import type { KubernetesObject } from '@kubernetes/client-node';
import { jobManifests, storeManifests } from './index.js';

/**
 * The contents of deploy/*.yaml: the objects `gomr start` creates, with placeholders where it
 * fills in real values. The files are written by scripts/gen-deploy-manifests.mjs and a test
 * keeps them equal to what the code produces, so they can be read (or applied by hand) alone.
 */
export function deployFiles(): Record<string, { comment: string[]; objects: KubernetesObject[] }> {
  return {
    'minio.yaml': {
      comment: [
        'The shared store: MinIO with its root credentials, data volume and Service.',
        'Generated from packages/cli/src/kube/manifests by scripts/gen-deploy-manifests.mjs; do not edit.',
        '`gomr start` creates these in the namespace (default gomr) when missing; it generates the',
        'credentials once (random, never minioadmin) and keeps them in the Secret.',
      ],
      objects: storeManifests({ namespace: 'gomr' }, { accessKey: '<generated>', secretKey: '<generated>' }),
    },
    'job.yaml': {
      comment: [
        'One job: the master (a Job of one pod, restarted on failure), its Secret (storage config, gRPC',
        'token) and Service, and the workers (an Indexed Job, one pod per --workers). The last three are',
        'owned by the master Job: deleting it deletes them. The job spec is in MinIO (specs/<job id>.json).',
        'Generated from packages/cli/src/kube/manifests by scripts/gen-deploy-manifests.mjs; do not edit.',
        '`gomr start` fills in the job id, the images (tagged by content hash), the Secret and the',
        "master Job's uid.",
      ],
      objects: jobManifests(
        {
          namespace: 'gomr', jobId: 'example-job', masterImage: 'gomr-master:CONTENT-HASH', workerImage: 'gomr-worker:CONTENT-HASH', workers: 2,
          owner: { name: 'gomr-master-example-job', uid: '<the master Job uid>' },
        },
        { storageJson: '<the storage config, JSON>', token: '<generated>' },
      ),
    },
  };
}
