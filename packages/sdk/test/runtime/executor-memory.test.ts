// The executor thread runs with a heap limit (and a small young generation): a task that
// fills it fails with a message that says so, and the next task gets a fresh thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { TaskExecutor, executorHeapLimitMb } from '../../src/runtime/task-executor.js';
import type { TaskSpec } from '../../src/runtime/executor-protocol.js';

const sdkIndex = fileURLToPath(new URL('../../src/index.js', import.meta.url));
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
  const root = await mkdtemp(join(tmpdir(), 'gomr-exec-oom-'));
  const saved = process.env.GOMR_EXECUTOR_HEAP_MB;
  process.env.GOMR_EXECUTOR_HEAP_MB = '96';
  const executor = new TaskExecutor({
    bundlePath: join(root, 'worker.mjs'),
    storage: { kind: 'local', root },
    inputStorage: { kind: 'local', root },
    spillDir: join(root, 'spill'),
    spillBytes: 1 << 20,
  });
  try {
    await writeFile(
      join(root, 'worker.mjs'),
      `import { run } from ${JSON.stringify(sdkIndex)};
const hoard = [];
run({
  mapper(ctx, chunk) {
    if (chunk.startsWith('hoard')) for (;;) hoard.push({ a: [1, 2, 3], s: 'x'.repeat(100) + hoard.length });
    for (const w of chunk.split(/\\s+/)) if (w) ctx.emit(w, 1);
  },
  reducer(ctx, key, values) { ctx.emit(key, values.length); },
});
`,
    );
    const spec = (i: number, text: string): TaskSpec => ({
      taskId: `m-${i}`, kind: 'MAP', index: i, attempt: 1, outputPrefix: `jobs/j/map/m-${i}.a1.`, runKeys: [],
      split: { inputKey: `in${i}.txt`, inputName: `in${i}.txt`, start: 0, end: text.length, fileSize: text.length },
    });
    await writeFile(join(root, 'in0.txt'), 'hoard\n');
    await writeFile(join(root, 'in1.txt'), 'a b a\n');
    const job = { workerId: 'w', reducers: 1, params: {} };
    await assert.rejects(executor.run(spec(0, 'hoard\n'), job), /ran out of memory.*limited to 96 MiB.*GOMR_EXECUTOR_HEAP_MB/);
    const next = await executor.run(spec(1, 'a b a\n'), job);
    assert.equal(next.ok, true);
    assert.equal(next.ok && next.counters.mapOutputRecords, 3);
  } finally {
    if (saved === undefined) delete process.env.GOMR_EXECUTOR_HEAP_MB;
    else process.env.GOMR_EXECUTOR_HEAP_MB = saved;
    await executor.stop();
    await rm(root, { recursive: true, force: true });
  }
});
