import { execFile } from 'node:child_process';
import type Docker from 'dockerode';
import { EXIT, GomrError } from '../errors.js';
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
        return reject(new GomrError(`${tool} is not installed (or not on PATH); it is needed to load images into the cluster: ${installHint}`, EXIT.CLUSTER));
      }
      const lines = `${stdout}\n${stderr}`.trim().split('\n').filter(Boolean);
      const why = e.killed ? `took longer than ${timeoutMs / 1000} s` : (lines.at(-1) ?? `exit code ${e.code}`);
      reject(new GomrError(`${tool} ${args.slice(0, 2).join(' ')} failed: ${why}`, EXIT.CLUSTER, lines.slice(-TAIL).join('\n') || undefined));
    });
  });
}

/** `kind load docker-image IMAGE... --name CLUSTER`. */
export function kindImageLoader(cluster: string, timeoutMs = 600_000): ImageLoader {
  return {
    describe: `kind cluster ${cluster}`,
    load: (images) => run('kind', ['load', 'docker-image', ...images, '--name', cluster], 'https://kind.sigs.k8s.io/docs/user/quick-start/#installation', timeoutMs),
  };
}

/** `minikube image load IMAGE --profile PROFILE`, one image at a time. */
export function minikubeImageLoader(profile: string, timeoutMs = 600_000): ImageLoader {
  return {
    describe: `minikube profile ${profile}`,
    async load(images) {
      for (const image of images) await run('minikube', ['image', 'load', image, '--profile', profile], 'https://minikube.sigs.k8s.io/docs/start/', timeoutMs);
    },
  };
}

/** Pushes images (already named REGISTRY/...) with the Docker daemon's credentials. */
export function registryImageLoader(docker: () => Docker, registry: string): ImageLoader {
  return {
    describe: `registry ${registry}`,
    async load(images) {
      for (const image of images) {
        const log: string[] = [];
        try {
          const stream = await docker().getImage(image).push({});
          await new Promise<void>((resolve, reject) =>
            docker().modem.followProgress(
              stream,
              (err: Error | null) => (err ? reject(err) : resolve()),
              (e: { status?: string; error?: string }) => {
                if (e.status) log.push(e.status);
                if (e.error) reject(new Error(e.error));
              },
            ),
          );
        } catch (err) {
          throw new GomrError(`push of ${image} to ${registry} failed: ${(err as Error).message.split('\n')[0]}`, EXIT.CLUSTER, log.slice(-TAIL).join('\n') || undefined);
        }
      }
    },
  };
}

/** kind and minikube load images into their nodes; any other cluster pulls from --registry. */
export function imageLoaderFor(flavor: ClusterFlavor, clusterName: string, registry: string | undefined, docker: () => Docker): ImageLoader {
  if (registry) return registryImageLoader(docker, registry);
  if (flavor === 'kind') return kindImageLoader(clusterName);
  if (flavor === 'minikube') return minikubeImageLoader(clusterName);
  throw new GomrError(
    `context points at a cluster that is neither kind nor minikube (${clusterName}); pass --registry HOST[:PORT][/PATH] that its nodes can pull from`,
    EXIT.USAGE,
  );
}
