import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type Docker from 'dockerode';
import { gomrHome } from '../job/gomr-home.js';
import { stageMasterContext, stageWorkerContext } from './build-context.js';
import { buildImage, type BuiltImage } from './build-image.js';

export const DEFAULT_BASE_IMAGE = 'node:26-slim';

export interface ImageSetOptions {
  workerFile: string;
  /** The Node image both images start from. @default "node:26-slim" */
  baseImage?: string;
  /**
   * Prefix of the image names, e.g. "registry.example:5000/team" gives
   * registry.example:5000/team/gomr-master:<hash>. @default none (local names)
   */
  repository?: string;
  /** linux/amd64 or linux/arm64 (see choosePlatform). @default the Docker daemon's platform */
  platform?: string;
  /** Where the build contexts are staged. @default $GOMR_HOME/build */
  buildDir?: string;
  /** Build output, line by line. */
  onLine?: (image: 'master' | 'worker', line: string) => void;
}

export interface ImageSet {
  master: BuiltImage;
  worker: BuiltImage;
  baseImage: string;
  /** The user's bundled worker file, as the worker image holds it (gomr replay fetches a copy from the store). */
  workerBundle: string;
  /** The platform asked for; undefined: the daemon's. */
  platform?: string;
}

/** Length of the content hash in a tag: enough to never collide in one registry. */
const TAG_LENGTH = 16;

/**
 * The master image and the worker image of one worker file, tagged by content hash: an
 * unchanged worker (and an unchanged gomr) is not rebuilt.
 */
export async function buildImageSet(docker: Docker, o: ImageSetOptions): Promise<ImageSet> {
  const baseImage = o.baseImage ?? DEFAULT_BASE_IMAGE;
  const buildDir = o.buildDir ?? join(gomrHome(), 'build');
  const prefix = o.repository ? `${o.repository.replace(/\/+$/, '')}/` : '';
  // One staging folder per worker file: its bundle's bytes then depend on the file only.
  const workerKey = createHash('sha256').update(resolve(o.workerFile)).digest('hex').slice(0, 12);

  const masterCtx = await stageMasterContext(join(buildDir, 'master'), baseImage, o.platform);
  const master = await buildImage(docker, masterCtx, {
    tag: `${prefix}gomr-master:${masterCtx.hash.slice(0, TAG_LENGTH)}`,
    baseImage,
    labels: { 'gomr.dev/component': 'master', 'gomr.dev/content-hash': masterCtx.hash },
    ...(o.platform ? { platform: o.platform } : {}),
    onLine: (l) => o.onLine?.('master', l),
  });
  const workerCtx = await stageWorkerContext(join(buildDir, `worker-${workerKey}`), o.workerFile, baseImage, o.platform);
  const worker = await buildImage(docker, workerCtx, {
    tag: `${prefix}gomr-worker:${workerCtx.hash.slice(0, TAG_LENGTH)}`,
    baseImage,
    labels: { 'gomr.dev/component': 'worker', 'gomr.dev/content-hash': workerCtx.hash },
    ...(o.platform ? { platform: o.platform } : {}),
    onLine: (l) => o.onLine?.('worker', l),
  });
  return { master, worker, baseImage, workerBundle: join(workerCtx.dir, 'worker.mjs'), ...(o.platform ? { platform: o.platform } : {}) };
}
