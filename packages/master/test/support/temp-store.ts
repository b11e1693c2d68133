import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage, type Storage } from '@gomr/storage';

export interface TempStore {
  root: string;
  storage: Storage;
  /** Closes the store and removes its folder. */
  remove(): Promise<void>;
}

/** A local store in a fresh temporary folder. */
export async function tempStore(prefix = 'gomr-master-'): Promise<TempStore> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const storage = await openStorage({ kind: 'local', root });
  return {
    root,
    storage,
    async remove() {
      await storage.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Runs fn with a temporary local store, removed afterwards whatever fn does. */
export async function withTempStore<T>(fn: (storage: Storage, root: string) => Promise<T>, prefix?: string): Promise<T> {
  const store = await tempStore(prefix);
  try {
    return await fn(store.storage, store.root);
  } finally {
    await store.remove();
  }
}
