import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chooseRuntime, runtimeEntries } from '../src/local/runtime-entries.js';

function files(dir: string, names: string[], mtimeS: number): string[] {
  return names.map((n) => {
    const p = join(dir, n);
    writeFileSync(p, '');
    utimesSync(p, mtimeS, mtimeS);
    return p;
  });
}

test('the bundled runtime is used only when no package was compiled after it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gomr-entries-'));
  try {
    const [master, worker, check] = files(dir, ['m.js', 'w.js', 'c.js'], 2000);
    const bundles = { master: master!, worker: worker!, check: check! };
    const dist = { master: '/dist/m.js', worker: '/dist/w.js', check: '/dist/c.js' };
    const older = files(dir, ['a.tsbuildinfo', 'b.tsbuildinfo'], 1000);
    assert.deepEqual(chooseRuntime(bundles, dist, older), { ...bundles, bundled: true });
    // `tsc -b` alone recompiled one package after the bundles were built: they are stale.
    const newer = files(dir, ['c.tsbuildinfo'], 3000);
    assert.deepEqual(chooseRuntime(bundles, dist, [...older, ...newer]), { ...dist, bundled: false });
    // A missing bundle, or one package never compiled, also means the dist files.
    assert.equal(chooseRuntime({ ...bundles, check: join(dir, 'missing.js') }, dist, older).bundled, false);
    assert.equal(chooseRuntime(bundles, dist, [...older, join(dir, 'missing.tsbuildinfo')]).bundled, false);
    // No build info at all: an installed package, whose bundles came with its files.
    const none = [join(dir, 'missing.tsbuildinfo'), join(dir, 'gone.tsbuildinfo')];
    assert.deepEqual(chooseRuntime(bundles, dist, none), { ...bundles, bundled: true });
    assert.equal(chooseRuntime({ ...bundles, check: join(dir, 'missing.js') }, dist, none).bundled, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('after npm run build the local runtime runs the bundles; GOMR_UNBUNDLED_RUNTIME=1 opts out', () => {
  const entries = runtimeEntries();
  assert.equal(entries.bundled, true, 'bundles missing or stale: run `npm run build` (tsc -b alone does not bundle)');
  assert.match(entries.worker, /runtime-bundles/);
  process.env.GOMR_UNBUNDLED_RUNTIME = '1';
  try {
    const dist = runtimeEntries();
    assert.equal(dist.bundled, false);
    assert.match(dist.worker, /sdk[/\\]dist[/\\]src[/\\]runtime[/\\]worker-main\.js$/);
  } finally {
    delete process.env.GOMR_UNBUNDLED_RUNTIME;
  }
});
