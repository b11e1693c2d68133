// The executor thread runs with a heap limit (and a small young generation): a task that
// fills it fails with a message that says so, and the next task gets a fresh thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapStatistics } from 'node:v8';
import { executorHeapLimitMb } from '../../src/runtime/task-executor.js';
import { executorFixture, fixtureJob } from './executor-fixture.js';

const MiB = 1024 * 1024;

test('executorHeapLimitMb: 1536 MiB or 8x the map buffer, never above V8 default; GOMR_EXECUTOR_HEAP_MB overrides', () => {
  const v8Default = Math.floor(getHeapStatistics().heap_size_limit / MiB);
  assert.equal(executorHeapLimitMb(64 * MiB, {}), Math.min(v8Default, 1536));
  assert.equal(executorHeapLimitMb(512 * MiB, {}), Math.min(v8Default, 4096));
  assert.equal(executorHeapLimitMb(64 * MiB, { GOMR_EXECUTOR_HEAP_MB: '300' }), 300);
  assert.equal(executorHeapLimitMb(64 * MiB, { GOMR_EXECUTOR_HEAP_MB: '0' }), undefined);
  assert.equal(executorHeapLimitMb(64 * MiB, { GOMR_EXECUTOR_HEAP_MB: '' }), Math.min(v8Default, 1536));
  assert.throws(() => executorHeapLimitMb(64 * MiB, { GOMR_EXECUTOR_HEAP_MB: 'lots' }), /GOMR_EXECUTOR_HEAP_MB must be a number/);
});

test('a task that fills the executor heap fails saying so; the next task runs in a fresh thread', async () => {
  const saved = process.env.GOMR_EXECUTOR_HEAP_MB;
  process.env.GOMR_EXECUTOR_HEAP_MB = '96';
  const f = await executorFixture(
    'gomr-exec-oom-',
    `const hoard = [];
run({
  mapper(ctx, chunk) {
    if (chunk.startsWith('hoard')) for (;;) hoard.push({ a: [1, 2, 3], s: 'x'.repeat(100) + hoard.length });
    for (const w of chunk.split(/\\s+/)) if (w) ctx.emit(w, 1);
  },
  reducer(ctx, key, values) { ctx.emit(key, values.length); },
});
`,
  );
  const executor = f.executor;
  try {
    const hoard = await f.mapTask(0, 'hoard\n');
    const words = await f.mapTask(1, 'a b a\n');
    await assert.rejects(executor.run(hoard, fixtureJob), /ran out of memory.*limited to 96 MiB.*GOMR_EXECUTOR_HEAP_MB/);
    const next = await executor.run(words, fixtureJob);
    assert.equal(next.ok, true);
    assert.equal(next.ok && next.counters.mapOutputRecords, 3);
  } finally {
    if (saved === undefined) delete process.env.GOMR_EXECUTOR_HEAP_MB;
    else process.env.GOMR_EXECUTOR_HEAP_MB = saved;
    await f.close();
  }
});
