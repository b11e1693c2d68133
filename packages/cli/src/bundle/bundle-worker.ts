import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type * as esbuild from 'esbuild';
import { workerFileLocationDefines } from '@gomr/sdk/launcher';
import { WorkerFileError } from '../errors.js';
import { buildOnce } from './esbuild-service.js';

const require = createRequire(import.meta.url);

/** The SDK entry every worker file gets for `@gomr/sdk`, whatever its own node_modules hold. */
function sdkEntry(): string {
  return require.resolve('@gomr/sdk');
}

export interface BundleResult {
  path: string;
  /** Content hash of the bundle (sha256, hex): the same worker gives the same hash. */
  hash: string;
  bytes: number;
}

/**
 * Bundles a worker file with esbuild into one ESM file. `@gomr/sdk` resolves to gomr's own
 * copy; every other import resolves from the worker's directory as usual. A file that does
 * not compile is refused with esbuild's messages (file:line:column). With `ownLocation` (runs on
 * this machine), `import.meta.url` and `__dirname` name the worker file's own place.
 */
export async function bundleWorker(workerFile: string, outFile: string, opts: { ownLocation?: boolean } = {}): Promise<BundleResult> {
  const entry = resolve(workerFile);
  // Synchronous up to the build call, which spawns esbuild's service: the service is running
  // before this call returns, whatever the caller spawns next (see run-local-job.ts).
  if (!existsSync(entry)) throw new WorkerFileError(`worker file not found: ${workerFile}`);
  mkdirSync(dirname(outFile), { recursive: true });
  const sdk = sdkEntry();
  try {
    await buildOnce({
      entryPoints: [entry],
      outfile: outFile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      logLevel: 'silent',
      absWorkingDir: dirname(entry),
      ...(opts.ownLocation ? { define: workerFileLocationDefines(entry) } : {}),
      // CommonJS dependencies inside an ESM bundle still call require() for built-ins.
      banner: { js: "import { createRequire as __gomrCreateRequire } from 'node:module'; const require = __gomrCreateRequire(import.meta.url);" },
      plugins: [
        {
          name: 'gomr-sdk',
          setup(build) {
            build.onResolve({ filter: /^@gomr\/sdk$/ }, () => ({ path: sdk }));
          },
        },
      ],
    });
  } catch (err) {
    const failure = err as esbuild.BuildFailure;
    const lines = (failure.errors ?? []).slice(0, 5).map((m) =>
      m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ${m.text}` : m.text,
    );
    throw new WorkerFileError(
      `worker file does not compile: ${lines[0] ?? failure.message}`,
      lines.slice(1).join('\n') || undefined,
    );
  }
  const code = await readFile(outFile);
  return { path: outFile, hash: createHash('sha256').update(code).digest('hex'), bytes: code.length };
}
