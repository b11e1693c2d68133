import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/*
 * Module hooks (node:module register) that let Node 20 import TypeScript: a .ts file is
 * transpiled by esbuild (types dropped, nothing checked), with an inline source map, so stacks
 * name the .ts file's own lines. Loaded by `@gomr/sdk/testing/register`.
 */

type Resolve = (specifier: string, context: object) => Promise<{ url: string; format?: string | null }>;
type Load = (url: string, context: object) => Promise<{ format?: string | null; source?: unknown; shortCircuit?: boolean }>;

const TS = /\.[cm]?tsx?$/;

export async function resolve(specifier: string, context: { parentURL?: string }, next: Resolve) {
  try {
    return await next(specifier, context);
  } catch (err) {
    // TypeScript's own rule: `./util.js` in a .ts file means ./util.ts.
    const parent = context.parentURL ?? '';
    if ((err as NodeJS.ErrnoException)?.code !== 'ERR_MODULE_NOT_FOUND' || !TS.test(parent) || !/^\.{1,2}\/.*\.[cm]?js$/.test(specifier)) throw err;
    return next(specifier.replace(/js$/, 'ts'), context);
  }
}

export async function load(url: string, context: { format?: string | null }, next: Load) {
  if (!url.startsWith('file:') || !TS.test(url) || url.includes('/node_modules/')) return next(url, context);
  const { transform } = await import('esbuild');
  const file = fileURLToPath(url);
  const { code } = await transform(await readFile(file, 'utf8'), {
    loader: url.endsWith('x') ? 'tsx' : 'ts',
    format: url.endsWith('.cts') ? 'cjs' : 'esm',
    sourcemap: 'inline',
    sourcefile: file,
    target: `node${process.versions.node.split('.')[0]}`,
  });
  return { format: url.endsWith('.cts') ? 'commonjs' : 'module', source: code, shortCircuit: true };
}
