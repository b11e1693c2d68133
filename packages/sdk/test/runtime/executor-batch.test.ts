// A batch of tiny tasks goes to the executor thread in one message and comes back in one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TaskExecutor } from '../../src/runtime/task-executor.js';
import type { TaskOutcome, TaskSpec } from '../../src/runtime/executor-protocol.js';

const sdkIndex = fileURLToPath(new URL('../../src/index.js', import.meta.url));

test('a batch runs in order in one round trip; a task that throws fails alone', async () => {
  const root = await mkdtemp(join(tmpdir(), 'gomr-exec-batch-'));
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
run({
  mapper(ctx, chunk) { if (chunk.includes('boom')) throw new Error('boom in ' + ctx.input); for (const w of chunk.split(/\\s+/)) if (w) ctx.emit(w, 1); },
  reducer(ctx, key, values) { ctx.emit(key, values.length); },
});
`,
    );
    const texts = ['a b\n', 'boom\n', 'c\n'];
    const specs: TaskSpec[] = [];
    for (const [i, text] of texts.entries()) {
      await writeFile(join(root, `in${i}.txt`), text);
      specs.push({
        taskId: `m-${i}`, kind: 'MAP', index: i, attempt: 1, outputPrefix: `jobs/j/map/m-${i}.a1.`, runKeys: [], inlineRunBytes: 1024,
        split: { inputKey: `in${i}.txt`, inputName: `in${i}.txt`, start: 0, end: text.length, fileSize: text.length },
      });
    }
    const [first, ...rest] = specs;
    const outcome = (await executor.run({ ...first!, then: rest }, { workerId: 'w', reducers: 1, params: {} })) as TaskOutcome & { then?: TaskOutcome[] };
    assert.equal(outcome.ok, true);
    assert.equal(outcome.ok && outcome.counters.mapOutputRecords, 2);
    assert.equal(outcome.then?.length, 2);
    const [second, third] = outcome.then!;
    assert.equal(second!.ok, false);
    assert.match(!second!.ok ? second!.error.message : '', /boom in in1\.txt/);
    assert.equal(third!.ok && third!.counters.mapOutputRecords, 1);
    // A task alone comes back without `then`, as before.
    const alone = (await executor.run(specs[2]!, { workerId: 'w', reducers: 1, params: {} })) as TaskOutcome & { then?: TaskOutcome[] };
    assert.equal(alone.ok, true);
    assert.equal(alone.then, undefined);
  } finally {
    await executor.stop();
    await rm(root, { recursive: true, force: true });
  }
});
