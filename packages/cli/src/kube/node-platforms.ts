import type { NodeArch } from '../docker/image-platform.js';
import { apiMessage, apiStatus, kubeCall, type KubeApi } from './kube-api.js';

/**
 * The architecture of every node (status.nodeInfo), or why they could not be listed: a user
 * allowed one namespace only gets 403 on nodes, which must not stop a job.
 */
export async function nodeArchitectures(api: KubeApi): Promise<{ nodes?: NodeArch[]; error?: string }> {
  try {
    const list = await kubeCall(api, 'list nodes', () => api.core.listNode());
    return {
      nodes: list.items.map((n) => ({
        name: n.metadata?.name ?? '?',
        architecture: n.status?.nodeInfo?.architecture ?? 'unknown',
        operatingSystem: n.status?.nodeInfo?.operatingSystem ?? 'linux',
      })),
    };
  } catch (err) {
    const status = apiStatus(err);
    return { error: status ? `${status}: ${apiMessage(err)}` : (err as Error).message.split('\n')[0] };
  }
}
