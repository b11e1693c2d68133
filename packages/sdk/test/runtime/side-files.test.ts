import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage, type Storage } from '@gomr/storage';
import { listSideFiles, localSideFiles } from '../../src/runtime/side-files.js';
import { runJob } from '../../src/testing/index.js';
import type { Context } from '../../src/index.js';

test('side files from a store other than local are fetched once per worker folder, and again only if missing', async () => {
  const root = await mkdtemp(join(tmpdir(), 'side-'));
  try {
    const store = new LocalStorage(join(root, 'store'));
    await store.put('jobs/j/files/dict/en.txt', 'a\nb\n');
    await store.put('jobs/j/files/opts.json', '{"n":3}');
    let gets = 0;
    const counting: Storage = Object.assign(Object.create(store) as Storage, {
      getStream: (key: string) => {
        gets++;
        return store.getStream(key);
      },
    });
    const refs = [{ name: 'dict/en.txt', key: 'jobs/j/files/dict/en.txt', size: 4 }, { name: 'opts.json', key: 'jobs/j/files/opts.json', size: 7 }];
    const s3 = { kind: 's3' as const, endpoint: 'http://127.0.0.1:1', bucket: 'b', accessKey: 'k', secretKey: 's' };
    const dir = join(root, 'worker', 'side-files');
    const first = await localSideFiles(refs, s3, counting, dir);
    assert.equal(gets, 2);
    assert.equal(await first.text('dict/en.txt'), 'a\nb\n');
    assert.deepEqual(await first.json('opts.json'), { n: 3 });
    assert.equal(first.path('opts.json'), join(dir, 'opts.json'));
    await localSideFiles(refs, s3, counting, dir);
    assert.equal(gets, 2, 'a second executor thread fetches nothing');
    await rm(join(dir, 'opts.json'));
    await localSideFiles(refs, s3, counting, dir);
    assert.equal(gets, 3);
    // On a local store the files are read in place: a key is the file's own path, whatever the store's root.
    const own = refs.map((r) => ({ ...r, key: join(root, 'store', r.key).slice(1) }));
    const inPlace = await localSideFiles(own, { kind: 'local', root: join(root, 'elsewhere') }, counting, dir);
    assert.equal(inPlace.path('dict/en.txt'), join(root, 'store', 'jobs/j/files/dict/en.txt'));
    assert.equal(gets, 3);
    assert.throws(() => inPlace.path('nope'), /ctx\.files: no side file "nope"; the job has "dict\/en\.txt", "opts\.json"/);
    await store.close();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('listSideFiles: a file by its base name, a directory by DIR/relative path, hidden files skipped', async () => {
  const root = await mkdtemp(join(tmpdir(), 'side-'));
  try {
    await mkdir(join(root, 'lists', 'more'), { recursive: true });
    await writeFile(join(root, 'lists', 'a.txt'), 'x');
    await writeFile(join(root, 'lists', 'more', 'b.txt'), 'yy');
    await writeFile(join(root, 'lists', '.DS_Store'), '');
    await writeFile(join(root, 'one.json'), '[]');
    const got = await listSideFiles(['lists', 'one.json'], root);
    assert.deepEqual(got.map((f) => [f.name, f.size]), [['lists/a.txt', 1], ['lists/more/b.txt', 2], ['one.json', 2]]);
    await assert.rejects(listSideFiles(['absent'], root), /side file not found: absent/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('runJob files: a stop-word list and a JSON file, as contents and as paths; bad JSON names the file', async () => {
  async function mapper(ctx: Context, chunk: string) {
    const stop = new Set((await ctx.files.text('stop.txt')).split('\n'));
    const { min } = await ctx.files.json<{ min: number }>('opts.json');
    for (const w of chunk.split(/\s+/)) if (w.length >= min && !stop.has(w)) ctx.emit(w, 1);
  }
  const reducer = (ctx: Context, key: string, values: number[]) => ctx.emit(key, values.length);
  const input = { 'a.txt': 'the cat and the hat on a mat\n' };
  const r = await runJob({ mapper, reducer }, input, { files: { 'stop.txt': 'the\nand\n', 'opts.json': '{"min":2}' } });
  assert.deepEqual(r.records, [['cat', 1], ['hat', 1], ['mat', 1], ['on', 1]]);
  const root = await mkdtemp(join(tmpdir(), 'side-'));
  try {
    await writeFile(join(root, 'stop.txt'), 'cat\n');
    await writeFile(join(root, 'opts.json'), '{"min":3}');
    const fromPaths = await runJob({ mapper, reducer }, input, { files: [join(root, 'stop.txt'), join(root, 'opts.json')] });
    assert.deepEqual(fromPaths.records, [['and', 1], ['hat', 1], ['mat', 1], ['the', 2]]);
    assert.equal(await readFile(join(root, 'stop.txt'), 'utf8'), 'cat\n');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  await assert.rejects(runJob({ mapper, reducer }, input, { files: { 'stop.txt': '', 'opts.json': '{min' } }), /ctx\.files\.json\("opts\.json"\): not JSON/);
  await assert.rejects(runJob({ mapper, reducer }, input), /no side file "stop\.txt"; the job has none \(ship one with --file PATH\)/);
});
