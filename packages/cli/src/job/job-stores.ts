/**
 * The stores a past job of this machine may be in: the one the flags name, then the one its
 * local folder's spec.json names (a job run with --storage s3 is found without the flags).
 * `findInJobStores` opens each in turn and gives the first answer `look` finds.
 */
import { openStorage, type Storage, type StorageConfig } from '@gomr/storage';
import { StorageError } from '../errors.js';
import { localJobStorage } from './load-job-snapshot.js';

export interface JobStoreSearch<T> {
  /** What `look` found in one of the stores, and that store's config. */
  found?: { value: T; config: StorageConfig };
  /** The stores looked in, in order. */
  stores: StorageConfig[];
  /** Whether the job has a local folder (with a spec) on this machine. */
  hasLocalFolder: boolean;
}

export async function findInJobStores<T>(
  jobId: string,
  storage: StorageConfig,
  look: (store: Storage, config: StorageConfig) => Promise<T | undefined>,
): Promise<JobStoreSearch<T>> {
  const stores = [storage];
  const own = await localJobStorage(jobId);
  if (own && JSON.stringify(own) !== JSON.stringify(storage)) stores.push(own);
  for (const config of stores) {
    const store = await openStorage(config).catch((err: Error) => {
      throw new StorageError(`cannot open storage: ${err.message}`);
    });
    try {
      const value = await look(store, config);
      if (value !== undefined) return { found: { value, config }, stores, hasLocalFolder: !!own };
    } finally {
      await store.close();
    }
  }
  return { stores, hasLocalFolder: !!own };
}
