/**
 * A real S3-protocol server (s3rver) in this process on 127.0.0.1, for tests: no MinIO binary
 * can be installed on the machines gomr is developed on. Each server gets a fresh temp
 * directory, removed by stop(). Its writes are made atomic, as S3's are (s3rver-atomic-writes.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { S3StorageConfig } from '../storage-config.js';
import { makeWritesAtomic } from './s3rver-atomic-writes.js';
import { addMultipartApi, readIncompleteUploads, type IncompleteUpload, type MultipartApiOptions } from './s3rver-multipart.js';

export interface RunningS3rver {
  /** e.g. "http://127.0.0.1:41234" */
  endpoint: string;
  /** A config for a bucket on this server ("gomr-test", created on first use by S3Storage). */
  config: S3StorageConfig;
  /**
   * The multipart uploads in progress in a bucket (default: the config's), read from the
   * server's store: they are there with or without `multipartApi`.
   */
  incompleteUploads(bucket?: string): Promise<IncompleteUpload[]>;
  /** Closes the server (dropping open connections) and removes its directory. */
  stop(): Promise<void>;
}

/** s3rver accepts only its built-in account. */
export const S3RVER_ACCESS_KEY = 'S3RVER';
export const S3RVER_SECRET_KEY = 'S3RVER';

export interface StartS3rverOptions {
  directory?: string;
  bucket?: string;
  /**
   * Adds ListMultipartUploads and AbortMultipartUpload, which s3rver lacks (see
   * s3rver-multipart.ts). @default false: s3rver as it is
   */
  multipartApi?: boolean | MultipartApiOptions;
}

export async function startS3rver(opts: StartS3rverOptions = {}): Promise<RunningS3rver> {
  const ownsDirectory = opts.directory === undefined;
  const directory = opts.directory ?? (await mkdtemp(join(tmpdir(), 'gomr-s3rver-')));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, vhostBuckets: false });
  makeWritesAtomic(server);
  serializeDeletes(server);
  if (opts.multipartApi) addMultipartApi(server, opts.multipartApi === true ? {} : opts.multipartApi);
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  let stopped = false;
  const bucket = opts.bucket ?? 'gomr-test';
  return {
    endpoint,
    config: {
      kind: 's3',
      endpoint,
      bucket,
      accessKey: S3RVER_ACCESS_KEY,
      secretKey: S3RVER_SECRET_KEY,
      region: 'us-east-1',
    },
    incompleteUploads: (name = bucket) => readIncompleteUploads(directory, name),
    async stop() {
      if (stopped) return;
      stopped = true;
      // close() alone would wait for clients' keep-alive sockets to go idle and time out.
      server.httpServer?.closeAllConnections();
      await server.close();
      if (ownsDirectory) await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * s3rver deletes an object's files and then removes its directory if readdir finds it empty;
 * two deletes in one directory at once (DeleteObjects runs its keys in parallel) race, and one
 * answers 500 ENOENT. minio retries that once with a console warning, and a second loss fails
 * the call. Running deletes one at a time removes the race; real S3 has no such problem.
 */
function serializeDeletes(server: S3rver): void {
  const store = server.store;
  const deleteObject = store.deleteObject.bind(store);
  let previous: Promise<unknown> = Promise.resolve();
  store.deleteObject = (bucket, key) => {
    const next = previous.then(() => deleteObject(bucket, key));
    previous = next.catch(() => {});
    return next;
  };
}
