import { cp, mkdir, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);

/** CommonJS dependencies (minio, grpc-js) inside an ESM bundle still call require(). */
const requireShim = "import { createRequire as __gomrCreateRequire } from 'node:module'; const require = __gomrCreateRequire(import.meta.url);";

export const RUNTIME_BUNDLE_OPTIONS: esbuild.BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  // What is imported with import() (the S3 client, minio: a third of each bundle) goes into a
  // chunk of its own, read only by a process that opens an S3 store.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  target: 'node20',
  sourcemap: true,
  logLevel: 'silent',
  banner: { js: requireShim },
  // Same input, same bytes: the image tag is a hash of these files.
  legalComments: 'none',
};

/** `{"type":"module"}` beside the bundles, so node reads their .js files as ES modules. */
async function moduleMarker(dir: string): Promise<void> {
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
}

/**
 * The master as one file, laid out as in its package (master/dist/src/main.js beside
 * master/static/), because the status page finds its files relative to the code.
 */
export async function bundleMasterRuntime(contextDir: string): Promise<void> {
  const mainJs = require.resolve('@gomr/master/main');
  await esbuild.build({ ...RUNTIME_BUNDLE_OPTIONS, entryPoints: { main: mainJs }, outdir: join(contextDir, 'master/dist/src') });
  const staticDir = join(dirname(mainJs), '../../static');
  if (await stat(staticDir).catch(() => null)) await cp(staticDir, join(contextDir, 'master/static'), { recursive: true });
  await moduleMarker(contextDir);
}

/**
 * The worker runtime: worker-main.js and executor-thread.js side by side in runtime/, because
 * the task executor starts its thread from `new URL('./executor-thread.js', import.meta.url)`,
 * which esbuild leaves as it is. Two entry points, each a whole bundle.
 */
export async function bundleWorkerRuntime(contextDir: string): Promise<void> {
  const workerMain = require.resolve('@gomr/sdk/worker-main');
  const executorThread = join(dirname(workerMain), 'executor-thread.js');
  await mkdir(join(contextDir, 'runtime'), { recursive: true });
  await esbuild.build({
    ...RUNTIME_BUNDLE_OPTIONS,
    entryPoints: { 'worker-main': workerMain, 'executor-thread': executorThread },
    outdir: join(contextDir, 'runtime'),
  });
  await moduleMarker(contextDir);
}
