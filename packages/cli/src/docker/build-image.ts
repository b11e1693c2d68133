import type Docker from 'dockerode';
import { ClusterError } from '../errors.js';
import type { BuildContext } from './build-context.js';

export interface BuildImageOptions {
  /** Full reference to tag the image with, e.g. gomr-worker:0123456789abcdef. */
  tag: string;
  /** The Dockerfiles' BASE_IMAGE argument. */
  baseImage: string;
  /** Labels put on the image. */
  labels?: Record<string, string>;
  /**
   * The image's platform (the Engine's build `platform`); the built image is checked to be of
   * it. @default the daemon's own
   */
  platform?: string;
  /** Called with each line of the build's output. */
  onLine?: (line: string) => void;
}

export interface BuiltImage {
  tag: string;
  /** false when an image with this tag (the content hash) already existed. */
  built: boolean;
}

/** Lines of the build log shown when a build fails. */
const LOG_TAIL = 15;

/** The image's os/architecture, as the daemon has it. */
async function platformOf(docker: Docker, tag: string): Promise<string> {
  const i = await docker.getImage(tag).inspect();
  return `${i.Os}/${i.Architecture}`;
}

/**
 * Fails when `tag` is not of `platform`: the classic builder takes a local base image of
 * another platform as it is and labels nothing, and the pods would die with "exec format error".
 */
async function checkPlatform(docker: Docker, tag: string, baseImage: string, platform: string | undefined): Promise<void> {
  if (!platform) return;
  const actual = await platformOf(docker, tag);
  if (actual !== platform) {
    throw new ClusterError(
      `image ${tag} is ${actual}, not ${platform}: the base image ${baseImage} has no ${platform} variant on this Docker daemon (use a multi-platform base image such as node:24-slim, or pull ${baseImage} for ${platform} first)`,
    );
  }
}

export async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

/**
 * Builds `ctx` into `tag` unless an image with that tag exists: the tag is a hash of the
 * context, so an existing tag means the same bytes. A failed build is one error with the tail
 * of the build log.
 */
export async function buildImage(docker: Docker, ctx: BuildContext, o: BuildImageOptions): Promise<BuiltImage> {
  if (await imageExists(docker, o.tag)) {
    await checkPlatform(docker, o.tag, o.baseImage, o.platform);
    return { tag: o.tag, built: false };
  }
  const log: string[] = [];
  const fail = (why: string): never => {
    throw new ClusterError(`image ${o.tag} did not build: ${why}`, log.slice(-LOG_TAIL).join('\n') || undefined);
  };
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(
      { context: ctx.dir, src: ctx.files },
      { t: o.tag, buildargs: { BASE_IMAGE: o.baseImage }, labels: o.labels ?? {}, rm: true, forcerm: true, ...(o.platform ? { platform: o.platform } : {}) },
    );
  } catch (err) {
    return fail((err as Error).message);
  }
  const result = await new Promise<{ error?: string }>((resolve) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null) => resolve(err ? { error: err.message } : {}),
      (event: { stream?: string; status?: string; error?: string; errorDetail?: { message?: string } }) => {
        const text = event.stream ?? event.status ?? '';
        for (const line of text.split('\n')) {
          if (!line.trim()) continue;
          log.push(line);
          o.onLine?.(line);
        }
        if (event.error) log.push(event.error);
      },
    );
  });
  // The daemon reports a failed step as an event in the stream, not as an HTTP error.
  const errorLine = result.error ?? (await imageExists(docker, o.tag) ? undefined : log.at(-1) ?? 'no image was produced');
  if (errorLine) fail(errorLine.replace(/\s+/g, ' ').trim());
  await checkPlatform(docker, o.tag, o.baseImage, o.platform).catch(async (err: unknown) => {
    // Not left behind under a tag that says another platform.
    await docker.getImage(o.tag).remove().catch(() => {});
    throw err;
  });
  return { tag: o.tag, built: true };
}
