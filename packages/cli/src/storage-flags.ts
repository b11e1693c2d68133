import { Flags } from '@oclif/core';
import type { StorageConfig } from '@gomr/storage';
import { UsageError } from './errors.js';
import { defaultStoreRoot } from './job/gomr-home.js';

/** Flags that choose where intermediate data and outputs live. */
export const storageFlags = {
  storage: Flags.string({ options: ['local', 's3'], default: 'local', description: 'where intermediate data and outputs live', env: 'GOMR_STORAGE' }),
  store: Flags.string({ description: 'local storage directory [default: $GOMR_HOME/store, GOMR_HOME defaults to ~/.gomr]', env: 'GOMR_STORAGE_ROOT' }),
  's3-endpoint': Flags.string({ description: 'S3 endpoint URL, e.g. http://127.0.0.1:9000', env: 'GOMR_S3_ENDPOINT' }),
  's3-bucket': Flags.string({ description: 'S3 bucket', env: 'GOMR_S3_BUCKET', default: 'gomr' }),
  's3-access-key': Flags.string({ description: 'S3 access key', env: 'GOMR_S3_ACCESS_KEY' }),
  's3-secret-key': Flags.string({ description: 'S3 secret key', env: 'GOMR_S3_SECRET_KEY' }),
};

export function storageConfigFromFlags(f: {
  storage: string;
  store?: string | undefined;
  's3-endpoint'?: string | undefined;
  's3-bucket'?: string | undefined;
  's3-access-key'?: string | undefined;
  's3-secret-key'?: string | undefined;
}): StorageConfig {
  if (f.storage === 'local') return { kind: 'local', root: f.store ?? defaultStoreRoot() };
  const missing = (['s3-endpoint', 's3-bucket', 's3-access-key', 's3-secret-key'] as const).find((k) => !f[k]);
  if (missing) throw new UsageError(`--storage s3 needs --${missing} (or GOMR_${missing.toUpperCase().replace(/-/g, '_')})`);
  return { kind: 's3', endpoint: f['s3-endpoint']!, bucket: f['s3-bucket']!, accessKey: f['s3-access-key']!, secretKey: f['s3-secret-key']! };
}
