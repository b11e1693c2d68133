/**
 * The `run` command as oclif loads it (`npm run build` points oclif.manifest.json here): the
 * one-file bundle of commands/run.js when it is fresh (commandBundleFresh), else
 * commands/run.js itself. Loading one file instead of resolving some 150 modules takes ~60 ms
 * of CPU off the time before `gomr run` spawns anything (2-core VM). bin/run.js runs a fresh
 * bundle through the oclif bundled with it (fast-start.ts), a stale one through @oclif/core.
 */
import { pathToFileURL } from 'node:url';
import type RunCommand from '../commands/run.js';
import { commandBundle, commandBundleFresh } from './command-bundles.js';

const loaded = (commandBundleFresh('run') ? await import(pathToFileURL(commandBundle('run')).href) : await import('../commands/run.js')) as {
  default: typeof RunCommand;
};

export default loaded.default;
