#!/usr/bin/env node
import module from 'node:module';
import { join } from 'node:path';
import { oclifFor } from '../dist/src/bundled-commands/fast-start.js';
import { gomrHome } from '../dist/src/job/gomr-home.js';

// Node 22.1+ keeps V8's compiled code on disk (the module compile cache): a later run loads
// the CLI, and through the environment the master, the workers and their executor threads,
// without compiling them again. Node 20 has no such cache: nothing happens there. It is kept
// in gomr's home, not Node's default under TMPDIR, where gomr leaves nothing of its own.
// NODE_COMPILE_CACHE=dir moves it; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
const cache = module.enableCompileCache?.(process.env.NODE_COMPILE_CACHE || join(gomrHome(), 'cache', 'node-compile-cache'));
if (cache?.directory) process.env.NODE_COMPILE_CACHE = cache.directory;
// A bundled command (`gomr run`) runs with the oclif bundled beside it, others with @oclif/core.
const { execute } = await import(oclifFor(process.argv.slice(2)));
await execute({ dir: import.meta.url });
