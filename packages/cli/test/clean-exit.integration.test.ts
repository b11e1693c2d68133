import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliBin, repoRoot, tempDir } from './support/run-gomr.js';

/** Children of `pid` whose command is esbuild, live or defunct, from /proc. */
function esbuildChildrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      // pid (comm) state ppid ...
      const m = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
      if (m && m[1] === 'esbuild' && Number(m[2]) === pid) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

const linux = existsSync('/proc/self/stat');

/**
 * esbuild bundles through a service process that outlives the build. Left running, it lives
 * as long as the CLI and, where the process that inherits orphans does not reap them, stays
 * behind as a defunct `esbuild` after every run. The CLI stops it once the bundle is written.
 */
test('gomr run stops the esbuild service once the bundle is written, and leaves no esbuild behind', { skip: !linux && 'needs /proc' }, async () => {
  const dir = await tempDir();
  const home = join(dir, 'home');
  const worker = join(dir, 'slow.ts');
  // A map task that takes 1.5 s: long enough to look at the CLI's children after bundling.
  await writeFile(
    worker,
    `import { run } from '@gomr/sdk';
const cell = new Int32Array(new SharedArrayBuffer(4));
run({
  mapper(ctx, chunk: string) { Atomics.wait(cell, 0, 0, 1500); for (const w of chunk.split(/\\s+/)) if (w) ctx.emit(w, 1); },
  reducer(ctx, key, values: number[]) { ctx.emit(key, values.length); },
});
`,
  );
  const input = join(dir, 'in.txt');
  await writeFile(input, 'one two two\n');
  const child = spawn(process.execPath, [cliBin, 'run', '--input', input, '--workers', '1', '--mappers', '1', '--output', join(dir, 'out'), '--quiet', worker], {
    cwd: repoRoot,
    env: { ...process.env, GOMR_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const seen = new Set<number>();
  /** esbuild children alive 300 ms or more after the bundle was written. */
  const lateSamples: number[][] = [];
  let bundledAt = 0;
  const poll = setInterval(() => {
    const now = esbuildChildrenOf(child.pid!);
    for (const p of now) seen.add(p);
    if (!bundledAt) {
      const jobs = join(home, 'jobs');
      const ids = existsSync(jobs) ? readdirSync(jobs) : [];
      if (ids.some((id) => existsSync(join(jobs, id, 'worker.mjs')))) bundledAt = Date.now();
    } else if (Date.now() - bundledAt >= 300) {
      lateSamples.push(now);
    }
  }, 10);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(poll);
  assert.equal(code, 0, stderr);
  assert.ok(bundledAt > 0, 'the bundle was written');
  assert.ok(lateSamples.length >= 10, `looked at the children while the job ran (${lateSamples.length} samples)`);
  assert.deepEqual(lateSamples.filter((s) => s.length), [], 'no esbuild child once the bundle is written');
  // Each esbuild the CLI started was reaped by it: none remains, not even defunct.
  const left = [...seen].filter((p) => existsSync(`/proc/${p}`));
  assert.deepEqual(left, [], 'esbuild processes left after the run');
});
