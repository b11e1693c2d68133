import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const hasCache = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

/** Runs `gomr --version` with GOMR_HOME=dir/home and TMPDIR=dir/tmp, and `env` added. */
function versionIn(dir: string, env: Record<string, string> = {}): void {
  const { NODE_COMPILE_CACHE: _, ...rest } = process.env;
  mkdirSync(join(dir, 'tmp'));
  const r = spawnSync(process.execPath, [bin, '--version'], { env: { ...rest, GOMR_HOME: join(dir, 'home'), TMPDIR: join(dir, 'tmp'), ...env }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

test("the CLI turns on the compile cache (Node 22.1+) in gomr's home, not TMPDIR; NODE_DISABLE_COMPILE_CACHE=1 keeps it off", { skip: hasCache ? false : `Node ${process.version} has no compile cache` }, () => {
  const on = mkdtempSync(join(tmpdir(), 'gomr-cache-'));
  const off = mkdtempSync(join(tmpdir(), 'gomr-cache-'));
  try {
    versionIn(on);
    const cacheDir = join(on, 'home', 'cache', 'node-compile-cache');
    assert.ok(existsSync(cacheDir) && readdirSync(cacheDir).length > 0, 'a cache was written under GOMR_HOME/cache/node-compile-cache');
    assert.deepEqual(readdirSync(join(on, 'tmp')), [], 'nothing in TMPDIR');
    versionIn(off, { NODE_DISABLE_COMPILE_CACHE: '1' });
    assert.equal(existsSync(join(off, 'home', 'cache', 'node-compile-cache')), false);
  } finally {
    rmSync(on, { recursive: true, force: true });
    rmSync(off, { recursive: true, force: true });
  }
});
