import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { listSideFiles, LocalSideFiles, SideFileError } from '../runtime/side-files.js';
import { RunJobError } from './run-job-error.js';
import type { RunJobInputs } from './test-inputs.js';

/** runJob's side files: paths read in place, contents written under `dir`. */
export async function sideFiles(files: RunJobInputs, dir: string): Promise<LocalSideFiles> {
  const paths = new Map<string, string>();
  if (Array.isArray(files)) {
    try {
      for (const f of await listSideFiles(files as readonly string[])) paths.set(f.name, f.path);
    } catch (err) {
      if (err instanceof SideFileError) throw new RunJobError(err.message, undefined);
      throw err;
    }
    return new LocalSideFiles(paths);
  }
  for (const [name, content] of Object.entries(files as Record<string, string | Uint8Array>)) {
    if (!name || name.startsWith('/') || name.split('/').some((s) => s === '' || s === '.' || s === '..')) {
      throw new RunJobError(`side file name ${JSON.stringify(name)} must be a relative path without . or .. parts`, undefined);
    }
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    paths.set(name, path);
  }
  return new LocalSideFiles(paths);
}
