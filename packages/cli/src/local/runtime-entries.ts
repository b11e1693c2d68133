import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildInfosOf, bundlesFresh, GOMR_PACKAGES } from './bundle-freshness.js';

const require = createRequire(import.meta.url);

/** Where `npm run build` puts the bundled runtime (see build-local-runtime.ts). */
export const LOCAL_RUNTIME_DIR = fileURLToPath(new URL('../../runtime-bundles', import.meta.url));

/** The scripts the local runtime starts: the master, a worker, the pre-flight check. */
export interface RuntimeEntries {
  master: string;
  worker: string;
  check: string;
  /** True when these are the one-file bundles, false for the packages' own dist files. */
  bundled: boolean;
}

/** Paths of the bundles inside LOCAL_RUNTIME_DIR, laid out as build-local-runtime writes them. */
export function bundledEntries(dir = LOCAL_RUNTIME_DIR): Omit<RuntimeEntries, 'bundled'> {
  return {
    master: join(dir, 'master/dist/src/main.js'),
    worker: join(dir, 'runtime/worker-main.js'),
    check: join(dir, 'runtime/check-worker.js'),
  };
}

/**
 * The bundled runtime when it is at least as new as the last compile of every package it is
 * built from, else the packages' dist files. Each process then loads one file instead of
 * resolving a few hundred modules: a worker registers ~0.4 s sooner, the master listens ~0.15 s
 * sooner (2-core VM). The check makes a stale bundle harmless: after `tsc -b` alone rewrote a
 * package (its tsbuildinfo is newer), the processes run that package's fresh files instead.
 * GOMR_UNBUNDLED_RUNTIME=1 forces the dist files.
 */
export function runtimeEntries(): RuntimeEntries {
  const dist = {
    master: require.resolve('@gomr/master/main'),
    worker: require.resolve('@gomr/sdk/worker-main'),
    check: require.resolve('@gomr/sdk/check-worker'),
  };
  if (process.env.GOMR_UNBUNDLED_RUNTIME === '1') return { ...dist, bundled: false };
  return chooseRuntime(bundledEntries(), dist, buildInfosOf(GOMR_PACKAGES));
}

/** The bundles if every one exists and none is older than any of `buildInfos`, else `dist`. */
export function chooseRuntime(
  bundles: Omit<RuntimeEntries, 'bundled'>,
  dist: Omit<RuntimeEntries, 'bundled'>,
  buildInfos: string[],
): RuntimeEntries {
  return bundlesFresh(Object.values(bundles), buildInfos) ? { ...bundles, bundled: true } : { ...dist, bundled: false };
}
