import { execFile } from 'node:child_process';
import type Docker from 'dockerode';
import { ClusterError, UsageError } from '../errors.js';
import type { DockerEvent } from '../docker/json-stream.js';
import { withHeartbeat } from '../docker/progress-throttle.js';
import { pushImage } from '../docker/push-image.js';
import { pushProgress } from '../docker/push-progress.js';
import { registryOf, resolveRegistryAuth } from '../docker/registry-auth.js';
import type { ClusterFlavor } from './kube-context.js';

/** Gets locally built images to where the cluster's nodes can run them. */
export interface ImageLoader {
  /** e.g. "kind cluster gomr", for progress lines. */
  readonly describe: string;
  load(images: string[]): Promise<void>;
}

/** Lines of a failed command's output shown under the error. */
const TAIL = 10;

function run(tool: string, args: string[], installHint: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(tool, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (!err) return resolve();
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      if (e.code === 'ENOENT') {
        return reject(new ClusterError(`${tool} is not installed (or not on PATH); it is needed to load images into the cluster: ${installHint}`));
      }
      const lines = `${stdout}\n${stderr}`.trim().split('\n').filter(Boolean);
      const why = e.killed ? `took longer than ${timeoutMs / 1000} s` : (lines.at(-1) ?? `exit code ${e.code}`);
      reject(new ClusterError(`${tool} ${args.slice(0, 2).join(' ')} failed: ${why}`, lines.slice(-TAIL).join('\n') || undefined));
    });
  });
}

/** Progress lines of a load (stderr, throttled); undefined: none. */
export type LoadProgress = ((line: string) => void) | undefined;

/** `kind load docker-image IMAGE... --name CLUSTER`. */
export function kindImageLoader(cluster: string, timeoutMs = 600_000, progress?: LoadProgress): ImageLoader {
  return {
    describe: `kind cluster ${cluster}`,
    load: (images) =>
      withHeartbeat(
        `      still loading ${images.length} image${images.length === 1 ? '' : 's'} into kind cluster ${cluster}`,
        progress,
        run('kind', ['load', 'docker-image', ...images, '--name', cluster], 'https://kind.sigs.k8s.io/docs/user/quick-start/#installation', timeoutMs),
      ),
  };
}

/** `minikube image load IMAGE --profile PROFILE`, one image at a time. */
export function minikubeImageLoader(profile: string, timeoutMs = 600_000, progress?: LoadProgress): ImageLoader {
  return {
    describe: `minikube profile ${profile}`,
    async load(images) {
      for (const image of images) {
        progress?.(`      loading ${image}`);
        await withHeartbeat(`      still loading ${image} into minikube profile ${profile}`, progress, run('minikube', ['image', 'load', image, '--profile', profile], 'https://minikube.sigs.k8s.io/docs/start/', timeoutMs));
      }
    },
  };
}

/**
 * Pushes images (already named REGISTRY/...) with the credentials the docker CLI would use
 * for that registry (Docker config auths, credHelpers, credsStore), exactly the tag named.
 */
export function registryImageLoader(docker: () => Docker, registry: string, o: { env?: NodeJS.ProcessEnv; onEvent?: (image: string, e: DockerEvent) => void } = {}): ImageLoader {
  return {
    describe: `registry ${registry}`,
    async load(images) {
      for (const image of images) {
        const host = registryOf(image);
        const auth = await resolveRegistryAuth(host, { env: o.env });
        await pushImage(docker(), image, { registry: host, auth, onEvent: (e) => o.onEvent?.(image, e) });
      }
    },
  };
}

/** For clusters whose nodes use this machine's Docker image store: nothing to move. */
export function hostDockerImageLoader(cluster: string): ImageLoader {
  return { describe: `${cluster} (its nodes use this machine's Docker images: nothing to load)`, load: async () => {} };
}

/**
 * kind and minikube load images into their nodes; Docker Desktop, OrbStack and Rancher Desktop
 * already have them; any other cluster pulls from --registry.
 */
export function imageLoaderFor(flavor: ClusterFlavor, clusterName: string, registry: string | undefined, docker: () => Docker, progress?: LoadProgress): ImageLoader {
  if (registry) {
    const shown = new Map<string, (e: DockerEvent) => void>();
    const onEvent = (image: string, e: DockerEvent) => {
      if (!progress) return;
      if (!shown.has(image)) shown.set(image, pushProgress(image, progress));
      shown.get(image)!(e);
    };
    return registryImageLoader(docker, registry, { onEvent });
  }
  if (flavor === 'kind') return kindImageLoader(clusterName, undefined, progress);
  if (flavor === 'minikube') return minikubeImageLoader(clusterName, undefined, progress);
  if (flavor === 'host-docker') return hostDockerImageLoader(clusterName);
  throw new UsageError(
    `context points at a cluster that is not kind, minikube, Docker Desktop, OrbStack or Rancher Desktop (${clusterName}); pass --registry HOST[:PORT][/PATH] that its nodes can pull from`,
  );
}
