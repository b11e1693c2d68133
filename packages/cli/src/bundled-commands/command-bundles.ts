import { fileURLToPath } from 'node:url';
import { buildInfosOf, bundlesFresh, CLI_BUILD_INFO, GOMR_PACKAGES } from '../local/bundle-freshness.js';

/**
 * Commands oclif loads from a one-file bundle (see build-command-bundles.ts): `gomr run`,
 * whose start-up is the job's start-up.
 */
export const BUNDLED_COMMANDS = ['run'] as const;

/**
 * Where command ID's bundle is written. Two folders below dist/, as the compiled sources are
 * (dist/src/<folder>/): the `new URL('../../…', import.meta.url)` paths in them (the runtime
 * bundles, the starter files) resolve alike from the bundle and its chunks.
 */
export function commandBundle(id: string): string {
  return fileURLToPath(new URL(`../../command-bundles/${id}/${id}.js`, import.meta.url));
}

/** oclif's execute, bundled beside command ID's bundle and sharing its oclif chunk (oclif-entry.ts). */
export function oclifBundle(id: string): string {
  return fileURLToPath(new URL(`../../command-bundles/${id}/oclif.js`, import.meta.url));
}

/**
 * Whether command ID runs from its bundle: the bundle (and its oclif) are at least as new as the
 * last compile of the CLI and of every package in it, so a stale bundle is harmless after
 * `tsc -b` alone. GOMR_UNBUNDLED_CLI=1 says no.
 */
export function commandBundleFresh(id: string): boolean {
  if (process.env.GOMR_UNBUNDLED_CLI === '1') return false;
  return bundlesFresh([commandBundle(id), oclifBundle(id)], [CLI_BUILD_INFO, ...buildInfosOf(GOMR_PACKAGES)]);
}
