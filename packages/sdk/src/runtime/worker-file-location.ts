/**
 * esbuild `define`s that make a bundled worker file see its own location: `import.meta.url`,
 * `import.meta.filename`/`dirname`, `__filename` and `__dirname` name worker.ts and its
 * directory, not the bundle's copy inside the job's folder. So `new URL('./stop-words.txt',
 * import.meta.url)` reads the file next to worker.ts on this machine, as `node worker.ts` would.
 *
 * For runs on this machine only (`gomr run`, runJob): a cluster's pods do not have the user's
 * directory, and files a job needs there travel with `--file` and `ctx.files`. esbuild replaces
 * these names throughout the bundle (it has no per-module define), so a bundled dependency that
 * looks for files beside itself sees the worker's directory too, where it is no worse off than
 * beside the bundle.
 */
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export function workerFileLocationDefines(workerFile: string): Record<string, string> {
  const file = resolve(workerFile);
  const dir = dirname(file);
  return {
    'import.meta.url': JSON.stringify(pathToFileURL(file).href),
    'import.meta.filename': JSON.stringify(file),
    'import.meta.dirname': JSON.stringify(dir),
    __filename: JSON.stringify(file),
    __dirname: JSON.stringify(dir),
  };
}
