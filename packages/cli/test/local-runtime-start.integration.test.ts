import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { MasterConnection } from '@gomr/proto';
import { bundleWorker } from '../src/bundle/bundle-worker.js';
import { LocalRuntime } from '../src/local/local-runtime.js';
import { repoRoot } from './support/run-gomr.js';

// `gomr run` spawns the master and the workers before the worker file is bundled. A worker
// must not be handed the master's address (and so load user code) until the bundle exists:
// here the bundle appears 800 ms after the processes started, and the job must run with no
// worker failing to start.
test('workers started before the bundle exists wait for it, then run the job without a failed start', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gomr-runtime-start-'));
  const runtimeDir = join(dir, 'job');
  const store = join(dir, 'store');
  const input = join(dir, 'in.txt');
  await writeFile(input, 'a b a\nc a b\n');
  const ready = await bundleWorker(join(repoRoot, 'examples/wordcount/worker.ts'), join(dir, 'ready.mjs'));
  const bundlePath = join(runtimeDir, 'worker.mjs');
  const specPath = join(dir, 'spec.json');
  await writeFile(specPath, JSON.stringify({
    jobId: 'start-gate', token: 't0k', inputs: [{ key: input.slice(1), name: 'in.txt', size: 12 }],
    inputStorage: { kind: 'local', root: '/' }, storage: { kind: 'local', root: store }, maps: 2, reducers: 1,
  }));
  let askedAt = 0;
  const startedAt = Date.now();
  const runtime = new LocalRuntime({
    jobDir: runtimeDir, specPath, bundlePath, token: 't0k', workers: 2,
    storage: { kind: 'local', root: store }, inputStorage: { kind: 'local', root: '/' },
    bundleReady: async () => {
      askedAt = Date.now();
      await sleep(800);
      await copyFile(ready.path, bundlePath);
    },
  });
  await mkdir(runtimeDir, { recursive: true });
  try {
    await runtime.start();
    assert.ok(askedAt > 0 && askedAt - startedAt < 500, 'the bundle is asked for once the processes are spawned');
    const master = new MasterConnection(runtime.masterAddress, { token: 't0k' });
    try {
      let status = await master.getStatus();
      while (status.state !== 'SUCCEEDED' && status.state !== 'FAILED') status = await master.getStatus({ waitMs: 1000 });
      assert.equal(status.state, 'SUCCEEDED', status.error);
      assert.ok(Date.now() - askedAt >= 800, 'the job cannot end before the bundle was written');
    } finally {
      master.close();
    }
    await runtime.stop();
    assert.equal(runtime.fatal, undefined);
    // No worker died before registering (the runtime logs and restarts those).
    for (const log of (await readdir(runtimeDir)).filter((f) => f.startsWith('worker-'))) {
      const text = await readFile(join(runtimeDir, log), 'utf8');
      assert.doesNotMatch(text, /fatal|cannot|stdin ended/i, `${log}: ${text}`);
    }
    const out = await readFile(join(store, 'jobs/start-gate/output/part-00000'), 'utf8');
    assert.equal(out, 'a\t3\nb\t2\nc\t1\n');
  } finally {
    await runtime.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
