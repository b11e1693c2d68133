import type { Readable, Writable } from 'node:stream';

/** One object in a store. */
export interface ObjectInfo {
  key: string;
  size: number;
  /** Last modification, whole ms since the epoch: only when asked for, where the backend has it (local files). */
  modifiedMs?: number;
}

/** An inclusive-exclusive byte range: bytes [start, end). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * A writable stream for one object. Nothing is visible under the key until `end()` has
 * completed (the 'finish' or 'close' event fired without error). `abort()` discards what
 * was written and leaves any earlier object under the key untouched.
 */
export interface ObjectWriter extends Writable {
  abort(): Promise<void>;
  /** Resolves once the object is durable and visible; rejects if the write failed. */
  done(): Promise<void>;
}

/**
 * The one interface gomr moves data through. Keys are '/'-separated relative paths without
 * a leading slash, '..' or empty segments. Two backends implement it: a local directory and
 * S3 (MinIO or any S3-protocol server). Both pass the same contract tests.
 */
export interface Storage {
  /** A short description for logs and errors, e.g. "local:/tmp/x" or "s3://bucket". */
  readonly describe: string;

  /** Writes a whole object atomically. */
  put(key: string, data: Buffer | string): Promise<void>;
  /** Reads a whole object; rejects with NotFoundError if absent. */
  get(key: string): Promise<Buffer>;
  /** Streams an object, or the given byte range of it (clamped to the object's size). */
  getStream(key: string, range?: ByteRange): Promise<Readable>;
  /** Starts an atomic streaming write. */
  createWriter(key: string): Promise<ObjectWriter>;
  /** Size of an object (and, with `modified`, its modification time where known), or null if absent. */
  stat(key: string, options?: { modified?: boolean }): Promise<ObjectInfo | null>;
  /** All objects whose key starts with prefix, sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Deletes objects; absent keys are ignored. */
  delete(keys: string[]): Promise<void>;
  /** Deletes every object under prefix. */
  deletePrefix(prefix: string): Promise<void>;
  /** Copies an object, replacing dst atomically (used to commit an attempt's output). */
  copy(src: string, dst: string): Promise<void>;
  /**
   * Writes an object to a local file (replacing it), where the backend can do that cheaper than
   * streaming it (the local store: a file copy the kernel does, no bytes through JavaScript);
   * rejects with NotFoundError if absent. Optional: callers stream with getStream otherwise.
   */
  copyToFile?(key: string, path: string): Promise<void>;
  /** Releases connections; the store cannot be used afterwards. */
  close(): Promise<void>;
}
