// Incomplete multipart uploads: a writer that is aborted removes its own; deletePrefix (the job's
// cleanup) removes those of writers that were killed; a server without the calls, or one that
// fails during the sweep, does not fail the cleanup. Uploads are checked in s3rver's store
// itself (RunningS3rver.incompleteUploads), not through the calls under test.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import * as Minio from 'minio';
import { StorageUnavailableError } from '../src/errors.js';
import { openStorage } from '../src/open-storage.js';
import { RetryingStorage } from '../src/retrying-storage.js';
import { S3Storage } from '../src/s3-storage.js';
import { FaultProxy, startS3rver, type RunningS3rver } from '../src/testing/index.js';
import type { ObjectWriter } from '../src/storage.js';

const MiB = 1024 * 1024;
const PART = 5 * MiB; // the S3 minimum, so one write starts an upload
const S3_STORAGE_JS = fileURLToPath(new URL('../src/s3-storage.js', import.meta.url));

let buckets = 0;
const freshBucket = (): string => `uploads-${++buckets}`;

describe('on s3rver with ListMultipartUploads and AbortMultipartUpload added', () => {
  let server: RunningS3rver;
  before(async () => {
    server = await startS3rver({ multipartApi: true });
  });
  after(async () => {
    await server?.stop();
  });

  test('abort() after a part was uploaded removes the multipart upload', async () => {
    const bucket = freshBucket();
    const storage = new S3Storage({ ...server.config, bucket }, { partSize: PART });
    const key = 'jobs/j1/map/m-00000.a1.part-00000.run';
    const writer = await storage.createWriter(key);
    await write(writer, Buffer.alloc(PART, 1));
    writer.write('more, not yet sent');
    assert.deepEqual(summary(await server.incompleteUploads(bucket)), [[key, 1]]);
    await writer.abort();
    assert.deepEqual(await server.incompleteUploads(bucket), []);
    await assert.rejects(() => writer.done(), /aborted/);
    assert.equal(await storage.stat(key), null);
    await storage.close();
  });

  test('abort() while the first part is still being sent waits for it, then removes the upload', async () => {
    const bucket = freshBucket();
    // 10 ms per 64 KiB chunk: the 5 MiB part takes ~0.8 s to go through.
    const proxy = await FaultProxy.start({ target: server.endpoint, faults: { latencyMs: 10 } });
    const storage = new S3Storage({ ...server.config, bucket, endpoint: proxy.endpoint }, { partSize: PART });
    try {
      const writer = await storage.createWriter('jobs/j1/map/racing');
      writer.write(Buffer.alloc(PART, 2));
      const started = await waitFor(async () => (await server.incompleteUploads(bucket))[0]);
      assert.equal(started.parts, 0, 'the part was meant to be in flight');
      await writer.abort();
      assert.deepEqual(await server.incompleteUploads(bucket), []);
    } finally {
      await storage.close();
      await proxy.close();
    }
  });

  test('deletePrefix aborts the upload of a SIGKILLed writer, and no upload outside the prefix', async () => {
    const bucket = freshBucket();
    const storage = new S3Storage({ ...server.config, bucket }, { partSize: PART });
    await storage.put('jobs/j1/map/m-00001.a1.part-00000.run', 'a finished run');
    const outside = await storage.createWriter('jobs/j2/map/m-00000.a1.part-00000.run');
    await write(outside, Buffer.alloc(PART, 3));

    const killed = 'jobs/j1/map/m-00000.a1.part-00000.run';
    await killWriterAfterFirstPart({ ...server.config, bucket }, killed);
    assert.deepEqual(summary(await server.incompleteUploads(bucket)), [
      [killed, 1],
      ['jobs/j2/map/m-00000.a1.part-00000.run', 1],
    ]);

    await storage.deletePrefix('jobs/j1/map/');
    assert.deepEqual(summary(await server.incompleteUploads(bucket)), [['jobs/j2/map/m-00000.a1.part-00000.run', 1]]);
    assert.deepEqual(await storage.list('jobs/j1/'), []);
    await outside.abort();
    assert.deepEqual(await server.incompleteUploads(bucket), []);
    await storage.close();
  });
});

test('deletePrefix pages through the listing (two uploads a page), several uploads of one key included', async () => {
  const server = await startS3rver({ multipartApi: { pageSize: 2 } });
  const client = minioClient(server);
  const storage = new S3Storage(server.config);
  try {
    await storage.ensureBucket();
    const under = ['jobs/j1/map/0', 'jobs/j1/map/a', 'jobs/j1/map/a', 'jobs/j1/map/a', 'jobs/j1/map/b/c', 'jobs/j1/map/d'];
    const beside = ['jobs/j1/ma', 'jobs/j1/mapx', 'jobs/j2/map/a'];
    for (const key of [...under, ...beside]) await client.initiateNewMultipartUpload(server.config.bucket, key, {});
    assert.equal((await server.incompleteUploads()).length, under.length + beside.length);
    await storage.deletePrefix('jobs/j1/map/');
    assert.deepEqual((await server.incompleteUploads()).map((u) => u.key), beside);
  } finally {
    await storage.close();
    await server.stop();
  }
});

test('on a server that lists by exact key only (as MinIO does), deletePrefix finds the uploads in the full listing', async () => {
  const server = await startS3rver({ multipartApi: { prefixIsExactKey: true } });
  const client = minioClient(server);
  const storage = new S3Storage(server.config);
  try {
    await storage.ensureBucket();
    const under = ['jobs/j1/map/a', 'jobs/j1/map/b/c'];
    const beside = ['jobs/j1/mapx', 'jobs/j2/map/a'];
    for (const key of [...beside, ...under]) await client.initiateNewMultipartUpload(server.config.bucket, key, {});
    await storage.deletePrefix('jobs/j1/map/');
    assert.deepEqual((await server.incompleteUploads()).map((u) => u.key), beside);
  } finally {
    await storage.close();
    await server.stop();
  }
});

test('a 503 during the sweep: the objects are deleted, the error is retryable, and a retry finishes the sweep', async () => {
  const server = await startS3rver({ multipartApi: true });
  const proxy = await FaultProxy.start({ target: server.endpoint });
  const config = { ...server.config, endpoint: proxy.endpoint };
  const storage = new S3Storage(config);
  const retried: string[] = [];
  const retrying = new RetryingStorage(new S3Storage(config), {
    policy: { baseDelayMs: 1, maxDelayMs: 5, budgetMs: 5000 },
    onRetry: (event) => retried.push(event.operation),
  });
  try {
    const client = minioClient(server);
    await storage.put('jobs/j1/map/a', 'x');
    await client.initiateNewMultipartUpload(server.config.bucket, 'jobs/j1/map/b', {});
    await answer503Next(proxy);
    await assert.rejects(() => storage.deletePrefix('jobs/j1/map/'), StorageUnavailableError);
    assert.equal(proxy.stats.http503, 1);
    assert.deepEqual(await storage.list('jobs/'), [], 'the objects are deleted all the same');
    assert.equal((await server.incompleteUploads()).length, 1);

    await retrying.list(''); // its bucket check and its connection, before the 503
    await answer503Next(proxy);
    await retrying.deletePrefix('jobs/j1/map/');
    assert.equal(proxy.stats.http503, 2);
    assert.deepEqual(retried, ['delete jobs/j1/map/*']);
    assert.deepEqual(await server.incompleteUploads(), []);
  } finally {
    await storage.close();
    await retrying.close();
    await proxy.close();
    await server.stop();
  }
});

describe('on s3rver as it is (no ListMultipartUploads, no AbortMultipartUpload)', () => {
  let server: RunningS3rver;
  before(async () => {
    server = await startS3rver();
  });
  after(async () => {
    await server?.stop();
  });

  test('deletePrefix deletes the objects and warns once that it cannot list uploads', async () => {
    const warnings: string[] = [];
    const storage = new S3Storage({ ...server.config, bucket: freshBucket() }, { onWarning: (m) => warnings.push(m) });
    await storage.put('jobs/j1/map/a', 'x');
    await storage.put('jobs/j1/reduce/b', 'y');
    await storage.deletePrefix('jobs/j1/map/');
    await storage.deletePrefix('jobs/j1/reduce/');
    assert.deepEqual(await storage.list('jobs/'), []);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /^storage s3:\/\/uploads-\d+ at http:\/\/127\.0\.0\.1:\d+: could not abort incomplete multipart uploads under jobs\/j1\/map\/ \(NotImplemented: /);
    await storage.close();
  });

  test('abort() resolves though the server cannot abort the upload, and says so', async () => {
    const bucket = freshBucket();
    const warnings: string[] = [];
    const storage = new S3Storage({ ...server.config, bucket }, { partSize: PART, onWarning: (m) => warnings.push(m) });
    const writer = await storage.createWriter('jobs/j1/map/left');
    await write(writer, Buffer.alloc(PART, 4));
    await writer.abort();
    await assert.rejects(() => writer.done(), /aborted/);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /could not abort the multipart upload of jobs\/j1\/map\/left \(MethodNotAllowed: /);
    // Why deletePrefix must sweep where the server can: the parts are still there.
    assert.deepEqual(summary(await server.incompleteUploads(bucket)), [['jobs/j1/map/left', 1]]);
    await storage.close();
  });

  test('openStorage hands its onWarning to the S3 store, with retries on and off', async () => {
    for (const retry of [undefined, false] as const) {
      const warnings: string[] = [];
      const storage = await openStorage({ ...server.config, bucket: freshBucket() }, { retry, onWarning: (m) => warnings.push(m) });
      await storage.put('jobs/j1/map/a', 'x');
      await storage.deletePrefix('jobs/j1/map/');
      assert.deepEqual(await storage.list(''), []);
      assert.equal(warnings.length, 1, `retry ${String(retry)}: ${warnings.join('\n')}`);
      assert.match(warnings[0]!, /NotImplemented/);
      await storage.close();
    }
  });
});

/** Writes one chunk and waits until the writer has taken it (for a full part: uploaded it). */
function write(writer: ObjectWriter, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => writer.write(chunk, (error) => (error ? reject(error) : resolve())));
}

function summary(uploads: { key: string; parts: number }[]): [string, number][] {
  return uploads.map((u) => [u.key, u.parts]);
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(5);
  }
}

/** Another process streams to `key`, says when its first part is uploaded, and is SIGKILLed. */
async function killWriterAfterFirstPart(config: object, key: string): Promise<void> {
  const script = `
    const { S3Storage } = await import(${JSON.stringify(S3_STORAGE_JS)});
    const storage = new S3Storage(${JSON.stringify(config)}, { partSize: ${PART} });
    const writer = await storage.createWriter(${JSON.stringify(key)});
    writer.write(Buffer.alloc(${PART}, 5), () => console.log('part uploaded'));
    setInterval(() => {}, 1000); // stays, writing, until killed
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let out = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (text: string) => {
        out += text;
        if (out.includes('part uploaded')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`writer exited (${code}) before its first part: ${out}`)));
    });
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  }
}

/** The next connection the proxy accepts is answered 503; open ones are reset so one is needed. */
async function answer503Next(proxy: FaultProxy): Promise<void> {
  proxy.resetAll();
  await sleep(50); // the client sees its kept-alive sockets close
  proxy.injectNext({ kind: 'http503' });
}

function minioClient(server: RunningS3rver): Minio.Client {
  const { hostname, port } = new URL(server.endpoint);
  return new Minio.Client({
    endPoint: hostname,
    port: Number(port),
    useSSL: false,
    accessKey: server.config.accessKey,
    secretKey: server.config.secretKey,
    region: 'us-east-1',
    pathStyle: true,
  });
}
