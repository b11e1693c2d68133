// Scenario: compressed input. The same word count over the same text, plain and as gzip: one
// .gz file (one map task, as a compressed file cannot be split) and the text cut into one .gz
// part per worker. Outputs must equal the plain run's.
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { timeWordcountVariants } from '../lib/wordcount-variants.mjs';
import { printTable } from '../lib/table.mjs';

/** `path` cut into `n` byte ranges at line ends, each gzipped to dir/part-i.txt.gz. */
async function gzipParts(path, dir, n) {
  const size = statSync(path).size;
  mkdirSync(dir, { recursive: true });
  const { openSync, readSync, closeSync } = await import('node:fs');
  const fd = openSync(path, 'r');
  const cuts = [0];
  const buf = Buffer.alloc(1 << 16);
  for (let i = 1; i < n; i++) {
    let at = Math.floor((size * i) / n);
    const got = readSync(fd, buf, 0, buf.length, at);
    const nl = buf.subarray(0, got).indexOf(10);
    cuts.push(nl < 0 ? size : at + nl + 1);
  }
  closeSync(fd);
  cuts.push(size);
  for (let i = 0; i < n; i++) {
    if (cuts[i + 1] <= cuts[i]) continue;
    await pipeline(createReadStream(path, { start: cuts[i], end: cuts[i + 1] - 1 }), createGzip(), createWriteStream(join(dir, `part-${i}.txt.gz`)));
  }
}

/** The corpus as one file: itself, or its files concatenated (a generated corpus is a directory). */
export async function asOneFile(corpus, dir) {
  if (!statSync(corpus.path).isDirectory()) return corpus.path;
  const path = join(dir, 'all.txt');
  mkdirSync(dir, { recursive: true });
  const out = createWriteStream(path);
  for (const f of readdirSync(corpus.path).sort()) await pipeline(createReadStream(join(corpus.path, f)), out, { end: false });
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
  return path;
}

export async function gzipInput(ctx, corpus, { workers = 2, reps = 1 } = {}) {
  const gzDir = join(ctx.tmpDir, 'gzip-input');
  const plain = await asOneFile(corpus, join(gzDir, 'plain'));
  corpus = { ...corpus, path: plain, bytes: statSync(plain).size };
  const one = join(gzDir, 'one', 'all.txt.gz');
  mkdirSync(join(gzDir, 'one'), { recursive: true });
  await pipeline(createReadStream(corpus.path), createGzip(), createWriteStream(one));
  await gzipParts(corpus.path, join(gzDir, 'parts'), workers);
  const worker = join(ctx.repoRoot, 'examples/wordcount/worker.ts');
  const variants = [
    { id: 'plain', label: 'plain text', inputs: [corpus.path], inputBytes: corpus.bytes },
    { id: 'gz-one', label: 'one .gz file (1 map task)', inputs: [one], inputBytes: statSync(one).size },
    { id: 'gz-parts', label: `${workers} .gz parts (1 task each)`, inputs: [join(gzDir, 'parts')], inputBytes: undefined },
  ];
  const rows = await timeWordcountVariants(ctx, { name: 'gzip', worker, workers, reps, variants });
  rmSync(gzDir, { recursive: true, force: true });
  return { corpus: corpus.description ?? corpus.path, workers, rows };
}

export function printGzip(r) {
  printTable(
    `compressed input: word count, ${r.workers} workers (${r.corpus})`,
    ['input', 'map tasks', 'wall s (median)'],
    r.rows.map((x) => [x.label, x.maps, (x.wallMs / 1000).toFixed(2)]),
    ['outputs checked equal to the plain run; a .gz file is one map task (it cannot be split)'],
  );
}
