// A batch of tiny tasks goes to the executor thread in one message and comes back in one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskOutcome } from '../../src/runtime/executor-protocol.js';
import { executorFixture, fixtureJob } from './executor-fixture.js';

test('a batch runs in order in one round trip; a task that throws fails alone', async () => {
  const f = await executorFixture(
    'gomr-exec-batch-',
    `run({
  mapper(ctx, chunk) { if (chunk.includes('boom')) throw new Error('boom in ' + ctx.input); for (const w of chunk.split(/\\s+/)) if (w) ctx.emit(w, 1); },
  reducer(ctx, key, values) { ctx.emit(key, values.length); },
});
`,
  );
  const executor = f.executor;
  try {
    const texts = ['a b\n', 'boom\n', 'c\n'];
    const specs = [];
    for (const [i, text] of texts.entries()) specs.push(await f.mapTask(i, text, { inlineRunBytes: 1024 }));
    const [first, ...rest] = specs;
    const outcome = (await executor.run({ ...first!, then: rest }, fixtureJob)) as TaskOutcome & { then?: TaskOutcome[] };
    assert.equal(outcome.ok, true);
    assert.equal(outcome.ok && outcome.counters.mapOutputRecords, 2);
    assert.equal(outcome.then?.length, 2);
    const [second, third] = outcome.then!;
    assert.equal(second!.ok, false);
    assert.match(!second!.ok ? second!.error.message : '', /boom in in1\.txt/);
    assert.equal(third!.ok && third!.counters.mapOutputRecords, 1);
    // A task alone comes back without `then`, as before.
    const alone = (await executor.run(specs[2]!, fixtureJob)) as TaskOutcome & { then?: TaskOutcome[] };
    assert.equal(alone.ok, true);
    assert.equal(alone.then, undefined);
  } finally {
    await f.close();
  }
});
