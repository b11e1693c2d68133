import type Docker from 'dockerode';
import { ClusterError, GomrError, UsageError } from '../errors.js';
import { dockerEvents, eventError, type DockerEvent } from './json-stream.js';
import type { ResolvedAuth } from './registry-auth.js';

/** Lines of the push log shown under a failed push. */
const LOG_TAIL = 10;

/** An image reference split the way the Engine's push endpoint wants it: repository, then tag. */
export function splitTag(image: string): { repository: string; tag: string } {
  if (image.includes('@')) throw new UsageError(`cannot push ${image}: it names a digest, not a tag`);
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  // A colon before the last slash is a registry port (127.0.0.1:5000/x), not a tag.
  if (colon <= slash) throw new UsageError(`cannot push ${image}: it has no tag (without one, Docker pushes every tag of the repository)`);
  return { repository: image.slice(0, colon), tag: image.slice(colon + 1) };
}

export interface PushImageOptions {
  /** The registry's name, for messages. */
  registry: string;
  auth: ResolvedAuth;
  /** Every event of the push stream (progress display). */
  onEvent?: (e: DockerEvent) => void;
}

/**
 * Pushes exactly the tag `image` names (the Engine pushes every local tag of the repository
 * when none is given), with X-Registry-Auth always set (an empty object when there are no
 * credentials: current Docker answers 400 without the header). The push stream is read to the
 * end; its first error event fails the push with the registry's own words.
 */
export async function pushImage(docker: Docker, image: string, o: PushImageOptions): Promise<void> {
  const { repository, tag } = splitTag(image);
  const log: string[] = [];
  const fail = (why: string): never => {
    const hint = /unauthori[sz]ed|authentication required|denied|401|403/i.test(why) ? ` (credentials: ${o.auth.source})` : '';
    throw new ClusterError(`push of ${image} to ${o.registry} failed: ${why}${hint}`, log.slice(-LOG_TAIL).join('\n') || undefined);
  };
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await docker.getImage(repository).push({ tag, authconfig: o.auth.auth })) as NodeJS.ReadableStream;
  } catch (err) {
    return fail((err as Error).message.split('\n')[0]!);
  }
  let pushedDigest = false;
  try {
    for await (const e of dockerEvents(stream)) {
      const error = eventError(e);
      if (error) fail(error);
      if (e.status) log.push(e.id ? `${e.id}: ${e.status}` : e.status);
      if (e.aux && typeof e.aux === 'object' && 'Digest' in e.aux) pushedDigest = true;
      o.onEvent?.(e);
    }
  } catch (err) {
    if (err instanceof GomrError) throw err;
    fail((err as Error).message);
  }
  // A stream that ends without the digest of the pushed manifest did not finish the push.
  if (!pushedDigest) fail(`the push stream ended before the registry confirmed the image${log.length ? ` (last: ${log.at(-1)})` : ''}`);
}
