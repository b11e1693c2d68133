import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { SplitInput, Storage } from '@gomr/storage';
import { RunJobError } from './run-job-error.js';

/**
 * What runJob reads: file contents by name (`{ 'a.txt': 'one\ntwo\n' }`), or paths of files and
 * directories (inside a directory, every file, sorted, names starting with '.' or '_' skipped,
 * as `gomr run --input` does).
 */
export type RunJobInputs = Readonly<Record<string, string | Uint8Array>> | readonly string[];

/** In-memory inputs go into the job's store; files are read in place (`fileStorage`, rooted at /). */
export async function placeInputs(inputs: RunJobInputs, store: Storage): Promise<{ inMemory: SplitInput[]; files: SplitInput[] }> {
  if (Array.isArray(inputs)) return { inMemory: [], files: await inputFiles(inputs as readonly string[]) };
  const inMemory: SplitInput[] = [];
  for (const [name, content] of Object.entries(inputs as Record<string, string | Uint8Array>)) {
    if (!name || name.includes('/') || name === '.' || name === '..') {
      throw new RunJobError(`input name ${JSON.stringify(name)} must be a plain file name`, undefined);
    }
    if (typeof content !== 'string' && !(content instanceof Uint8Array)) {
      throw new RunJobError(`input ${name}: the content must be a string or a Uint8Array`, undefined);
    }
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    const key = `input/${name}`;
    await store.put(key, data);
    inMemory.push({ key, name, size: data.length });
  }
  return { inMemory, files: [] };
}

async function inputFiles(paths: readonly string[]): Promise<SplitInput[]> {
  const files: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    const st = await stat(abs).catch(() => null);
    if (!st) throw new RunJobError(`input not found: ${p}`, undefined);
    if (st.isDirectory()) files.push(...(await listFiles(abs)));
    else files.push(abs);
  }
  const byName = new Map<string, string>();
  const out: SplitInput[] = [];
  for (const path of [...new Set(files)]) {
    const name = basename(path);
    if (byName.has(name)) throw new RunJobError(`two inputs share the base name ${name} (${byName.get(name)} and ${path})`, undefined);
    byName.set(name, path);
    out.push({ key: path.replace(/^\/+/, ''), name, size: (await stat(path)).size });
  }
  return out;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name.startsWith('_')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}
