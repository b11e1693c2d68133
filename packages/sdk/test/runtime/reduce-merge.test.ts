// A reduce over more runs than it reads at once (REDUCE_MERGE_FACTOR) merges them in local
// files first: same output, values of a key still in map order, no file left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage, type Storage } from '@gomr/storage';
import { REDUCE_MERGE_FACTOR, runReduceTask } from '../../src/runtime/reduce-task.js';
import type { TaskSpec } from '../../src/runtime/executor-protocol.js';
import { orderKeepingEnv, runBytes } from './reduce-fixture.js';

test(`a reduce over more than ${REDUCE_MERGE_FACTOR} runs (objects and inline) merges in passes, with the same output`, async () => {
  const root = await mkdtemp(join(tmpdir(), 'gomr-reduce-merge-'));
  try {
    const storage: Storage = await openStorage({ kind: 'local', root });
    const env = orderKeepingEnv(storage, root);
    const spillDir = env.spillDir;
    // 300 runs (one pass merges them 64 at a time into 5 files), every other one inline. Run i
    // holds keys k<i mod 7>..., each with value i, so every key's values must come out ascending.
    const runs: NonNullable<TaskSpec['runs']> = [];
    const expected = new Map<string, number[]>();
    for (let i = 0; i < 300; i++) {
      const keys = [`k${i % 7}`, `k${(i % 7) + 7}`, `common`].sort();
      const bytes = runBytes(keys.map((k) => [k, i]));
      for (const k of keys) expected.set(k, [...(expected.get(k) ?? []), i]);
      if (i % 2) runs.push({ key: '', data: bytes });
      else {
        const key = `jobs/j/map/m-${i}.run`;
        const w = await storage.createWriter(key);
        w.end(bytes);
        await w.done();
        runs.push({ key });
      }
    }
    const task = { taskId: 'r-0', kind: 'REDUCE' as const, index: 0, attempt: 1, outputPrefix: 'jobs/j/reduce/r-0.a1.', runKeys: [], runs };
    const r = await runReduceTask(task, { workerId: 'w-1', reducers: 1, params: {} }, env);
    const text = await readFile(join(root, r.outputs[0]!.key), 'utf8');
    const want = [...expected.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}\t${v.join(',')}\n`).join('');
    assert.equal(text, want);
    assert.equal(r.counters.reduceInputRecords, 900);
    assert.deepEqual(await readdir(spillDir), [], 'merge files made (the folder exists) and removed');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
