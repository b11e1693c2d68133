/**
 * A Storage over a local directory: key "a/b/c" is the file ROOT/a/b/c.
 *
 * Writes are atomic: bytes go to a temp file in ROOT/.tmp/ (created on the first write, on the
 * same filesystem as the keys' directories) and are renamed onto the key's path, so a reader
 * sees either the old object or the whole new one. The key segment ".tmp" at the top level is
 * therefore reserved.
 *
 * Root "/" is supported for reading files in place (key "home/u/a.txt" is /home/u/a.txt) and
 * never touches /.tmp unless something is written. Writing under "/" needs "/" to be writable and
 * on the same filesystem as the destination (rename cannot cross filesystems), so use a separate
 * LocalStorage rooted at a work directory for output.
 *
 * A key cannot be both an object and a "directory" here ("a" and "a/b"), unlike on S3.
 * Filesystem errors other than a missing object (EACCES, ENOSPC, ...) are passed through as is:
 * their code and path are what a person needs to act.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { copyFile, link, mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { clampRange, emptyReadable } from './byte-range.js';
import { InvalidKeyError, NotFoundError } from './errors.js';
import { compareKeys, validateKey, validatePrefix } from './keys.js';
import { LocalObjectWriter } from './local-object-writer.js';
import type { ByteRange, ObjectInfo, ObjectWriter, Storage } from './storage.js';

const TEMP_DIR_NAME = '.tmp';

export interface LocalStorageOptions {
  /**
   * getStream of a range at most this long reads it synchronously, in one go, then streams it
   * from memory. Only for a thread whose event loop nothing else needs (a worker's executor
   * thread): a small read then costs no thread-pool round trips. @default 0 (never)
   */
  syncReadMaxBytes?: number;
}

export class LocalStorage implements Storage {
  readonly root: string;
  readonly describe: string;
  private readonly syncReadMaxBytes: number;
  private readonly tempDir: string;
  /** .tmp/ was created (or found) once; it is created again only if a write finds it gone. */
  private tempDirReady = false;
  private closed = false;

  constructor(root: string, options: LocalStorageOptions = {}) {
    if (!isAbsolute(root)) throw new Error(`LocalStorage root must be an absolute path, got ${JSON.stringify(root)}`);
    this.syncReadMaxBytes = options.syncReadMaxBytes ?? 0;
    this.root = resolve(root);
    this.describe = `local:${this.root}`;
    this.tempDir = join(this.root, TEMP_DIR_NAME);
  }

  async put(key: string, data: Buffer | string): Promise<void> {
    const path = this.pathOf(key);
    const temp = this.newTempPath();
    try {
      await this.inTempDir(() => writeFile(temp, data, { flag: 'wx' }));
      await this.commitTemp(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Buffer> {
    const path = this.pathOf(key);
    try {
      return await readFile(path);
    } catch (error) {
      throw missingAsNotFound(error, key);
    }
  }

  async getStream(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(key);
    if (range && range.end - range.start <= this.syncReadMaxBytes) return this.readSmallSync(path, key, range);
    // Open first, then size the open file: the range is clamped to the very file we stream.
    const handle = await open(path, 'r').catch((error: unknown) => {
      throw missingAsNotFound(error, key);
    });
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new NotFoundError(key);
      const { start, end } = range ? clampRange(range, info.size) : { start: 0, end: info.size };
      if (start === end) {
        await handle.close();
        return emptyReadable();
      }
      // `end` is inclusive for createReadStream; the stream closes the handle when done.
      return handle.createReadStream({ start, end: end - 1 });
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** getStream's small-range path: open, size, read and close at once; the bytes from memory. */
  private readSmallSync(path: string, key: string, range: ByteRange): Readable {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      throw missingAsNotFound(error, key);
    }
    let bytes: Buffer;
    try {
      const info = fstatSync(fd);
      if (!info.isFile()) throw new NotFoundError(key);
      const { start, end } = clampRange(range, info.size);
      bytes = Buffer.allocUnsafe(end - start);
      let got = 0;
      while (got < bytes.length) {
        const n = readSync(fd, bytes, got, bytes.length - got, start + got);
        if (n === 0) break; // shrank meanwhile: what is there
        got += n;
      }
      bytes = bytes.subarray(0, got);
    } finally {
      closeSync(fd);
    }
    if (bytes.length === 0) return emptyReadable();
    let pushed = false;
    return new Readable({
      read() {
        if (!pushed) {
          pushed = true;
          this.push(bytes);
        }
        this.push(null);
      },
    });
  }

  async createWriter(key: string): Promise<ObjectWriter> {
    const path = this.pathOf(key);
    const temp = this.newTempPath();
    return new LocalObjectWriter(
      key,
      temp,
      // 'wx': the temp name is unique, so an existing file would mean a bug, not a retry.
      () => this.inTempDir(() => open(temp, 'wx')),
      (tempPath) => this.commitTemp(tempPath, path),
    );
  }

  async stat(key: string, options?: { modified?: boolean }): Promise<ObjectInfo | null> {
    const path = this.pathOf(key);
    try {
      const info = await stat(path);
      if (!info.isFile()) return null;
      return options?.modified ? { key, size: info.size, modifiedMs: Math.floor(info.mtimeMs) } : { key, size: info.size };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    this.assertOpen();
    validatePrefix(prefix);
    // Walk the deepest directory the prefix names fully; its last partial segment filters names.
    const slash = prefix.lastIndexOf('/');
    const dirKey = prefix.slice(0, slash + 1);
    const namePrefix = prefix.slice(slash + 1);
    if (dirKey.startsWith(`${TEMP_DIR_NAME}/`)) return []; // temp files are not objects
    const found: ObjectInfo[] = [];
    await this.walk(dirKey, namePrefix, found);
    return found.sort((a, b) => compareKeys(a.key, b.key));
  }

  async delete(keys: string[]): Promise<void> {
    const paths = keys.map((key) => this.pathOf(key));
    for (const path of paths) {
      await unlink(path).catch((error: unknown) => {
        // Absent keys are ignored, and so is a directory: it is not an object.
        if (!isMissing(error) && !hasCode(error, 'EISDIR', 'EPERM')) throw error;
      });
    }
  }

  /**
   * Deletes every object under prefix, then the directories that became empty below the
   * prefix's parent directory (never above it: with root "/" those are the user's).
   * An empty prefix is refused: with root "/" it would mean the whole disk.
   */
  async deletePrefix(prefix: string): Promise<void> {
    if (prefix === '') throw new InvalidKeyError(prefix, 'deletePrefix needs a non-empty prefix');
    const objects = await this.list(prefix);
    await this.delete(objects.map((o) => o.key));
    const stopAt = dirname(join(this.root, prefix.replace(/\/+$/, '')));
    const dirs = new Set(objects.map((o) => dirname(join(this.root, o.key))));
    for (const dir of dirs) await pruneEmptyDirs(dir, stopAt);
  }

  async copy(src: string, dst: string): Promise<void> {
    const srcPath = this.pathOf(src);
    const dstPath = this.pathOf(dst);
    const temp = this.newTempPath();
    try {
      await this.inTempDir(() => linkOrCopy(srcPath, temp)).catch((error: unknown) => {
        throw missingAsNotFound(error, src);
      });
      await this.commitTemp(temp, dstPath);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async copyToFile(key: string, path: string): Promise<void> {
    const src = this.pathOf(key);
    // Linked (or copied) under a temporary name, then renamed: `path` is replaced, never seen half-made.
    const temp = `${path}.gomr-copy-${randomUUID()}`;
    try {
      await linkOrCopy(src, temp);
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw missingAsNotFound(error, key);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** The file path of a key; validates the key and that the store is open. */
  private pathOf(key: string): string {
    this.assertOpen();
    validateKey(key);
    if (key === TEMP_DIR_NAME || key.startsWith(`${TEMP_DIR_NAME}/`)) {
      throw new InvalidKeyError(key, `"${TEMP_DIR_NAME}/" is reserved for LocalStorage's temp files`);
    }
    return join(this.root, key);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`storage ${this.describe} is closed`);
  }

  private newTempPath(): string {
    return join(this.tempDir, randomUUID());
  }

  /**
   * Runs a step that creates a file in .tmp/. The folder is made on the first write of this
   * instance, not before every one (a mkdir per object is a syscall and a thread-pool round trip
   * per small write); if it vanished since (removed by hand), the step runs again after making it.
   */
  private async inTempDir<T>(step: () => Promise<T>): Promise<T> {
    if (!this.tempDirReady) {
      await mkdir(this.tempDir, { recursive: true });
      this.tempDirReady = true;
    }
    try {
      return await step();
    } catch (error) {
      if (!hasCode(error, 'ENOENT')) throw error;
      await mkdir(this.tempDir, { recursive: true });
      return step();
    }
  }

  /**
   * Renames a finished temp file onto `path`, creating its directories when the rename finds them
   * missing: most writes go to a folder that exists already, and then cost one rename.
   */
  private async commitTemp(temp: string, path: string): Promise<void> {
    // A concurrent deletePrefix may remove the (empty) directory between mkdir and rename.
    for (let attempt = 1; ; attempt++) {
      try {
        await rename(temp, path);
        return;
      } catch (error) {
        if (attempt >= 3 || !hasCode(error, 'ENOENT')) throw error;
      }
      await mkdir(dirname(path), { recursive: true });
    }
  }

  private async walk(dirKey: string, namePrefix: string, found: ObjectInfo[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(join(this.root, dirKey), { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    await Promise.all(
      entries.map(async (entry) => {
        if (!entry.name.startsWith(namePrefix)) return;
        if (dirKey === '' && entry.name === TEMP_DIR_NAME) return;
        const key = dirKey + entry.name;
        if (entry.isDirectory()) return this.walk(`${key}/`, '', found);
        // Symlinks count if they point at a file; they are never followed into directories.
        if (!entry.isFile() && !entry.isSymbolicLink()) return;
        const info = await stat(join(this.root, key)).catch(() => null); // deleted meanwhile
        if (info?.isFile()) found.push({ key, size: info.size });
      }),
    );
  }
}

/** Removes `dir` and its ancestors while they are empty, stopping before `stopAt`. */
async function pruneEmptyDirs(dir: string, stopAt: string): Promise<void> {
  for (;;) {
    const rel = relative(stopAt, dir);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return;
    try {
      await rmdir(dir);
    } catch {
      return; // not empty (a concurrent write) or already gone: stop climbing
    }
    dir = dirname(dir);
  }
}

function isMissing(error: unknown): boolean {
  return hasCode(error, 'ENOENT', 'ENOTDIR');
}

function hasCode(error: unknown, ...codes: string[]): boolean {
  return codes.includes((error as NodeJS.ErrnoException | null)?.code ?? '');
}

function missingAsNotFound(error: unknown, key: string): unknown {
  return isMissing(error) || hasCode(error, 'EISDIR') ? new NotFoundError(key, { cause: error }) : error;
}

/**
 * Makes `dst` (absent) hold `src`'s bytes: a hard link where the file system allows one, so a
 * commit (an attempt's part to its final key) or a job's output (the store's parts to the
 * output directory) copies nothing, however large (the parts of a 1 GB sort took ~0.5 s to copy
 * each time). The two names cannot diverge through the store, which never writes an object in
 * place (a new version is a new file renamed over the key), and deleting one leaves the other
 * whole. Elsewhere (another file system, no links there) a copy: copyFile, which uses
 * copy_file_range or a reflink where the system has them.
 */
async function linkOrCopy(src: string, dst: string): Promise<void> {
  try {
    await link(src, dst);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw error;
    await copyFile(src, dst);
  }
}
