import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import yaml from 'js-yaml';
import { ClusterError } from '../errors.js';

/**
 * What kind of cluster a context points at; it decides how images get into it. 'host-docker':
 * the cluster's nodes use this machine's Docker image store (Docker Desktop, OrbStack, Rancher
 * Desktop with dockerd), so a built image is already there.
 */
export type ClusterFlavor = 'kind' | 'minikube' | 'host-docker' | 'other';

export interface KubeContext {
  config: KubeConfig;
  /** The context in use (current, or --context). */
  context: string;
  /** The API server's URL, for messages. */
  server: string;
  flavor: ClusterFlavor;
  /** kind's cluster name (`kind-NAME` context) or minikube's profile. */
  clusterName: string;
}

export interface LoadKubeContextOptions {
  /** A context of the kubeconfig. @default its current context */
  context?: string;
  /** @default $KUBECONFIG (colon-separated), else ~/.kube/config */
  kubeconfig?: string;
  env?: NodeJS.ProcessEnv;
}

/** Contexts of the desktop clusters whose nodes share the host's Docker image store. */
const HOST_DOCKER_CONTEXTS = new Set(['docker-desktop', 'docker-for-desktop', 'orbstack', 'rancher-desktop']);

/** The provider minikube writes in the extensions of its clusters and contexts. */
const MINIKUBE_PROVIDER = 'minikube.sigs.k8s.io';

/**
 * kind names its contexts `kind-<cluster>`; minikube marks its clusters and contexts with an
 * extension whose provider is minikube.sigs.k8s.io (and names them after the profile);
 * `extensionsJson` holds the raw kubeconfig's extensions of the context and its cluster.
 */
export function detectFlavor(context: string, cluster: string, extensionsJson = ''): { flavor: ClusterFlavor; clusterName: string } {
  if (context.startsWith('kind-')) return { flavor: 'kind', clusterName: context.slice('kind-'.length) };
  if (extensionsJson.includes(MINIKUBE_PROVIDER)) return { flavor: 'minikube', clusterName: cluster };
  if (context === 'minikube' || cluster === 'minikube') return { flavor: 'minikube', clusterName: context };
  if (HOST_DOCKER_CONTEXTS.has(context) || HOST_DOCKER_CONTEXTS.has(cluster)) return { flavor: 'host-docker', clusterName: cluster };
  return { flavor: 'other', clusterName: cluster };
}

type Named = { name?: unknown; extensions?: unknown; context?: { extensions?: unknown }; cluster?: { extensions?: unknown } };

/**
 * The `extensions` of a context and of its cluster, as JSON, from the kubeconfig files
 * themselves: client-node drops them when it loads a file. The first file naming an entry
 * wins, as with kubectl; an unreadable file gives no extensions (client-node reports it).
 */
export function rawExtensions(files: string[], context: string, cluster: string): string {
  const found: unknown[] = [];
  let contextSeen = false;
  let clusterSeen = false;
  for (const file of files) {
    let doc: { contexts?: Named[]; clusters?: Named[] } | undefined;
    try {
      doc = yaml.load(readFileSync(file, 'utf8')) as typeof doc;
    } catch {
      continue;
    }
    const ctx = !contextSeen ? doc?.contexts?.find((c) => c?.name === context) : undefined;
    if (ctx) {
      contextSeen = true;
      found.push(ctx.extensions, ctx.context?.extensions);
    }
    const cl = !clusterSeen ? doc?.clusters?.find((c) => c?.name === cluster) : undefined;
    if (cl) {
      clusterSeen = true;
      found.push(cl.extensions, cl.cluster?.extensions);
    }
  }
  return JSON.stringify(found.filter((e) => e !== undefined));
}

/**
 * Reads the kubeconfig the way kubectl does and picks the context. A missing kubeconfig, or a
 * context that is not in it, is one clear error (client-node itself would quietly fall back
 * to http://localhost:8080).
 */
export function loadKubeContext(o: LoadKubeContextOptions = {}): KubeContext {
  const env = o.env ?? process.env;
  const files = o.kubeconfig ? [o.kubeconfig] : env.KUBECONFIG ? env.KUBECONFIG.split(delimiter).filter(Boolean) : [join(env.HOME ?? homedir(), '.kube', 'config')];
  const present = files.filter((f) => existsSync(f));
  if (!present.length) {
    throw new ClusterError(
      `no kubeconfig found (looked at ${files.join(', ')}); create a cluster (kind create cluster, minikube start) or set KUBECONFIG`,
    );
  }
  const config = new KubeConfig();
  try {
    if (present.length === 1) config.loadFromFile(present[0]!);
    else {
      // Several files: merge them as kubectl does, the first file's current context wins.
      config.loadFromFile(present[0]!);
      for (const f of present.slice(1)) {
        const more = new KubeConfig();
        more.loadFromFile(f);
        config.mergeConfig(more, true);
      }
    }
  } catch (err) {
    throw new ClusterError(`cannot read the kubeconfig ${present.join(', ')}: ${(err as Error).message.split('\n')[0]}`);
  }
  const names = config.getContexts().map((c) => c.name);
  const context = o.context ?? config.getCurrentContext();
  if (!context || !names.includes(context)) {
    const which = o.context ? `context ${JSON.stringify(o.context)} is not` : 'no current context is set';
    throw new ClusterError(`${which} in ${present.join(', ')} (contexts: ${names.join(', ') || 'none'}); pick one with --context`);
  }
  config.setCurrentContext(context);
  const ctx = config.getContextObject(context)!;
  const cluster = config.getCluster(ctx.cluster);
  if (!cluster) throw new ClusterError(`context ${context} names cluster ${ctx.cluster}, which is not in the kubeconfig`);
  const { flavor, clusterName } = detectFlavor(context, cluster.name, rawExtensions(present, context, cluster.name));
  return { config, context, server: cluster.server, flavor, clusterName };
}
