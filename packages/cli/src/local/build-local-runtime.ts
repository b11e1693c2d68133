import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { bundleMasterRuntime, bundleWorkerRuntime, RUNTIME_BUNDLE_OPTIONS } from '../docker/runtime-bundles.js';
import { LOCAL_RUNTIME_DIR } from './runtime-entries.js';

const require = createRequire(import.meta.url);

/**
 * Bundles the master, the worker (with its executor thread) and the pre-flight check into
 * `dir`, the same bundles the container images carry, plus the check. Run by `npm run build`
 * (scripts/post-build.mjs); runtimeEntries() picks them up when they are fresh.
 */
export async function buildLocalRuntime(dir = LOCAL_RUNTIME_DIR): Promise<void> {
  // Chunk names carry a content hash: each build would add to the last one's.
  await rm(dir, { recursive: true, force: true });
  await Promise.all([bundleMasterRuntime(dir), bundleWorkerRuntime(dir)]);
  await esbuild.build({
    ...RUNTIME_BUNDLE_OPTIONS,
    entryPoints: { 'check-worker': require.resolve('@gomr/sdk/check-worker') },
    outdir: join(dir, 'runtime'),
  });
}
