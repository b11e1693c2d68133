import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { EXIT, GomrError } from '../errors.js';

/** What kind of cluster a context points at; it decides how images get into it. */
export type ClusterFlavor = 'kind' | 'minikube' | 'other';

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

/** kind names its contexts `kind-<cluster>`; minikube names them after the profile. */
export function detectFlavor(context: string, cluster: string, extensionsJson = ''): { flavor: ClusterFlavor; clusterName: string } {
  if (context.startsWith('kind-')) return { flavor: 'kind', clusterName: context.slice('kind-'.length) };
  if (context === 'minikube' || cluster === 'minikube' || extensionsJson.includes('minikube.sigs.k8s.io')) {
    return { flavor: 'minikube', clusterName: context };
  }
  return { flavor: 'other', clusterName: cluster };
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
    throw new GomrError(
      `no kubeconfig found (looked at ${files.join(', ')}); create a cluster (kind create cluster, minikube start) or set KUBECONFIG`,
      EXIT.CLUSTER,
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
    throw new GomrError(`cannot read the kubeconfig ${present.join(', ')}: ${(err as Error).message.split('\n')[0]}`, EXIT.CLUSTER);
  }
  const names = config.getContexts().map((c) => c.name);
  const context = o.context ?? config.getCurrentContext();
  if (!context || !names.includes(context)) {
    const which = o.context ? `context ${JSON.stringify(o.context)} is not` : 'no current context is set';
    throw new GomrError(`${which} in ${present.join(', ')} (contexts: ${names.join(', ') || 'none'}); pick one with --context`, EXIT.CLUSTER);
  }
  config.setCurrentContext(context);
  const ctx = config.getContextObject(context)!;
  const cluster = config.getCluster(ctx.cluster);
  if (!cluster) throw new GomrError(`context ${context} names cluster ${ctx.cluster}, which is not in the kubeconfig`, EXIT.CLUSTER);
  const { flavor, clusterName } = detectFlavor(context, cluster.name, JSON.stringify(ctx));
  return { config, context, server: cluster.server, flavor, clusterName };
}
