/**
 * The behaviour every Storage backend must have. Each backend's test file runs this suite
 * against a fresh, empty store per test, so gomr code above storage can rely on exactly this.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { InvalidKeyError, NotFoundError } from '../src/errors.js';
import type { Storage } from '../src/storage.js';

export interface StorageUnderTest {
  storage: Storage;
  cleanup(): Promise<void>;
}

export function describeStorageContract(name: string, makeStorage: () => Promise<StorageUnderTest>): void {
  /** Runs `body` against a fresh store and always cleans up. */
  const withStorage = (body: (storage: Storage) => Promise<void>) => async () => {
    const { storage, cleanup } = await makeStorage();
    try {
      await body(storage);
    } finally {
      await storage.close().catch(() => {});
      await cleanup();
    }
  };

  describe(`Storage contract: ${name}`, () => {
    test('put/get round-trips strings (as UTF-8) and binary, and put replaces', withStorage(async (s) => {
      await s.put('greeting.txt', 'héllo wörld ✓');
      assert.deepEqual(await s.get('greeting.txt'), Buffer.from('héllo wörld ✓', 'utf8'));

      const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await s.put('dir/sub/bytes.bin', allBytes);
      assert.deepEqual(await s.get('dir/sub/bytes.bin'), allBytes);

      await s.put('greeting.txt', 'short');
      assert.equal((await s.get('greeting.txt')).toString(), 'short');
      assert.deepEqual(await s.stat('greeting.txt'), { key: 'greeting.txt', size: 5 });
    }));

    test('empty objects exist and read back empty', withStorage(async (s) => {
      await s.put('empty', '');
      assert.deepEqual(await s.stat('empty'), { key: 'empty', size: 0 });
      assert.equal((await s.get('empty')).length, 0);
      const emptyRange = await s.getStream('empty', { start: 0, end: 10 });
      assert.equal(emptyRange.readableObjectMode, false, 'a byte stream, like any other read');
      assert.equal((await readAll(emptyRange)).length, 0);
    }));

    test('a 5 MB object round-trips byte for byte', withStorage(async (s) => {
      const data = randomBytes(5 * 1024 * 1024 + 123);
      await s.put('big/object', data);
      assert.deepEqual(await s.stat('big/object'), { key: 'big/object', size: data.length });
      assert.ok((await s.get('big/object')).equals(data));
      assert.ok((await readAll(await s.getStream('big/object'))).equals(data));
    }));

    test('reading a missing key rejects with NotFoundError naming the key', withStorage(async (s) => {
      await s.put('present', 'x');
      for (const read of [
        () => s.get('absent/key'),
        () => s.getStream('absent/key'),
        () => s.getStream('absent/key', { start: 0, end: 1 }),
        () => s.getStream('absent/key', { start: 3, end: 3 }),
      ]) {
        await assert.rejects(read, (error: unknown) => {
          assert.ok(error instanceof NotFoundError, `expected NotFoundError, got ${String(error)}`);
          assert.equal(error.key, 'absent/key');
          assert.equal(error.retryable, false);
          return true;
        });
      }
      // A "directory" (a prefix of other keys) is not an object either.
      await s.put('d/inner', 'x');
      await assert.rejects(() => s.get('d'), NotFoundError);
      assert.equal(await s.stat('d'), null);
    }));

    test('stat gives the size, or null when absent', withStorage(async (s) => {
      assert.equal(await s.stat('nothing'), null);
      await s.put('n/ten', '0123456789');
      assert.deepEqual(await s.stat('n/ten'), { key: 'n/ten', size: 10 });
    }));

    test('ranged reads return exactly [start, end), clamped to the size', withStorage(async (s) => {
      const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
      await s.put('ranged', data);
      const read = async (start: number, end: number) => readAll(await s.getStream('ranged', { start, end }));
      assert.deepEqual(await read(0, 10), data.subarray(0, 10), 'start');
      assert.deepEqual(await read(100, 357), data.subarray(100, 357), 'middle');
      assert.deepEqual(await read(990, 1000), data.subarray(990), 'end');
      assert.deepEqual(await read(995, 5000), data.subarray(995), 'end past the size is clamped');
      assert.deepEqual(await read(0, 1000), data, 'whole as a range');
      assert.deepEqual(await readAll(await s.getStream('ranged')), data, 'whole without a range');
      assert.equal((await read(1000, 1010)).length, 0, 'starting at the end');
      assert.equal((await read(2000, 3000)).length, 0, 'starting past the end');
      assert.equal((await read(500, 500)).length, 0, 'empty range');
      assert.equal((await read(999, 1000)).length, 1, 'last byte');
      await assert.rejects(() => s.getStream('ranged', { start: 10, end: 5 }), RangeError);
      await assert.rejects(() => s.getStream('ranged', { start: -1, end: 5 }), RangeError);
    }));

    test('list returns objects under a string prefix, sorted by key, with sizes', withStorage(async (s) => {
      const keys = ['a/bd', 'b/x', 'a/b/sub/z', 'a/bc/1', 'a/b/2', 'a/b/1'];
      for (const [i, key] of keys.entries()) await s.put(key, 'x'.repeat(i));
      const size = (key: string) => keys.indexOf(key);
      const listed = async (prefix: string) => (await s.list(prefix)).map((o) => o.key);

      assert.deepEqual(await listed('a/b/'), ['a/b/1', 'a/b/2', 'a/b/sub/z'], 'a directory-like prefix excludes a/bc');
      assert.deepEqual(await listed('a/b'), ['a/b/1', 'a/b/2', 'a/b/sub/z', 'a/bc/1', 'a/bd'], 'a string prefix includes a/bc');
      assert.deepEqual(await listed(''), [...keys].sort());
      assert.deepEqual(await listed('a/bc/'), ['a/bc/1']);
      assert.deepEqual(await listed('a/b/sub/z'), ['a/b/sub/z']);
      assert.deepEqual(await listed('nothing/'), []);
      assert.deepEqual(await listed('c'), []);
      for (const info of await s.list('')) assert.equal(info.size, size(info.key), info.key);
    }));

    test('list and deletePrefix page through more than 1000 objects', withStorage(async (s) => {
      const keys = Array.from({ length: 1050 }, (_, i) => `many/${String(i).padStart(4, '0')}`);
      for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((key) => s.put(key, key)));
      assert.deepEqual((await s.list('many/')).map((o) => o.key), keys);
      await s.deletePrefix('many/');
      assert.deepEqual(await s.list(''), []);
    }));

    test('delete removes the given keys and ignores absent ones', withStorage(async (s) => {
      await s.put('del/1', '1');
      await s.put('del/2', '2');
      await s.put('del/3', '3');
      await s.delete(['del/1', 'del/3', 'del/never-existed']);
      await s.delete([]);
      assert.deepEqual((await s.list('del/')).map((o) => o.key), ['del/2']);
      await assert.rejects(() => s.get('del/1'), NotFoundError);
    }));

    test('deletePrefix removes everything under the prefix and nothing beside it', withStorage(async (s) => {
      for (const key of ['jobs/j1/map/0', 'jobs/j1/map/1', 'jobs/j1/out/part-0', 'jobs/j10/x', 'jobs/j2/y']) await s.put(key, key);
      await s.deletePrefix('jobs/j1/');
      assert.deepEqual((await s.list('')).map((o) => o.key), ['jobs/j10/x', 'jobs/j2/y']);
      await s.deletePrefix('jobs/nothing-here/');
      // "Everything" is never what a caller means: refused on every backend.
      await assert.rejects(() => s.deletePrefix(''), InvalidKeyError);
      assert.equal((await s.list('')).length, 2);
      // After a deletePrefix, the same keys can be written again.
      await s.put('jobs/j1/map/0', 'again');
      assert.equal((await s.get('jobs/j1/map/0')).toString(), 'again');
    }));

    test('copy replaces the destination whole and leaves the source', withStorage(async (s) => {
      await s.put('attempt/2/part', 'new contents');
      await s.put('final/part', 'an older, much longer object that copy must fully replace');
      await s.copy('attempt/2/part', 'final/part');
      assert.equal((await s.get('final/part')).toString(), 'new contents');
      assert.deepEqual(await s.stat('final/part'), { key: 'final/part', size: 12 });
      assert.equal((await s.get('attempt/2/part')).toString(), 'new contents');

      await s.copy('attempt/2/part', 'fresh/dir/copy');
      assert.equal((await s.get('fresh/dir/copy')).toString(), 'new contents');

      await assert.rejects(() => s.copy('attempt/missing', 'final/part'), (e: unknown) => e instanceof NotFoundError && e.key === 'attempt/missing');
      assert.equal((await s.get('final/part')).toString(), 'new contents', 'a failed copy leaves dst alone');
    }));

    test('createWriter streams many chunks; the object appears only when done', withStorage(async (s) => {
      const writer = await s.createWriter('out/part-0');
      // 200 x 64 KiB = 12.5 MiB: more than one S3 multipart part.
      const chunks = Array.from({ length: 200 }, (_, i) => Buffer.alloc(64 * 1024, i));
      await writeAll(writer, chunks.slice(0, 150));
      assert.equal(await s.stat('out/part-0'), null, 'not visible while writing');
      assert.deepEqual(await s.list('out/'), []);
      await writeAll(writer, chunks.slice(150));
      assert.equal(await s.stat('out/part-0'), null, 'not visible before end');
      writer.end();
      await writer.done();
      const expected = Buffer.concat(chunks);
      assert.deepEqual(await s.stat('out/part-0'), { key: 'out/part-0', size: expected.length });
      assert.ok((await s.get('out/part-0')).equals(expected));
      await writer.abort(); // after done: a no-op
      assert.equal((await s.stat('out/part-0'))?.size, expected.length);
    }));

    test('a writer replacing an object leaves the old one readable until done', withStorage(async (s) => {
      await s.put('out/part-1', 'previous version');
      const writer = await s.createWriter('out/part-1');
      await writeAll(writer, [Buffer.from('not yet')]);
      assert.equal((await s.get('out/part-1')).toString(), 'previous version');
      writer.end(' but now');
      await writer.done();
      assert.equal((await s.get('out/part-1')).toString(), 'not yet but now');
      assert.deepEqual((await s.list('out/')).map((o) => o.key), ['out/part-1']);
    }));

    test('a writer ended without data makes an empty object', withStorage(async (s) => {
      const writer = await s.createWriter('empty/out');
      writer.end();
      await writer.done();
      assert.deepEqual(await s.stat('empty/out'), { key: 'empty/out', size: 0 });
    }));

    test('abort() leaves nothing, keeps an earlier object, and done() rejects', withStorage(async (s) => {
      const writer = await s.createWriter('aborted/new');
      await writeAll(writer, Array.from({ length: 150 }, () => Buffer.alloc(64 * 1024, 1))); // past one S3 part
      await writer.abort();
      await assert.rejects(() => writer.done());
      assert.equal(await s.stat('aborted/new'), null);
      assert.deepEqual(await s.list(''), []);

      await s.put('aborted/old', 'keep me');
      const replacing = await s.createWriter('aborted/old');
      replacing.write('half-written replacement');
      await replacing.abort();
      await replacing.abort(); // twice is fine
      assert.equal((await s.get('aborted/old')).toString(), 'keep me');
      assert.deepEqual((await s.list('')).map((o) => o.key), ['aborted/old']);

      // abort() racing end(): done() still settles, and the object is absent or whole.
      for (const delay of [0, 1, 5]) {
        const racing = await s.createWriter('aborted/race');
        racing.end('complete');
        await new Promise((resolve) => setTimeout(resolve, delay));
        await racing.abort();
        const outcome = await racing.done().then(() => 'published', () => 'aborted');
        const info = await s.stat('aborted/race');
        assert.equal(info?.size ?? null, outcome === 'published' ? 8 : null, `delay ${delay}: ${outcome}`);
        await s.delete(['aborted/race']);
      }
    }));

    test('invalid keys are rejected with InvalidKeyError by every operation', withStorage(async (s) => {
      await s.put('valid', 'x');
      const invalid = ['', '/abs/path', 'a//b', 'a/', 'a/../b', '..', '.', './a', 'a/.', 'nul\0byte'];
      for (const key of invalid) {
        const isInvalidKey = (e: unknown) => e instanceof InvalidKeyError && e.key === key && e.retryable === false;
        await assert.rejects(() => s.put(key, 'x'), isInvalidKey, `put ${JSON.stringify(key)}`);
        await assert.rejects(() => s.get(key), isInvalidKey, `get ${JSON.stringify(key)}`);
        await assert.rejects(() => s.getStream(key, { start: 0, end: 1 }), isInvalidKey);
        await assert.rejects(() => s.stat(key), isInvalidKey);
        await assert.rejects(() => s.createWriter(key), isInvalidKey);
        await assert.rejects(() => s.copy('valid', key), isInvalidKey);
        await assert.rejects(() => s.copy(key, 'valid'), isInvalidKey);
        await assert.rejects(() => s.delete(['valid', key]), isInvalidKey);
      }
      for (const prefix of ['/abs', 'a//', '../', 'a/../', 'x\0']) {
        await assert.rejects(() => s.list(prefix), InvalidKeyError, `list ${JSON.stringify(prefix)}`);
        await assert.rejects(() => s.deletePrefix(prefix), InvalidKeyError);
      }
      assert.equal((await s.get('valid')).toString(), 'x', 'a batch with a bad key deleted nothing');
      // Keys may contain spaces, unicode and dots inside segments.
      for (const key of ['with space/ünïcödé.txt', 'a/..b/c.', '.hidden/x']) {
        await s.put(key, key);
        assert.equal((await s.get(key)).toString(), key);
      }
    }));

    test('close() makes the store unusable', withStorage(async (s) => {
      await s.put('k', 'v');
      await s.close();
      await assert.rejects(() => s.get('k'), /closed/);
      await assert.rejects(() => s.put('k', 'v'), /closed/);
      await assert.rejects(() => s.list(''), /closed/);
    }));
  });
}

/** Writes chunks, honouring backpressure, so they really reach the backend before we look. */
async function writeAll(writer: Writable, chunks: Buffer[]): Promise<void> {
  for (const chunk of chunks) {
    if (!writer.write(chunk)) await new Promise((resolve) => writer.once('drain', resolve));
  }
  // Let the last write's staging step finish too.
  await new Promise<void>((resolve, reject) => writer.write(Buffer.alloc(0), (error) => (error ? reject(error) : resolve())));
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
