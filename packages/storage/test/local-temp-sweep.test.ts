import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '../src/index.js';
import { sweepStaleTemp } from '../src/local-temp-sweep.js';

test('stale temp files of killed writers are swept; fresh ones (writes in progress) stay', async () => {
  const root = await mkdtemp(join(tmpdir(), 'gomr-sweep-'));
  try {
    const tmp = join(root, '.tmp');
    await mkdir(tmp);
    await writeFile(join(tmp, 'old'), 'partial');
    await writeFile(join(tmp, 'fresh'), 'partial');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(join(tmp, 'old'), twoHoursAgo, twoHoursAgo);
    const store = await openStorage({ kind: 'local', root });
    assert.deepEqual(await readdir(tmp), ['fresh']);
    await store.close();
    assert.equal(await sweepStaleTemp(join(root, 'missing')), 0, 'no temp folder is fine');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
