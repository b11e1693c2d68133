// A reduce over many runs holds at most its merge factor of them open at once, whatever their
// number: each open object is a file descriptor (local) or a socket with its buffer (S3).
// Counted at the storage interface, and on Linux as the process's open file descriptors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { openStorage, type ByteRange, type Storage } from '@gomr/storage';
import { REDUCE_MERGE_FACTOR, runReduceTask } from '../../src/runtime/reduce-task.js';
import type { TaskSpec } from '../../src/runtime/executor-protocol.js';
import { orderKeepingEnv, runBytes } from './reduce-fixture.js';

const RUNS = 300;
/** Descriptors the reduce may hold besides its runs: the merge file being written, the output, its spill. */
const OTHER_FDS = 8;
const hasProcFd = existsSync('/proc/self/fd');

function openFds(): number {
  return hasProcFd ? readdirSync('/proc/self/fd').length : 0;
}

/** A store whose getStream counts the streams open now, the most at once, and the process's fds then. */
function countingStorage(inner: Storage) {
  const counts = { open: 0, peakOpen: 0, peakFds: 0 };
  const storage: Storage = Object.create(inner) as Storage;
  storage.getStream = async (key: string, range?: ByteRange): Promise<Readable> => {
    const s = await inner.getStream(key, range);
    counts.peakOpen = Math.max(counts.peakOpen, ++counts.open);
    counts.peakFds = Math.max(counts.peakFds, openFds());
    s.once('close', () => counts.open--);
    return s;
  };
  return { storage, counts };
}

async function setup() {
  const root = await mkdtemp(join(tmpdir(), 'gomr-reduce-fds-'));
  const inner = await openStorage({ kind: 'local', root });
  const { storage, counts } = countingStorage(inner);
  const env = orderKeepingEnv(storage, root);
  // Run i holds keys k<i mod 11>, k<i mod 13 + 20> and `common`, each with value i; every 10th run inline.
  const runs: NonNullable<TaskSpec['runs']> = [];
  const expected = new Map<string, number[]>();
  for (let i = 0; i < RUNS; i++) {
    const keys = [`k${i % 11}`, `k${(i % 13) + 20}`, 'common'].sort();
    const bytes = runBytes(keys.map((k) => [k, i]));
    for (const k of keys) expected.set(k, [...(expected.get(k) ?? []), i]);
    if (i % 10 === 9) runs.push({ key: '', data: bytes });
    else {
      const key = `jobs/j/map/m-${i}.run`;
      await inner.put(key, bytes);
      runs.push({ key });
    }
  }
  const want = [...expected.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}\t${v.join(',')}\n`).join('');
  let attempt = 0;
  const task = (over: Partial<TaskSpec> = {}): TaskSpec => {
    attempt++;
    return { taskId: 'r-0', kind: 'REDUCE', index: 0, attempt, outputPrefix: `jobs/j/reduce/r-0.a${attempt}.`, runKeys: [], runs, ...over };
  };
  return { root, env, counts, runs, want, task, job: { workerId: 'w-1', reducers: 1, params: {} } };
}

/** Waits for destroyed streams to report closed (close events come a tick or more later). */
async function settled(counts: { open: number }): Promise<void> {
  for (let i = 0; i < 200 && counts.open > 0; i++) await new Promise((r) => setTimeout(r, 5));
}

test(`a reduce over ${RUNS} runs holds at most its merge factor open at once, with the same output as one wide merge`, async () => {
  const h = await setup();
  try {
    // The reference: one merge of all runs, every object open at once.
    const wide = await runReduceTask(h.task(), h.job, h.env, { mergeFactor: 1000 });
    const wideText = await readFile(join(h.root, wide.outputs[0]!.key), 'utf8');
    assert.equal(wideText, h.want);
    assert.equal(h.counts.peakOpen, 270, 'the wide merge opens every object');

    for (const factor of [8, REDUCE_MERGE_FACTOR]) {
      h.counts.peakOpen = 0;
      const baseFds = openFds();
      h.counts.peakFds = baseFds;
      // Also sample between opens: merge files and the output are descriptors too.
      const sampler = setInterval(() => (h.counts.peakFds = Math.max(h.counts.peakFds, openFds())), 1);
      let r;
      try {
        r = await runReduceTask(h.task(), h.job, h.env, factor === REDUCE_MERGE_FACTOR ? {} : { mergeFactor: factor });
      } finally {
        clearInterval(sampler);
      }
      assert.equal(await readFile(join(h.root, r.outputs[0]!.key), 'utf8'), wideText, `factor ${factor}: same bytes`);
      assert.deepEqual(r.counters, wide.counters);
      assert.ok(h.counts.peakOpen <= factor, `factor ${factor}: ${h.counts.peakOpen} object streams open at once`);
      assert.ok(h.counts.peakOpen >= Math.min(factor, 8), 'the count sees the streams');
      if (hasProcFd) {
        const extra = h.counts.peakFds - baseFds;
        assert.ok(extra <= factor + OTHER_FDS, `factor ${factor}: ${extra} more file descriptors at the peak`);
      }
      await settled(h.counts);
      assert.equal(h.counts.open, 0, 'every stream closed');
      assert.deepEqual(await readdir(h.env.spillDir), [], 'merge files removed');
    }
  } finally {
    await rm(h.root, { recursive: true, force: true });
  }
});

test('a reduce that cannot open a run of a later merge group fails, leaving no stream open and no file', async () => {
  const h = await setup();
  try {
    const runs = [...h.runs];
    runs[250] = { key: 'jobs/j/map/missing.run' };
    await assert.rejects(runReduceTask(h.task({ runs }), h.job, h.env), /missing/);
    assert.ok(h.counts.peakOpen <= REDUCE_MERGE_FACTOR);
    await settled(h.counts);
    assert.equal(h.counts.open, 0, 'streams opened with the failed one closed');
    assert.deepEqual(await readdir(h.env.spillDir), [], 'merge files of the earlier groups removed');
  } finally {
    await rm(h.root, { recursive: true, force: true });
  }
});
