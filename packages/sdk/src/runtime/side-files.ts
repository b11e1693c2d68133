import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Storage, StorageConfig } from '@gomr/storage';
import type { SideFiles } from '../user-api.js';

/** A side file as the job spec names it: read from the input storage under `key`. */
export interface SideFileRef {
  name: string;
  key: string;
  size: number;
}

/** ctx.files over a name -> local path table. Contents are read once and kept. */
export class LocalSideFiles implements SideFiles {
  private readonly texts = new Map<string, Promise<string>>();
  private readonly jsons = new Map<string, Promise<unknown>>();

  constructor(private readonly paths: ReadonlyMap<string, string>) {}

  names(): string[] {
    return [...this.paths.keys()];
  }

  path(name: string): string {
    const p = this.paths.get(name);
    if (p !== undefined) return p;
    const have = this.names();
    throw new Error(
      `ctx.files: no side file ${JSON.stringify(name)}; ` +
        (have.length ? `the job has ${have.map((n) => JSON.stringify(n)).join(', ')}` : 'the job has none (ship one with --file PATH)'),
    );
  }

  text(name: string): Promise<string> {
    const path = this.path(name);
    let t = this.texts.get(name);
    if (!t) {
      t = readFile(path, 'utf8');
      this.texts.set(name, t);
    }
    return t;
  }

  json<T = unknown>(name: string): Promise<T> {
    let j = this.jsons.get(name);
    if (!j) {
      j = this.text(name).then((text) => {
        try {
          return JSON.parse(text) as unknown;
        } catch (err) {
          throw new Error(`ctx.files.json(${JSON.stringify(name)}): not JSON: ${(err as Error).message}`);
        }
      });
      this.jsons.set(name, j);
    }
    return j as Promise<T>;
  }
}

const NONE = new LocalSideFiles(new Map());

/**
 * The side files of each job, by the job's params object: every task context of a job is made
 * with that one object (TaskContext's `params`), so ctx.files finds them without the task code
 * passing them along.
 */
const byParams = new WeakMap<object, SideFiles>();

export function bindSideFiles(params: object, files: SideFiles): void {
  byParams.set(params, files);
}

export function sideFilesOf(params: object): SideFiles {
  return byParams.get(params) ?? NONE;
}

/**
 * Local paths for the job's side files. On a local store they are read in place; from
 * any other store each is fetched once into `dir` (a worker's temporary folder), kept while
 * the worker lives, and fetched again only if missing or of another size.
 */
export async function localSideFiles(refs: readonly SideFileRef[], config: StorageConfig, storage: Storage, dir: string): Promise<LocalSideFiles> {
  const paths = new Map<string, string>();
  for (const ref of refs) {
    // On a local store the CLI does not copy side files: the key is the file's own absolute path.
    if (config.kind === 'local') {
      paths.set(ref.name, join('/', ref.key));
      continue;
    }
    const path = join(dir, ref.name);
    const have = await stat(path).catch(() => null);
    if (have?.size !== ref.size) {
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.part-${process.pid}`;
      await pipeline(await storage.getStream(ref.key), createWriteStream(tmp));
      await rename(tmp, path);
    }
    paths.set(ref.name, path);
  }
  return new LocalSideFiles(paths);
}

/** A side file found on disk: its name for ctx.files, where it is, how big. */
export interface SideFileOnDisk {
  name: string;
  path: string;
  size: number;
}

/** A --file that cannot be shipped: missing, unreadable, or a name given twice. */
export class SideFileError extends Error {}

/**
 * The files that `--file PATH...` ships: a file under its base name; a directory's files
 * (recursively, hidden ones skipped) under DIR/relative/path, DIR being the directory's own
 * name. Two files under one name are refused.
 */
export async function listSideFiles(paths: readonly string[], cwd = process.cwd()): Promise<SideFileOnDisk[]> {
  const out: SideFileOnDisk[] = [];
  const walk = async (dir: string, name: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p, `${name}/${e.name}`);
      else if (e.isFile()) out.push({ name: `${name}/${e.name}`, path: p, size: (await stat(p)).size });
    }
  };
  for (const given of paths) {
    const abs = resolve(cwd, given);
    const st = await stat(abs).catch((err: NodeJS.ErrnoException) => {
      throw new SideFileError(err.code === 'ENOENT' ? `side file not found: ${given}` : `cannot read side file ${given}: ${err.code ?? err.message}`);
    });
    if (st.isDirectory()) await walk(abs, basename(abs));
    else if (st.isFile()) out.push({ name: basename(abs), path: abs, size: st.size });
    else throw new SideFileError(`side file is not a regular file or directory: ${given}`);
  }
  // The same file given twice is one file; two files under one name are refused.
  const seen = new Map<string, string>();
  const unique: SideFileOnDisk[] = [];
  for (const f of out) {
    const other = seen.get(f.name);
    if (other === f.path) continue;
    if (other !== undefined) throw new SideFileError(`two side files share the name ${f.name} (${other} and ${f.path})`);
    seen.set(f.name, f.path);
    unique.push(f);
  }
  return unique;
}
