import type Docker from 'dockerode';
import { EXIT, GomrError } from '../errors.js';
import type { BuildContext } from './build-context.js';

export interface BuildImageOptions {
  /** Full reference to tag the image with, e.g. gomr-worker:0123456789abcdef. */
  tag: string;
  /** The Dockerfiles' BASE_IMAGE argument. */
  baseImage: string;
  /** Labels put on the image. */
  labels?: Record<string, string>;
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
  if (await imageExists(docker, o.tag)) return { tag: o.tag, built: false };
  const log: string[] = [];
  const fail = (why: string): never => {
    throw new GomrError(`image ${o.tag} did not build: ${why}`, EXIT.CLUSTER, log.slice(-LOG_TAIL).join('\n') || undefined);
  };
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(
      { context: ctx.dir, src: ctx.files },
      { t: o.tag, buildargs: { BASE_IMAGE: o.baseImage }, labels: o.labels ?? {}, rm: true, forcerm: true },
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
  return { tag: o.tag, built: true };
}
