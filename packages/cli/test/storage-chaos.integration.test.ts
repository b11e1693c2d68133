/**
 * Chaos on the storage path: a whole `gomr run --storage s3` job (CLI, master and workers all
 * talk S3) through a FaultProxy in front of s3rver that resets connections, delays every chunk
 * and answers some requests "503 SlowDown". The job must finish with exactly the output of an
 * independent word count; the test reports the faults injected, the retries the processes
 * logged, and the wall time with and without faults.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FaultProxy, startS3rver, type FaultSettings } from '@gomr/storage/testing';
import { countWords, readOutput, repoRoot, runGomr, tempDir } from './support/run-gomr.js';

const inputs = ['river.txt', 'lighthouse.txt', 'market.txt'].map((f) => join(repoRoot, 'examples/data', f));
const wordcount = join(repoRoot, 'examples/wordcount/worker.ts');

/**
 * Nine connections in ten are reset after 256 B to 4 KiB, which for this job's S3 requests (mostly
 * under 2 KiB each way) means within a few of them: a process keeps reconnecting, all job long.
 * One connection in ten gets a 503 SlowDown instead, and every chunk is delayed 1-5 ms.
 */
const CHAOS: FaultSettings = { resetProbability: 0.9, resetAfterBytes: [256, 4096], http503Probability: 0.1, latencyMs: 1, jitterMs: 4 };

/** Shorter backoff than the defaults keeps the job quick; the 30 s budget stays. */
const RETRY_ENV = { GOMR_STORAGE_RETRY_BASE_MS: '20', GOMR_STORAGE_RETRY_MAX_MS: '500', GOMR_STORAGE_REQUEST_TIMEOUT_MS: '10000' };

/** The line storage-options.ts logs per retry, in the CLI's stderr and the master's and workers' logs. */
const RETRY_LINE = /storage s3:\/\/\S+ at \S+: .* failed \(.*\); retry \d+ in \d+ ms/g;

test('a word count on S3 through resets, 503s and latency gives exactly the right output', { timeout: 240_000 }, async (t) => {
  const s3 = await startS3rver();
  const proxy = await FaultProxy.start({ target: s3.endpoint, seed: 2024 });
  const expected = countWords(await Promise.all(inputs.map((f) => readFile(f, 'utf8'))));
  try {
    const job = async (bucket: string) => {
      const home = await tempDir('gomr-chaos-home-');
      const out = join(await tempDir(), 'out');
      const r = await runGomr(
        [
          'run', ...inputs.flatMap((i) => ['--input', i]), '--workers', '3', '--mappers', '6', '--reducers', '3',
          '--storage', 's3', '--s3-endpoint', proxy.endpoint, '--s3-bucket', bucket,
          '--s3-access-key', s3.config.accessKey, '--s3-secret-key', s3.config.secretKey,
          '--output', out, '--quiet', wordcount,
        ],
        { home, env: RETRY_ENV, timeoutMs: 180_000 },
      );
      assert.equal(r.code, 0, `gomr failed:\n${r.stderr}`);
      const { lines, files } = await readOutput(out);
      assert.deepEqual(files, ['part-00000', 'part-00001', 'part-00002']);
      const got = new Map(lines.map((l) => [l.key, Number(l.value)]));
      assert.equal(got.size, lines.length, 'a word appears in two lines');
      assert.deepEqual(got, expected);
      const retries = (r.stderr.match(RETRY_LINE) ?? []).length + (await countInLogs(home, RETRY_LINE));
      await rm(home, { recursive: true, force: true });
      return { ms: r.ms, retries };
    };

    // With faults first, so that the run without them has the warmer caches: the comparison
    // errs towards making faults look costlier.
    proxy.setFaults(CHAOS);
    const chaos = await job('chaos-run');
    const { resets, http503, connections, delayedChunks } = proxy.stats;
    const injected = proxy.faultsInjected;

    proxy.setFaults({});
    const calm = await job('calm-run');
    assert.equal(proxy.faultsInjected, injected, 'no faults in the calm run');
    assert.equal(calm.retries, 0, 'no faults, no retries');

    t.diagnostic(
      `faults injected: ${injected} (${resets} resets, ${http503} 503s) over ${connections} connections, ${delayedChunks} chunks delayed; ` +
        `retries logged: ${chaos.retries}; wall time ${chaos.ms} ms with faults, ${calm.ms} ms without`,
    );
    assert.ok(injected >= 20, `only ${injected} faults injected`);
    assert.ok(chaos.retries >= injected / 2, `only ${chaos.retries} retries logged for ${injected} faults`);
  } finally {
    await proxy.close();
    await s3.stop();
  }
});

test('storage down for longer than the retry budget fails the run with a clear message, not a hang', { timeout: 60_000 }, async () => {
  const s3 = await startS3rver();
  const proxy = await FaultProxy.start({ target: s3.endpoint });
  try {
    await proxy.outage(); // nothing listens: every connection is refused
    const out = join(await tempDir(), 'out');
    const r = await runGomr(
      [
        'run', '--input', inputs[0]!, '--storage', 's3', '--s3-endpoint', proxy.endpoint, '--s3-bucket', 'down',
        '--s3-access-key', s3.config.accessKey, '--s3-secret-key', s3.config.secretKey, '--output', out, '--quiet', wordcount,
      ],
      { env: { ...RETRY_ENV, GOMR_STORAGE_RETRY_BUDGET_MS: '2000' }, timeoutMs: 30_000 },
    );
    assert.equal(r.code, 5, `expected the storage exit code:\n${r.stderr}`);
    const endpoint = proxy.endpoint.replace(/\./g, '\\.');
    assert.match(r.stderr, new RegExp(`storage s3://down at ${endpoint} unreachable for 2(\\.\\d)? s: connect ECONNREFUSED`));
    assert.ok(r.ms < 15_000, `took ${r.ms} ms`);
  } finally {
    await proxy.close();
    await s3.stop();
  }
});

/** Matches of `pattern` in every log file of every job under a GOMR_HOME. */
async function countInLogs(home: string, pattern: RegExp): Promise<number> {
  let count = 0;
  const jobs = join(home, 'jobs');
  for (const job of await readdir(jobs).catch(() => [])) {
    for (const file of await readdir(join(jobs, job))) {
      if (file.endsWith('.log')) count += ((await readFile(join(jobs, job, file), 'utf8')).match(pattern) ?? []).length;
    }
  }
  return count;
}
