/**
 * The S3 store as openStorage makes it (RetryingStorage over S3Storage), talking to a real
 * s3rver through a FaultProxy that resets, delays, stalls, refuses and answers 503.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { NotFoundError, StorageUnavailableError, StorageUnreachableError } from '../src/errors.js';
import { openStorage } from '../src/open-storage.js';
import type { RetryEvent } from '../src/retrier.js';
import type { RetryPolicy } from '../src/retry-policy.js';
import { RetryingStorage } from '../src/retrying-storage.js';
import { S3ReadStream } from '../src/s3-read-stream.js';
import { S3Storage } from '../src/s3-storage.js';
import type { OpenStorageOptions } from '../src/storage-options.js';
import { FaultProxy, startS3rver, type FaultProxyOptions, type RunningS3rver } from '../src/testing/index.js';
import { readAll } from './storage-contract.js';

const MiB = 1024 * 1024;
let s3: RunningS3rver;
let direct: S3Storage;
/** A 24 MiB object, put once without faults. */
const big = randomBytes(24 * MiB);
let buckets = 0;

before(async () => {
  s3 = await startS3rver();
  direct = new S3Storage({ ...s3.config, bucket: 'fixtures' });
  await direct.put('big', big);
});
after(async () => {
  await direct?.close();
  await s3?.stop();
});

interface Harness {
  proxy: FaultProxy;
  storage: RetryingStorage;
  events: RetryEvent[];
  /** Retries of whole operations and within streams. */
  retries(): number;
  close(): Promise<void>;
}

/** A store as openStorage makes it, on a bucket of its own (or the fixtures'), through a fresh proxy. */
async function through(
  proxyOptions: Omit<FaultProxyOptions, 'target'> = {},
  options: Omit<OpenStorageOptions, 'retry'> & { bucket?: string; retry?: Partial<RetryPolicy> } = {},
): Promise<Harness> {
  const { proxy, storage, events } = await open(proxyOptions, options);
  assert.ok(storage instanceof RetryingStorage && storage.inner instanceof S3Storage);
  const inner = storage.inner;
  return {
    proxy,
    storage,
    events,
    retries: () => storage.retrier.retries + (inner.retrier?.retries ?? 0),
    close: async () => {
      await storage.close();
      await proxy.close();
    },
  };
}

async function open(proxyOptions: Omit<FaultProxyOptions, 'target'>, options: OpenStorageOptions & { bucket?: string }) {
  const proxy = await FaultProxy.start({ target: s3.endpoint, ...proxyOptions });
  const events: RetryEvent[] = [];
  const { bucket, ...rest } = options;
  const storage = await openStorage(
    { ...s3.config, endpoint: proxy.endpoint, bucket: bucket ?? `faults-${++buckets}` },
    { retry: { baseDelayMs: 10, maxDelayMs: 200, budgetMs: 5000 }, requestTimeoutMs: 2000, onRetry: (e) => events.push(e), env: {}, ...rest },
  );
  return { proxy, storage, events };
}

/** Reads a stream slowly: stops for `pauseMs` after the first `afterBytes`. */
async function readWithPause(stream: Readable, afterBytes: number, pauseMs: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let read = 0;
  let paused = false;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    read += (chunk as Buffer).length;
    if (!paused && read >= afterBytes) {
      paused = true;
      await sleep(pauseMs);
    }
  }
  return Buffer.concat(chunks);
}

describe('S3 storage through a faulty network', { timeout: 60_000 }, () => {
  test('reads, writes, listing, copies and deletes succeed through resets and latency, byte for byte', async (t) => {
    // Most new connections break within their first 256 KiB; the pool keeps those that do not.
    const h = await through({ seed: 11, faults: { resetProbability: 0.8, resetAfterBytes: [0, 256 * 1024], jitterMs: 2 } });
    try {
      const s = h.storage;
      const objects = new Map(Array.from({ length: 24 }, (_, i) => [`data/obj-${String(i).padStart(2, '0')}`, randomBytes(1 + i * 9000)]));
      const keys = [...objects.keys()];
      for (let i = 0; i < keys.length; i += 6) await Promise.all(keys.slice(i, i + 6).map((k) => s.put(k, objects.get(k)!)));
      // A streamed write past one 8 MiB part: a multipart upload whose parts are retried.
      const streamed = randomBytes(10 * MiB + 17);
      const writer = await s.createWriter('data/streamed');
      for (let at = 0; at < streamed.length; at += MiB) writer.write(streamed.subarray(at, at + MiB));
      writer.end();
      await writer.done();
      objects.set('data/streamed', streamed);

      assert.deepEqual((await s.list('data/')).map((o) => [o.key, o.size]), [...objects].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, v.length]));
      for (const [key, data] of objects) assert.ok((await s.get(key)).equals(data), `get ${key}`);
      const ranged = await readAll(await s.getStream('data/streamed', { start: 3 * MiB + 5, end: 9 * MiB }));
      assert.ok(ranged.equals(streamed.subarray(3 * MiB + 5, 9 * MiB)), 'ranged read');
      await s.copy('data/obj-03', 'copied/obj-03');
      assert.ok((await s.get('copied/obj-03')).equals(objects.get('data/obj-03')!));
      assert.deepEqual(await s.stat('data/obj-05'), { key: 'data/obj-05', size: objects.get('data/obj-05')!.length });
      await s.delete(keys.slice(0, 12));
      await s.deletePrefix('data/');
      assert.deepEqual((await s.list('')).map((o) => o.key), ['copied/obj-03']);

      t.diagnostic(`${h.proxy.stats.connections} connections, ${h.proxy.stats.resets} resets, ${h.retries()} retries`);
      assert.ok(h.proxy.stats.resets >= 4, `${h.proxy.stats.resets} resets injected`);
      // Every reset breaks a request in flight (the server never speaks first), and each is retried.
      assert.ok(h.retries() >= h.proxy.stats.resets, `${h.retries()} retries for ${h.proxy.stats.resets} resets`);
    } finally {
      await h.close();
    }
  });

  test('a read broken by a reset midway resumes from the next byte with a ranged GET', async () => {
    const h = await through({}, { bucket: 'fixtures' });
    try {
      // The first connection carries the bucket check, the stat and the GET: it breaks 9 MiB in.
      h.proxy.injectNext({ kind: 'reset', afterBytes: 9 * MiB });
      const stream = await h.storage.getStream('big', { start: MiB + 3, end: 23 * MiB });
      assert.ok(stream instanceof S3ReadStream);
      const data = await readAll(stream);
      assert.ok(data.equals(big.subarray(MiB + 3, 23 * MiB)), `${data.length} bytes, byte for byte`);
      assert.equal(h.proxy.stats.resets, 1);
      assert.equal(stream.resumes, 1);
      assert.match(h.events[0]!.operation, /^read big from byte \d+$/);
      const resumedAt = Number(/from byte (\d+)/.exec(h.events[0]!.operation)![1]);
      assert.ok(resumedAt > MiB + 3 && resumedAt < 11 * MiB, `resumed at byte ${resumedAt}`);

      // A whole-object read (no range asked) resumes the same way.
      h.proxy.resetAll();
      h.proxy.injectNext({ kind: 'reset', afterBytes: 4 * MiB });
      const whole = await h.storage.getStream('big');
      assert.ok((await readAll(whole)).equals(big));
      assert.equal((whole as S3ReadStream).resumes, 1);
    } finally {
      await h.close();
    }
  });

  test('a body that stalls is cut while the reader waits, and resumed; a slow reader is not cut', async () => {
    const h = await through({}, { bucket: 'fixtures', requestTimeoutMs: 300 });
    try {
      h.proxy.injectNext({ kind: 'stall', afterBytes: 5 * MiB });
      const started = Date.now();
      const stalled = await h.storage.getStream('big');
      assert.ok((await readAll(stalled)).equals(big));
      assert.equal((stalled as S3ReadStream).resumes, 1);
      assert.equal(h.proxy.stats.stalls, 1);
      assert.ok(Date.now() - started >= 300, 'waited for the stall timeout');
      assert.match(String((h.events[0]!.error as Error).message), /no bytes moved .* for 300 ms/);

      // The consumer stops reading for 3x the timeout: its own choice, not a stall.
      const slow = await h.storage.getStream('big', { start: 0, end: 16 * MiB });
      assert.ok((await readWithPause(slow, 2 * MiB, 900)).equals(big.subarray(0, 16 * MiB)));
      assert.equal((slow as S3ReadStream).resumes, 0, 'no resume for a paused consumer');
    } finally {
      await h.close();
    }
  });

  test('without retries a broken read fails with a typed StorageUnavailableError, not a hang', async () => {
    const { proxy, storage } = await open({}, { bucket: 'fixtures', retry: false });
    try {
      assert.ok(storage instanceof S3Storage, 'retry: false gives the backend itself');
      proxy.injectNext({ kind: 'reset', afterBytes: 2 * MiB });
      await assert.rejects(readAll(await storage.getStream('big')), (error: unknown) => {
        assert.ok(error instanceof StorageUnavailableError, String(error));
        assert.equal(error.retryable, true);
        return true;
      });
    } finally {
      await storage.close();
      await proxy.close();
    }
  });

  test('a request that stalls before answering is cut by the request timeout and retried', async () => {
    const h = await through({}, { requestTimeoutMs: 400 });
    try {
      // A fresh store has no pooled connection: its first request opens the stalled one.
      h.proxy.injectNext({ kind: 'stall', afterBytes: 0 });
      const started = Date.now();
      await h.storage.put('k', 'value');
      const took = Date.now() - started;
      assert.ok(took >= 400 && took < 3000, `took ${took} ms`);
      assert.equal(h.proxy.stats.stalls, 1);
      assert.equal(h.retries(), 1);
      assert.match(String((h.events[0]!.error as Error).message), /no bytes moved to or from 127\.0\.0\.1:\d+ for 400 ms/);

      // Pooled connections that go silent are cut the same way.
      h.proxy.stallAll();
      assert.deepEqual((await h.storage.list('')).map((o) => o.key), ['k']);
      assert.equal((await h.storage.get('k')).toString(), 'value');
    } finally {
      await h.close();
    }
  });

  test('503 SlowDown answers are retried; a missing object is not', async () => {
    const h = await through();
    try {
      h.proxy.injectNext({ kind: 'http503' }, { kind: 'http503' });
      await h.storage.put('k', 'v');
      assert.equal(h.proxy.stats.http503, 2);
      assert.equal(h.retries(), 2);
      assert.match(String((h.events[0]!.error as Error).message), /503/);

      const started = Date.now();
      await assert.rejects(h.storage.get('absent'), NotFoundError);
      assert.ok(Date.now() - started < 500);
      assert.equal(h.retries(), 2, 'NotFoundError is not retried');
    } finally {
      await h.close();
    }
  });

  test('a server restart (connections refused for a while) is ridden out', async () => {
    const h = await through();
    try {
      await h.storage.put('before', 'x');
      const outage = h.proxy.outage(700);
      const [list, value] = await Promise.all([h.storage.list(''), h.storage.get('before'), h.storage.put('during', 'y')]);
      await outage;
      assert.ok(list.some((o) => o.key === 'before'));
      assert.equal(value.toString(), 'x');
      assert.equal((await h.storage.get('during')).toString(), 'y');
      assert.ok(h.events.some((e) => /ECONNREFUSED/.test(String((e.error as StorageUnavailableError).cause))), 'refused while down');
    } finally {
      await h.close();
    }
  });

  test('an outage longer than the budget fails with a clear message, within budget + slack', async () => {
    const h = await through({}, { retry: { baseDelayMs: 50, maxDelayMs: 300, budgetMs: 1500 } });
    try {
      await h.storage.put('k', 'v');
      await h.proxy.outage();
      const started = Date.now();
      const error = await h.storage.get('k').catch((e: unknown) => e);
      const took = Date.now() - started;
      assert.ok(error instanceof StorageUnreachableError, String(error));
      assert.match(
        error.message,
        new RegExp(`^storage s3://faults-\\d+ at ${h.proxy.endpoint.replace(/\./g, '\\.')} unreachable for 1\\.[5-9] s: connect ECONNREFUSED 127\\.0\\.0\\.1:${h.proxy.port} \\(get k, \\d+ attempts\\)$`),
      );
      assert.ok(took >= 1500 && took < 1500 + 700, `gave up after ${took} ms`);
      assert.ok(error.attempts >= 4, `${error.attempts} attempts`);
    } finally {
      await h.close();
    }
  });
});
