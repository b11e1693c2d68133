#!/usr/bin/env node
// Run by `npm run build` after `tsc -b`: what makes `gomr run` start fast.
// 1. packages/cli/oclif.manifest.json: with it, oclif loads only the command being run instead
//    of importing every command module (and with them dockerode and the Kubernetes client) to
//    learn their flags: `gomr --version` went from ~0.9 s to ~0.35 s on a 2-core VM.
// 2. packages/cli/dist/runtime-bundles: the master, worker and pre-flight check as one file
//    each (see src/local/runtime-entries.ts).
// 3. packages/cli/dist/command-bundles: `gomr run` as one file, which the manifest names through
//    src/bundled-commands/run.ts (it falls back to commands/run.js when the bundle is stale).
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Config } from '@oclif/core';
import { buildLocalRuntime } from '../dist/src/local/build-local-runtime.js';
import { buildCommandBundles } from '../dist/src/bundled-commands/build-command-bundles.js';
import { BUNDLED_COMMANDS } from '../dist/src/bundled-commands/command-bundles.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifestUrl = new URL('../oclif.manifest.json', import.meta.url);
// Config.load's ignoreManifest does not reach the root plugin (@oclif/core 4): with the old
// manifest there, the new one would be a copy of it, missing every flag added since.
rmSync(manifestUrl, { force: true });
const config = await Config.load({ root, ignoreManifest: true });
const plugin = config.plugins.get(config.pjson.name);
if (!plugin) throw new Error(`plugin ${config.pjson.name} not found under ${root}`);
const manifest = { commands: plugin.manifest.commands, version: plugin.manifest.version };
for (const id of BUNDLED_COMMANDS) manifest.commands[id].relativePath = ['dist', 'src', 'bundled-commands', `${id}.js`];
writeFileSync(manifestUrl, JSON.stringify(manifest, null, 2) + '\n');
await Promise.all([buildLocalRuntime(), buildCommandBundles()]);
