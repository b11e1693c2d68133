/**
 * From a StorageConfig (or the environment a worker inherits) to an open Storage.
 * The env form is how the CLI hands the master's storage to worker processes and pods.
 */
import { isAbsolute } from 'node:path';
import { LocalStorage } from './local-storage.js';
import { RetryingStorage } from './retrying-storage.js';
import { parseS3Endpoint } from './s3-endpoint.js';
import { compileStorageOptions, type OpenStorageOptions } from './storage-options.js';
import type { StorageConfig } from './storage-config.js';
import type { Storage } from './storage.js';
import { join } from 'node:path';
import { sweepStaleTemp } from './local-temp-sweep.js';

/** With syncSmallReads, the largest range a local store reads synchronously. */
const SYNC_READ_MAX_BYTES = 64 * 1024;

/** S3's bucket naming rule, checked here so a typo fails at startup, not on first use. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Opens the store a config describes. Connects lazily: an unreachable S3 fails on first use.
 *
 * An S3 store retries transient failures (see storage-options.ts for the policy, its defaults
 * and the GOMR_STORAGE_RETRY_* overrides): whole operations through RetryingStorage, broken
 * reads and writer parts inside S3Storage, each request cut after 30 s without progress. A
 * local store is returned bare: disk errors are not transient.
 */
export async function openStorage(config: StorageConfig, options: OpenStorageOptions = {}): Promise<Storage> {
  validateStorageConfig(config);
  if (config.kind === 'local') {
    const store = new LocalStorage(config.root, options.syncSmallReads ? { syncReadMaxBytes: SYNC_READ_MAX_BYTES } : {});
    // Temp files of writers killed mid-write would otherwise stay forever (never under "/",
    // which only serves inputs read in place).
    if (store.root !== '/') await sweepStaleTemp(join(store.root, '.tmp'));
    return store;
  }
  const { retry, requestTimeoutMs, onRetry, onWarning } = compileStorageOptions(options);
  // Loaded on demand: the minio client costs every process ~0.2 s, and most jobs run local.
  const { S3Storage } = await import('./s3-storage.js');
  const createBucket = options.createBucket ?? true;
  if (!retry) return new S3Storage(config, { requestTimeoutMs, onWarning, createBucket });
  const settings = { policy: retry, onRetry };
  return new RetryingStorage(new S3Storage(config, { requestTimeoutMs, streamRetry: settings, onWarning, createBucket }), settings);
}

/** Throws an Error naming the first missing or malformed field. */
export function validateStorageConfig(config: StorageConfig): void {
  const kind = (config as { kind?: unknown } | null | undefined)?.kind;
  if (kind === 'local') {
    requireString(config, 'root');
    if (!isAbsolute((config as { root: string }).root)) throw new Error('storage config: "root" must be an absolute path');
    return;
  }
  if (kind === 's3') {
    for (const field of ['endpoint', 'bucket', 'accessKey', 'secretKey'] as const) requireString(config, field);
    const region = (config as { region?: unknown }).region;
    if (region !== undefined && (typeof region !== 'string' || region === '')) {
      throw new Error('storage config: "region" must be a non-empty string when given');
    }
    const bucket = (config as { bucket: string }).bucket;
    if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
      throw new Error(`storage config: "bucket" ${JSON.stringify(bucket)} is not a valid S3 bucket name (3-63 of a-z 0-9 . -)`);
    }
    parseS3Endpoint((config as { endpoint: string }).endpoint);
    return;
  }
  throw new Error(`storage config: "kind" must be "local" or "s3", got ${JSON.stringify(kind)}`);
}

/** Environment variables, all strings; see storageConfigFromEnv. */
export const STORAGE_ENV = {
  kind: 'GOMR_STORAGE',
  root: 'GOMR_STORAGE_ROOT',
  endpoint: 'GOMR_S3_ENDPOINT',
  bucket: 'GOMR_S3_BUCKET',
  accessKey: 'GOMR_S3_ACCESS_KEY',
  secretKey: 'GOMR_S3_SECRET_KEY',
  region: 'GOMR_S3_REGION',
} as const;

/**
 * Reads GOMR_STORAGE ("local", the default, or "s3") and the variables that kind needs:
 * GOMR_STORAGE_ROOT for local; GOMR_S3_ENDPOINT, GOMR_S3_BUCKET, GOMR_S3_ACCESS_KEY,
 * GOMR_S3_SECRET_KEY and optionally GOMR_S3_REGION for s3. Throws a one-line Error naming the
 * first variable that is missing or empty.
 */
export function storageConfigFromEnv(env: NodeJS.ProcessEnv = process.env): StorageConfig {
  const read = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set (needed for GOMR_STORAGE=${kind})`);
    return value;
  };
  const kind = env[STORAGE_ENV.kind] || 'local';
  if (kind === 'local') {
    const config: StorageConfig = { kind, root: read(STORAGE_ENV.root) };
    validateStorageConfig(config);
    return config;
  }
  if (kind === 's3') {
    const config: StorageConfig = {
      kind,
      endpoint: read(STORAGE_ENV.endpoint),
      bucket: read(STORAGE_ENV.bucket),
      accessKey: read(STORAGE_ENV.accessKey),
      secretKey: read(STORAGE_ENV.secretKey),
    };
    const region = env[STORAGE_ENV.region];
    if (region) config.region = region;
    validateStorageConfig(config);
    return config;
  }
  throw new Error(`environment variable ${STORAGE_ENV.kind} must be "local" or "s3", got ${JSON.stringify(kind)}`);
}

/** The environment variables storageConfigFromEnv reads back into `config`. */
export function storageConfigToEnv(config: StorageConfig): Record<string, string> {
  validateStorageConfig(config);
  if (config.kind === 'local') return { [STORAGE_ENV.kind]: 'local', [STORAGE_ENV.root]: config.root };
  const env: Record<string, string> = {
    [STORAGE_ENV.kind]: 's3',
    [STORAGE_ENV.endpoint]: config.endpoint,
    [STORAGE_ENV.bucket]: config.bucket,
    [STORAGE_ENV.accessKey]: config.accessKey,
    [STORAGE_ENV.secretKey]: config.secretKey,
  };
  if (config.region !== undefined) env[STORAGE_ENV.region] = config.region;
  return env;
}

function requireString(config: object, field: string): void {
  const value = (config as Record<string, unknown>)[field];
  if (typeof value !== 'string' || value === '') throw new Error(`storage config: "${field}" is missing or empty`);
}
