import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorker } from '../bundle/bundle-worker.js';
import { checkWorker } from '../bundle/check-worker.js';
import { bundleMasterRuntime, bundleWorkerRuntime } from './runtime-bundles.js';

/** A folder ready to send to the Docker daemon, and the hash of everything in it. */
export interface BuildContext {
  dir: string;
  /** Every file path, relative to dir, sorted. */
  files: string[];
  /** sha256 over the file names and contents, the base image and the platform: the image's tag. */
  hash: string;
}

/** The repository root, where Dockerfile.master and Dockerfile.worker live. */
const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));

export function dockerfilePath(kind: 'master' | 'worker'): string {
  return join(repoRoot, `Dockerfile.${kind}`);
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

async function finish(dir: string, baseImage: string, platform?: string): Promise<BuildContext> {
  const files = await listFiles(dir);
  const h = createHash('sha256').update(`base-image ${baseImage}\n`);
  // Images of two platforms from the same files must not share a tag.
  if (platform) h.update(`platform ${platform}\n`);
  for (const f of files) h.update(`${f}\n`).update(await readFile(join(dir, f))).update('\n');
  return { dir, files, hash: h.digest('hex') };
}

async function fresh(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
}

/**
 * Stages the master's context in `dir` (always the same folder for the same user, so the
 * bundle's bytes, and so the tag, do not depend on where a job runs).
 */
export async function stageMasterContext(dir: string, baseImage: string, platform?: string): Promise<BuildContext> {
  await fresh(dir);
  await copyFile(dockerfilePath('master'), join(dir, 'Dockerfile'));
  await bundleMasterRuntime(dir);
  return finish(dir, baseImage, platform);
}

/** Stages a worker's context: the runtime and the user's file, bundled and checked. */
export async function stageWorkerContext(dir: string, workerFile: string, baseImage: string, platform?: string): Promise<BuildContext> {
  await fresh(dir);
  await copyFile(dockerfilePath('worker'), join(dir, 'Dockerfile'));
  await bundleWorkerRuntime(dir);
  const bundle = await bundleWorker(workerFile, join(dir, 'worker.mjs'));
  // Refuse a file that is not a gomr worker here, not in a pod that crash-loops.
  await checkWorker(bundle.path);
  return finish(dir, baseImage, platform);
}
