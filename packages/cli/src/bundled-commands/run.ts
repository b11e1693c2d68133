/**
 * The `run` command as oclif loads it (`npm run build` points oclif.manifest.json here): the
 * one-file bundle of commands/run.js when it is at least as new as the last compile of the CLI
 * and of every package in it, else commands/run.js itself, so that a stale bundle is harmless
 * after `tsc -b` alone. Loading one file instead of resolving some 150 modules takes ~60 ms of
 * CPU off the time before `gomr run` spawns anything (2-core VM). GOMR_UNBUNDLED_CLI=1 forces
 * commands/run.js.
 */
import { pathToFileURL } from 'node:url';
import type RunCommand from '../commands/run.js';
import { buildInfosOf, bundlesFresh, CLI_BUILD_INFO, GOMR_PACKAGES } from '../local/bundle-freshness.js';
import { commandBundle } from './command-bundles.js';

const bundle = commandBundle('run');
const fresh = process.env.GOMR_UNBUNDLED_CLI !== '1' && bundlesFresh([bundle], [CLI_BUILD_INFO, ...buildInfosOf(GOMR_PACKAGES)]);
const loaded = (fresh ? await import(pathToFileURL(bundle).href) : await import('../commands/run.js')) as { default: typeof RunCommand };

export default loaded.default;
