import { join } from 'node:path';
import type { Storage } from '@gomr/storage';
import { RunEncoder } from '../../src/data/record-codec.js';
import type { TaskEnv } from '../../src/runtime/map-task.js';
import type { Context } from '../../src/user-api.js';

/** A run file's bytes holding `recs` (already in key order), as a map task writes one. */
export function runBytes(recs: [string, number][]): Buffer {
  const enc = new RunEncoder(256);
  for (const [k, v] of recs) enc.add(k, v);
  const chunks: Buffer[] = [];
  for (let c = enc.takeChunk(); c; c = enc.takeChunk()) chunks.push(c);
  chunks.push(enc.finish());
  return Buffer.concat(chunks);
}

/**
 * A reduce task's environment on `storage`, spilling under `root`/spill, whose reducer writes a
 * key's values joined by commas: the output shows the order the values came in (map order).
 */
export function orderKeepingEnv(storage: Storage, root: string): TaskEnv {
  return {
    definition: {
      mapper() {},
      reducer(ctx: Context, key: string, values: unknown[]) {
        ctx.emit(key, (values as number[]).join(','));
      },
    },
    storage,
    inputStorage: storage,
    spillDir: join(root, 'spill'),
    spillBytes: 64 * 1024 * 1024,
    onProgress: () => {},
  };
}
