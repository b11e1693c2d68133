// Map output runs small enough travel inline (in the report, then in the reduce task) instead
// of as objects; larger ones are still objects; a reducer merges both kinds in map order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage, type Storage } from '@gomr/storage';
import { runMapTask, type TaskEnv } from '../../src/runtime/map-task.js';
import { runReduceTask } from '../../src/runtime/reduce-task.js';
import type { TaskSpec } from '../../src/runtime/executor-protocol.js';
import type { Context } from '../../src/user-api.js';

async function setup() {
  const root = await mkdtemp(join(tmpdir(), 'gomr-inline-'));
  const storage: Storage = await openStorage({ kind: 'local', root });
  const env: TaskEnv = {
    definition: {
      mapper(ctx: Context, chunk: string) {
        for (const w of chunk.split(/\s+/)) if (w) ctx.emit(w, 1);
      },
      reducer(ctx: Context, key: string, values: unknown[]) {
        ctx.emit(key, (values as number[]).reduce((a, b) => a + b, 0));
      },
    },
    storage,
    inputStorage: storage,
    spillDir: join(root, 'spill'),
    spillBytes: 64 * 1024 * 1024,
    onProgress: () => {},
  };
  const job = { workerId: 'w-1', reducers: 1, params: {} };
  return {
    root,
    storage,
    env,
    job,
    async input(name: string, text: string) {
      await writeFile(join(root, name), text);
      return { inputKey: name, inputName: name, start: 0, end: Buffer.byteLength(text), fileSize: Buffer.byteLength(text) };
    },
    close: () => rm(root, { recursive: true, force: true }),
  };
}

function mapTask(index: number, split: TaskSpec['split'], inlineRunBytes: number): TaskSpec {
  return { taskId: `m-${index}`, kind: 'MAP', index, attempt: 1, outputPrefix: `jobs/j/map/m-${index}.a1.`, runKeys: [], split, inlineRunBytes };
}

test('a small run comes back inline and no object is written; a large one is an object', async () => {
  const h = await setup();
  try {
    const small = await runMapTask(mapTask(0, await h.input('a.txt', 'b a\nc a\n'), 1024), h.job, h.env);
    assert.equal(small.outputs.length, 1);
    assert.equal(small.outputs[0]!.key, '');
    assert.ok(small.outputs[0]!.data && small.outputs[0]!.data.length === small.outputs[0]!.bytes);
    assert.equal(small.outputs[0]!.records, 4);
    assert.equal(small.counters.shuffleBytes, small.outputs[0]!.bytes);
    assert.deepEqual(await readdir(h.root).then((d) => d.filter((f) => f === 'jobs')), [], 'no object written');

    const words = Array.from({ length: 2000 }, (_, i) => `word${i}`).join(' ');
    const large = await runMapTask(mapTask(1, await h.input('b.txt', words + '\n'), 1024), h.job, h.env);
    assert.equal(large.outputs[0]!.data, undefined);
    assert.equal(large.outputs[0]!.key, 'jobs/j/map/m-1.a1.part-00000.run');
    assert.equal((await h.storage.stat(large.outputs[0]!.key))?.size, large.outputs[0]!.bytes);

    const none = await runMapTask(mapTask(2, await h.input('c.txt', 'x\n'), 0), h.job, h.env);
    assert.equal(none.outputs[0]!.data, undefined, 'no allowance: an object as before');
    assert.ok(await h.storage.stat(none.outputs[0]!.key));
  } finally {
    await h.close();
  }
});

test('a reducer merges inline runs and objects, in map order', async () => {
  const h = await setup();
  try {
    const a = await runMapTask(mapTask(0, await h.input('a.txt', 'b a\nc a\n'), 1024), h.job, h.env);
    const b = await runMapTask(mapTask(1, await h.input('b.txt', 'a d\n'), 0), h.job, h.env);
    const c = await runMapTask(mapTask(2, await h.input('c.txt', 'd e\n'), 1024), h.job, h.env);
    const runs = [a, b, c].map((r) => r.outputs[0]!).map((o) => (o.data ? { key: '', data: o.data } : { key: o.key }));
    const reduce: TaskSpec = { taskId: 'r-0', kind: 'REDUCE', index: 0, attempt: 1, outputPrefix: 'jobs/j/reduce/r-0.a1.', runKeys: [], runs };
    const r = await runReduceTask(reduce, h.job, h.env);
    assert.equal(r.counters.reduceInputRecords, 8);
    const out = (await h.storage.get(r.outputs[0]!.key)).toString('utf8');
    assert.equal(out, 'a\t3\nb\t1\nc\t1\nd\t2\ne\t1\n');
  } finally {
    await h.close();
  }
});

test('a reducer opens many object runs and fails cleanly when one is missing', async () => {
  const h = await setup();
  try {
    const keys: string[] = [];
    for (let i = 0; i < 40; i++) keys.push((await runMapTask(mapTask(i, await h.input(`i${i}.txt`, `k${i % 7} x\n`), 0), h.job, h.env)).outputs[0]!.key);
    const reduce: TaskSpec = { taskId: 'r-0', kind: 'REDUCE', index: 0, attempt: 1, outputPrefix: 'jobs/j/reduce/r-0.a1.', runKeys: keys };
    const r = await runReduceTask(reduce, h.job, h.env);
    assert.equal(r.counters.reduceInputRecords, 80);
    assert.equal(r.counters.reduceInputGroups, 8);
    await assert.rejects(
      runReduceTask({ ...reduce, attempt: 2, outputPrefix: 'jobs/j/reduce/r-0.a2.', runKeys: [...keys, 'jobs/j/map/missing.run'] }, h.job, h.env),
      /missing/,
    );
  } finally {
    await h.close();
  }
});
