// A worker boots its executor thread while it waits for the master's address, which the local
// runtime sends once the worker file is bundled and checked: the file may not exist yet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rename, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { executorFixture, fixtureJob } from './executor-fixture.js';

const WORDS = `run({
  mapper(ctx, chunk) { for (const w of chunk.split(/\\s+/)) if (w) ctx.emit(w, 1); },
  reducer(ctx, key, values) { ctx.emit(key, values.length); },
});
`;

test('a booted executor thread loads the worker file only at start(), so it may be written after boot()', async () => {
  const f = await executorFixture('gomr-exec-boot-', WORDS);
  const bundle = f.bundlePath;
  try {
    await rename(bundle, `${bundle}.later`);
    let settled = false;
    const booted = f.executor.boot().then(() => (settled = true), () => (settled = true));
    // Booted with no file: it waits, neither ready nor failed.
    await sleep(300);
    assert.equal(settled, false, 'the thread loaded (or failed to load) the worker file before start()');
    await rename(`${bundle}.later`, bundle);
    await f.executor.start();
    await booted;
    const outcome = await f.executor.run(await f.mapTask(0, 'a b a\n'), fixtureJob);
    assert.equal(outcome.ok && outcome.counters.mapOutputRecords, 3);
  } finally {
    await rm(`${bundle}.later`, { force: true });
    await f.close();
  }
});

test('start() without boot() still starts and loads in one go; a thread that is replaced loads again', async () => {
  const f = await executorFixture('gomr-exec-boot-', WORDS);
  try {
    await f.executor.start();
    assert.equal((await f.executor.run(await f.mapTask(0, 'x\n'), fixtureJob)).ok, true);
    // cancel() ends the thread; the next task boots and loads a fresh one.
    await f.executor.cancel();
    assert.equal((await f.executor.run(await f.mapTask(1, 'y z\n'), fixtureJob)).ok, true);
  } finally {
    await f.close();
  }
});
