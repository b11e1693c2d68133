import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { StorageUnavailableError } from '../src/errors.js';
import { S3Storage } from '../src/s3-storage.js';
import { startS3rver, type RunningS3rver } from '../src/testing/index.js';
import { describeStorageContract } from './storage-contract.js';

let server: RunningS3rver;
let buckets = 0;

before(async () => {
  server = await startS3rver();
});
after(async () => {
  await server?.stop();
});

// One server for the file; a fresh bucket (created lazily by S3Storage) per test.
describeStorageContract('S3Storage on s3rver', async () => {
  const storage = new S3Storage({ ...server.config, bucket: `contract-${++buckets}` });
  return { storage, cleanup: async () => {} };
});

describe('S3Storage specifics', () => {
  test('creates its bucket on first use, once, and two stores share it', async () => {
    const config = { ...server.config, bucket: 'lazily-created' };
    const first = new S3Storage(config);
    const second = new S3Storage(config);
    await Promise.all([first.put('a', '1'), second.put('b', '2')]);
    assert.deepEqual((await first.list('')).map((o) => o.key), ['a', 'b']);
    await first.close();
    await second.close();
  });

  test('an unreachable endpoint rejects quickly with a retryable StorageUnavailableError', async () => {
    const port = await closedPort();
    const storage = new S3Storage({ ...server.config, endpoint: `http://127.0.0.1:${port}` });
    const started = Date.now();
    for (const operation of [() => storage.get('k'), () => storage.put('k', 'v'), () => storage.list('')]) {
      await assert.rejects(operation, (error: unknown) => {
        assert.ok(error instanceof StorageUnavailableError, `expected StorageUnavailableError, got ${String(error)}`);
        assert.equal(error.retryable, true);
        assert.equal(error.describe, `s3://${server.config.bucket} at http://127.0.0.1:${port}`);
        assert.match(error.message, /ECONNREFUSED/);
        assert.equal((error.cause as NodeJS.ErrnoException).code, 'ECONNREFUSED');
        return true;
      });
    }
    assert.ok(Date.now() - started < 5000, 'took too long to fail');
    await storage.close();
  });

  test('a server that stops mid-session turns into StorageUnavailableError, not a hang', async () => {
    const own = await startS3rver();
    const storage = new S3Storage(own.config);
    await storage.put('k', 'v');
    const writer = await storage.createWriter('w');
    writer.write('some bytes');
    await own.stop();
    await assert.rejects(() => storage.get('k'), StorageUnavailableError);
    writer.end();
    await assert.rejects(() => writer.done(), StorageUnavailableError);
    await storage.close();
  });

  test('partSize below the S3 minimum is refused', () => {
    assert.throws(() => new S3Storage(server.config, { partSize: 1024 }), RangeError);
  });
});

/** A port on 127.0.0.1 that nothing listens on (bound, noted, released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
