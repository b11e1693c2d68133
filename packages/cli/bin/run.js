#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ keeps V8's compiled code on disk (the module compile cache): a later run loads
// the CLI, and through the environment the master, the workers and their executor threads,
// without compiling them again. Node 20 has no such cache: nothing happens there.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off; NODE_COMPILE_CACHE=dir moves it.
const cache = module.enableCompileCache?.();
if (cache?.directory) process.env.NODE_COMPILE_CACHE ??= cache.directory;
const { execute } = await import('@oclif/core');
await execute({ dir: import.meta.url });
