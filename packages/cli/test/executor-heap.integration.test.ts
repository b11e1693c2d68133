import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readOutput, repoRoot, runGomr, tempDir } from './support/run-gomr.js';

/**
 * `gomr run --executor-heap-mb N` gives the thread running user code in every worker a heap of
 * N MiB: a mapper reports its own thread's limits, through the real CLI, master and workers.
 */

const heapWorker = join(repoRoot, 'packages/cli/test/fixtures/heap-limit-worker.ts');

/** Runs the fixture on 2 workers, 4 map tasks; returns its output as key -> distinct values. */
async function limitsSeen(flags: string[], env: NodeJS.ProcessEnv): Promise<Record<string, number[]>> {
  const dir = await tempDir();
  const input = join(dir, 'in.txt');
  await writeFile(input, 'a line\n'.repeat(1000));
  const out = join(dir, 'out');
  const r = await runGomr(['run', '--input', input, '--workers', '2', '--mappers', '4', '--output', out, '--quiet', ...flags, heapWorker], { env, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  const { lines } = await readOutput(out);
  return Object.fromEntries(lines.map((l) => [l.key, JSON.parse(l.value) as number[]]));
}

test('--executor-heap-mb sets the heap limit of the thread running user code, over GOMR_EXECUTOR_HEAP_MB', async () => {
  // The environment says 100: the flag wins (it is what the command line asked for).
  const seen = await limitsSeen(['--executor-heap-mb', '3000'], { GOMR_EXECUTOR_HEAP_MB: '100' });
  assert.deepEqual(seen.maxOldGenerationSizeMb, [3000]);
  // V8 enforces the old generation plus the young one (24 MiB).
  assert.equal(seen.heapSizeLimitMb!.length, 1);
  const enforced = seen.heapSizeLimitMb![0]!;
  assert.ok(enforced >= 3000 && enforced <= 3000 + 64, `heap_size_limit ${enforced} MiB`);
});

test('without the flag the executor keeps its default (at most 1536 MiB)', async () => {
  const seen = await limitsSeen([], { GOMR_EXECUTOR_HEAP_MB: '' });
  assert.equal(seen.maxOldGenerationSizeMb!.length, 1);
  assert.ok(seen.maxOldGenerationSizeMb![0]! <= 1536, `default ${seen.maxOldGenerationSizeMb} MiB`);
  assert.ok(seen.heapSizeLimitMb![0]! < 3000);
});

for (const bad of ['0', '-5', '1.5', '63', 'lots']) {
  test(`--executor-heap-mb ${bad} is a one-line usage error (exit 2) before anything runs`, async () => {
    const r = await runGomr(['run', '--input', 'README.md', `--executor-heap-mb=${bad}`, heapWorker], { timeoutMs: 30_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^gomr: --executor-heap-mb: Expected an integer (greater than or equal to 64 )?but received: /);
    assert.equal(r.stdout, '');
  });
}

test('gomr start refuses the same values, and a --worker-memory-limit not above the heap, before reaching a cluster', async () => {
  const dir = await tempDir();
  // No kubeconfig at all: a usage error must come before the cluster is looked for.
  const env = { KUBECONFIG: join(dir, 'none') };
  const zero = await runGomr(['start', '--input', 'README.md', '--executor-heap-mb', '0', heapWorker], { env, timeoutMs: 30_000 });
  assert.equal(zero.code, 2, zero.stderr);
  assert.match(zero.stderr, /^gomr: --executor-heap-mb: Expected an integer greater than or equal to 64 but received: 0\n$/);
  const tight = await runGomr(['start', '--input', 'README.md', '--executor-heap-mb', '2048', '--worker-memory-limit', '2Gi', heapWorker], { env, timeoutMs: 30_000 });
  assert.equal(tight.code, 2, tight.stderr);
  assert.match(tight.stderr, /^gomr: --worker-memory-limit 2Gi is not above --executor-heap-mb 2048: .*e\.g\. 2560Mi.*\n$/);
});
