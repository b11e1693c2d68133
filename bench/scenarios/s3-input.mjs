// Scenario: S3 input. The same word count over the same text, read from a local file and from
// an S3 bucket (s3rver on loopback, in the bench's own process), where the map tasks read
// their byte ranges with ranged GETs and nothing is copied by the CLI. Outputs must be equal.
// s3rver is a Node server doing file I/O on this machine's cores, so on 2 cores the S3 row
// measures gomr's S3 read path plus a server competing with the workers: an upper bound on
// the cost over a real S3 or MinIO on other machines.
import { createReadStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { timeWordcountVariants } from '../lib/wordcount-variants.mjs';
import { printTable } from '../lib/table.mjs';
import { asOneFile } from './gzip.mjs';

export async function s3Input(ctx, corpus, { workers = 2, reps = 1 } = {}) {
  const { openStorage } = await import(join(ctx.repoRoot, 'packages/storage/dist/src/index.js'));
  const { startS3rver } = await import(join(ctx.repoRoot, 'packages/storage/dist/src/testing/index.js'));
  const dir = join(ctx.tmpDir, 's3-input');
  const plain = await asOneFile(corpus, dir);
  const s3 = await startS3rver({ bucket: 'bench' });
  try {
    const store = await openStorage(s3.config);
    const writer = await store.createWriter('corpus/all.txt');
    await pipeline(createReadStream(plain), writer);
    await writer.done();
    await store.close();
    const worker = join(ctx.repoRoot, 'examples/wordcount/worker.ts');
    const s3Args = ['--s3-endpoint', s3.config.endpoint, '--s3-access-key', s3.config.accessKey, '--s3-secret-key', s3.config.secretKey];
    const variants = [
      { id: 'local', label: 'local file', inputs: [plain], args: [] },
      { id: 's3', label: 's3:// object (ranged GETs)', inputs: ['s3://bench/corpus/all.txt'], args: s3Args },
    ];
    const rows = await timeWordcountVariants(ctx, { name: 's3 input', worker, workers, reps, variants });
    const local = rows.find((r) => r.id === 'local').wallMs;
    for (const r of rows) r.ratio = r.wallMs / local;
    return { corpus: corpus.description ?? corpus.path, workers, rows };
  } finally {
    await s3.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printS3Input(r) {
  printTable(
    `S3 input: word count, ${r.workers} workers (${r.corpus})`,
    ['input', 'map tasks', 'wall s (median)', 'vs local'],
    r.rows.map((x) => [x.label, x.maps, (x.wallMs / 1000).toFixed(2), `${x.ratio.toFixed(2)}x`]),
    ['outputs checked equal to the local run; s3rver runs on this machine, in the bench process'],
  );
}
