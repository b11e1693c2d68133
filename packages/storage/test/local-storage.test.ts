import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { InvalidKeyError, NotFoundError } from '../src/errors.js';
import { LocalStorage } from '../src/local-storage.js';
import { describeStorageContract, readAll } from './storage-contract.js';

async function makeTempDir(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gomr-local-storage-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

describeStorageContract('LocalStorage', async () => {
  const { dir, cleanup } = await makeTempDir();
  return { storage: new LocalStorage(dir), cleanup };
});

describe('LocalStorage specifics', () => {
  test('root "/" reads an existing file by its absolute path minus the leading slash', async () => {
    const { dir, cleanup } = await makeTempDir();
    const hadRootTemp = existsSync('/.tmp');
    try {
      const file = join(dir, 'books', 'a.txt');
      await mkdir(join(dir, 'books'));
      await writeFile(file, 'line one\nline two\n');
      const storage = new LocalStorage('/');
      const key = file.slice(1);
      assert.equal(storage.describe, 'local:/');
      assert.equal((await storage.get(key)).toString(), 'line one\nline two\n');
      assert.deepEqual(await storage.stat(key), { key, size: 18 });
      assert.equal((await readAll(await storage.getStream(key, { start: 9, end: 100 }))).toString(), 'line two\n');
      assert.deepEqual(await storage.list(`${dir.slice(1)}/books/`), [{ key, size: 18 }]);
      await assert.rejects(() => storage.get(`${dir.slice(1)}/books/missing.txt`), NotFoundError);
      await storage.close();
      assert.equal(existsSync('/.tmp'), hadRootTemp, 'reading must not create /.tmp');
    } finally {
      await cleanup();
    }
  });

  test('copyToFile writes an object to a local file, replacing it; a missing key is NotFoundError', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const storage = new LocalStorage(join(dir, 'store'));
      const data = Buffer.alloc(300_000, 'x');
      await storage.put('jobs/out/part-00000', data);
      const dest = join(dir, 'part-00000');
      await writeFile(dest, 'an older, different file');
      await storage.copyToFile('jobs/out/part-00000', dest);
      assert.deepEqual(await readFile(dest), data);
      await assert.rejects(() => storage.copyToFile('jobs/out/missing', join(dir, 'other')), NotFoundError);
      assert.equal(existsSync(join(dir, 'other')), false);
    } finally {
      await cleanup();
    }
  });

  test('copyToFile on the same file system links: no bytes copied, and a new version of the key leaves the file as it was', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const storage = new LocalStorage(join(dir, 'store'));
      await storage.put('jobs/out/part-00000', Buffer.from('first'));
      const dest = join(dir, 'part-00000');
      await storage.copyToFile('jobs/out/part-00000', dest);
      const [a, b] = [await stat(dest), await stat(join(dir, 'store/jobs/out/part-00000'))];
      assert.equal(a.ino, b.ino, 'one inode: a link');
      assert.equal(a.nlink, 2);
      // The store replaces an object by renaming a new file over it, so the linked output keeps its bytes.
      await storage.put('jobs/out/part-00000', Buffer.from('second'));
      assert.equal(await readFile(dest, 'utf8'), 'first');
      await storage.delete(['jobs/out/part-00000']);
      assert.equal(await readFile(dest, 'utf8'), 'first');
      assert.deepEqual((await readdir(dir)).filter((n) => n.includes('gomr-copy')), [], 'no temporary link left');
    } finally {
      await cleanup();
    }
  });

  test('copy (a commit) links: the key copied to keeps its bytes when the source is replaced or deleted', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const storage = new LocalStorage(join(dir, 'store'));
      await storage.put('jobs/j/reduce/r-0/a1/part', Buffer.from('attempt'));
      await storage.copy('jobs/j/reduce/r-0/a1/part', 'jobs/j/output/part-00000');
      const [a, b] = [await stat(join(dir, 'store/jobs/j/reduce/r-0/a1/part')), await stat(join(dir, 'store/jobs/j/output/part-00000'))];
      assert.equal(a.ino, b.ino, 'one inode: a link');
      await storage.put('jobs/j/reduce/r-0/a1/part', Buffer.from('replaced'));
      assert.equal((await storage.get('jobs/j/output/part-00000')).toString(), 'attempt');
      await storage.delete(['jobs/j/reduce/r-0/a1/part']);
      assert.equal((await storage.get('jobs/j/output/part-00000')).toString(), 'attempt');
      await assert.rejects(() => storage.copy('jobs/j/missing', 'jobs/j/other'), NotFoundError);
    } finally {
      await cleanup();
    }
  });

  // /dev/shm is a tmpfs: another file system than the temp dir's, where a link fails with EXDEV.
  const otherFs = existsSync('/dev/shm') ? '/dev/shm' : undefined;
  test('copyToFile onto another file system copies', { skip: otherFs ? false : 'no /dev/shm here' }, async () => {
    const { dir, cleanup } = await makeTempDir();
    const elsewhere = await mkdtemp(join(otherFs!, 'gomr-copy-'));
    try {
      if ((await stat(dir)).dev === (await stat(elsewhere)).dev) return;
      const storage = new LocalStorage(join(dir, 'store'));
      await storage.put('jobs/out/part-00000', Buffer.from('bytes'));
      const dest = join(elsewhere, 'part-00000');
      await storage.copyToFile('jobs/out/part-00000', dest);
      assert.equal(await readFile(dest, 'utf8'), 'bytes');
      assert.equal((await stat(dest)).nlink, 1);
      assert.deepEqual(await readdir(elsewhere), ['part-00000']);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
      await cleanup();
    }
  });

  test('writes, copies and aborted writers leave no temp files behind', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const storage = new LocalStorage(dir);
      await storage.put('a/1', 'one');
      await storage.copy('a/1', 'b/1');
      await assert.rejects(() => storage.copy('a/missing', 'b/2'), NotFoundError);
      const writer = await storage.createWriter('c/1');
      writer.end('streamed');
      await writer.done();
      const aborted = await storage.createWriter('c/2');
      aborted.write('partial');
      await aborted.abort();
      const abortedUnwritten = await storage.createWriter('c/3');
      await abortedUnwritten.abort();
      assert.deepEqual(await readdir(join(dir, '.tmp')), []);
      assert.deepEqual((await storage.list('')).map((o) => o.key), ['a/1', 'b/1', 'c/1']);
      assert.deepEqual((await readdir(dir)).sort(), ['.tmp', 'a', 'b', 'c']);
    } finally {
      await cleanup();
    }
  });

  test('the temp directory is reserved and never listed', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const storage = new LocalStorage(dir);
      const writer = await storage.createWriter('x');
      writer.write('in progress');
      // The temp file opens asynchronously; under load that takes more than one turn.
      const tempFiles = async () => readdir(join(dir, '.tmp')).catch(() => [] as string[]);
      for (let i = 0; i < 200 && (await tempFiles()).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal((await tempFiles()).length, 1, 'the in-progress temp file exists');
      assert.deepEqual(await storage.list(''), []);
      assert.deepEqual(await storage.list('.tmp/'), []);
      await assert.rejects(() => storage.put('.tmp/x', 'y'), InvalidKeyError);
      await assert.rejects(() => storage.get('.tmp'), InvalidKeyError);
      await writer.abort();
    } finally {
      await cleanup();
    }
  });

  test('deletePrefix removes the directories it emptied, but not the parent of the prefix', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const storage = new LocalStorage(dir);
      await storage.put('jobs/j1/map/0/run', 'x');
      await storage.put('jobs/j1/reduce/0', 'x');
      await storage.deletePrefix('jobs/j1/');
      assert.deepEqual(await readdir(join(dir, 'jobs')), []);
    } finally {
      await cleanup();
    }
  });

  for (const operation of ['put', 'copy'] as const) {
    test(`readers during ${operation} see the old or the new object, never a torn one`, async () => {
      const { dir, cleanup } = await makeTempDir();
      try {
        const storage = new LocalStorage(dir);
        const size = 4 * 1024 * 1024;
        await storage.put('dst', Buffer.alloc(size, 'a'));
        await storage.put('src', Buffer.alloc(size, 'b'));
        let reads = 0;
        for (let round = 0; round < 5; round++) {
          await storage.put('dst', Buffer.alloc(size, 'a'));
          let writing = true;
          const write = (operation === 'put' ? storage.put('dst', Buffer.alloc(size, 'b')) : storage.copy('src', 'dst'))
            .finally(() => (writing = false));
          while (writing) {
            const data = await storage.get('dst');
            reads++;
            assert.equal(data.length, size, 'a partial object was visible');
            assert.ok(data.every((byte) => byte === data[0]), 'a torn read');
          }
          await write;
          assert.equal((await storage.get('dst'))[0], 'b'.charCodeAt(0));
        }
        assert.ok(reads >= 5);
      } finally {
        await cleanup();
      }
    });
  }

  test('a writer whose commit fails rejects done(), removes its temp file and does not crash', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const storage = new LocalStorage(dir);
      await storage.put('taken/inner', 'x'); // "taken" is a non-empty directory: rename onto it fails
      const writer = await storage.createWriter('taken');
      writer.end('data');
      await assert.rejects(() => writer.done(), (error: NodeJS.ErrnoException) => ['EISDIR', 'ENOTEMPTY', 'EEXIST'].includes(error.code ?? ''));
      assert.deepEqual(await readdir(join(dir, '.tmp')), []);
      assert.equal((await storage.get('taken/inner')).toString(), 'x');
    } finally {
      await cleanup();
    }
  });

  test('with syncReadMaxBytes, small ranges are read at once and behave like streamed ones', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const streamed = new LocalStorage(dir);
      const sync = new LocalStorage(dir, { syncReadMaxBytes: 64 });
      await streamed.put('a/b.txt', 'line one\nline two\n');
      for (const range of [{ start: 0, end: 18 }, { start: 9, end: 100 }, { start: 18, end: 20 }, { start: 50, end: 60 }, { start: 3, end: 3 }]) {
        assert.deepEqual(await readAll(await sync.getStream('a/b.txt', range)), await readAll(await streamed.getStream('a/b.txt', range)), JSON.stringify(range));
      }
      // A large range, or none, streams as before.
      assert.equal((await readAll(await sync.getStream('a/b.txt', { start: 0, end: 1000 }))).toString(), 'line one\nline two\n');
      await assert.rejects(() => sync.getStream('a/missing.txt', { start: 0, end: 10 }), NotFoundError);
      await assert.rejects(() => sync.getStream('a', { start: 0, end: 10 }), NotFoundError);
      await assert.rejects(() => sync.getStream('a/b.txt', { start: 5, end: 2 }), RangeError);
    } finally {
      await cleanup();
    }
  });

  test('the root must be absolute', () => {
    assert.throws(() => new LocalStorage('relative/dir'), /absolute/);
  });
});
