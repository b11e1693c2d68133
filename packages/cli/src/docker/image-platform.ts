import { UsageError } from '../errors.js';

/** The platforms gomr builds images for (its runtime is plain JavaScript on Node's images). */
export const PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** A node's `status.nodeInfo` in short. */
export interface NodeArch {
  name: string;
  /** e.g. "amd64", "arm64". */
  architecture: string;
  /** @default "linux" */
  operatingSystem?: string;
}

export interface PlatformChoice {
  /** undefined: the Docker daemon's own platform (nothing was known of the nodes). */
  platform?: Platform;
  /** Why, for the progress output: "linux/amd64, the nodes' (3 amd64)". */
  reason: string;
}

function isPlatform(p: string): p is Platform {
  return (PLATFORMS as readonly string[]).includes(p);
}

/**
 * The platform to build for: --platform when given, else the one platform of every node. Nodes
 * that mix platforms need --platform (an image of one platform crash-loops with "exec format
 * error" on the others); nodes gomr cannot build for are an error. When the nodes cannot be
 * listed (`nodes` undefined: listing nodes is cluster-scoped, often not allowed), the images
 * are built for the daemon's platform and the reason says so.
 */
export function choosePlatform(nodes: NodeArch[] | undefined, flag?: string, listError?: string): PlatformChoice {
  if (flag !== undefined) {
    if (!isPlatform(flag)) throw new UsageError(`--platform ${flag} is not one of ${PLATFORMS.join(', ')}`);
    return { platform: flag, reason: `${flag}, from --platform` };
  }
  if (!nodes || !nodes.length) {
    const why = nodes ? 'the cluster has no nodes yet' : `the nodes could not be listed${listError ? ` (${listError})` : ''}`;
    return { reason: `this machine's Docker platform: ${why}; pass --platform if the nodes differ` };
  }
  const byPlatform = new Map<string, string[]>();
  for (const n of nodes) {
    const p = `${n.operatingSystem || 'linux'}/${n.architecture}`;
    byPlatform.set(p, [...(byPlatform.get(p) ?? []), n.name]);
  }
  const summary = [...byPlatform].map(([p, names]) => `${p}: ${names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ')}`).join('; ');
  if (byPlatform.size > 1) {
    throw new UsageError(`the nodes mix platforms (${summary}); pass --platform ${PLATFORMS.join(' or --platform ')} (pods then need a nodeSelector on kubernetes.io/arch)`);
  }
  const only = [...byPlatform.keys()][0]!;
  if (!isPlatform(only)) throw new UsageError(`the nodes are ${only}; gomr builds ${PLATFORMS.join(' and ')} images only`);
  return { platform: only, reason: `${only}, the nodes' (${nodes.length} node${nodes.length === 1 ? '' : 's'})` };
}
