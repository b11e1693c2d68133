import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, runGomr, tempDir } from './support/run-gomr.js';

const sortWorker = join(repoRoot, 'examples/sort/worker.ts');
const wordcount = join(repoRoot, 'examples/wordcount/worker.ts');

let seed = 11;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const word = () => Array.from({ length: 1 + Math.floor(random() * 7) }, () => 'abcdefghijklmnopqrstuvwxyzÖß'[Math.floor(random() * 28)]).join('');

/** Two key<TAB>value files; values number the lines so that order within a key shows. */
async function inputs(key: () => string): Promise<string[]> {
  const dir = await tempDir();
  const files: string[] = [];
  for (const [name, n] of [['a.tsv', 6000], ['b.tsv', 4000]] as const) {
    let s = '';
    for (let i = 0; i < n; i++) s += `${key()}\t${name}:${i}\n`;
    await writeFile(join(dir, name), s);
    files.push(join(dir, name));
  }
  return files;
}

async function parts(out: string): Promise<string[]> {
  const names = (await readdir(out)).sort();
  return Promise.all(names.map((n) => readFile(join(out, n), 'utf8')));
}

for (const [name, key] of [
  ['uniform', () => word()],
  ['skewed: 70% one key', () => (random() < 0.7 ? 'hot' : word())],
] as const) {
  test(`--sort total, ${name} keys, R = 1, 2, 7: the parts concatenated equal LC_ALL=C sort, no key spans two parts`, async () => {
    const files = await inputs(key);
    const all = (await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('');
    const expected = execFileSync('sort', ['-t', '\t', '-k1,1', '-s'], { input: all, env: { ...process.env, LC_ALL: 'C' } }).toString('utf8');
    for (const reducers of [1, 2, 7]) {
      const out = join(await tempDir(), 'out');
      const r = await runGomr(['run', ...files.flatMap((f) => ['-i', f]), '-w', '2', '-m', '6', '-r', String(reducers), '--sort', 'total', '-o', out, sortWorker]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /sort total: \d+ keys sampled, \d+ cut points?/);
      const texts = await parts(out);
      assert.equal(texts.length, reducers);
      assert.equal(texts.join(''), expected, `R=${reducers}`);
      const partOf = new Map<string, number>();
      texts.forEach((t, i) => {
        for (const line of t.split('\n').filter(Boolean)) {
          const k = line.slice(0, line.indexOf('\t'));
          assert.equal(partOf.get(k) ?? i, i, `key ${k} in two parts`);
          partOf.set(k, i);
        }
      });
      if (name === 'uniform' && reducers === 7) {
        // Balanced by the sample: no part holds more than twice its share.
        const sizes = texts.map((t) => t.length);
        for (const s of sizes) assert.ok(s < (2 * all.length) / 7 && s > 0, `part sizes ${sizes}`);
      }
    }
  });
}

test('--sort total refusals: a worker file that sets sort total needs the flag; a partitioner cannot go with it; a mapper throwing on the sample fails the job', async () => {
  const dir = await tempDir();
  const input = join(dir, 'in.tsv');
  await writeFile(input, 'b\t1\na\t2\n');
  const noFlag = await runGomr(['run', '-i', input, '-o', join(dir, 'o1'), sortWorker]);
  assert.equal(noFlag.code, 2);
  assert.match(noFlag.stderr, /^gomr: the worker file sets sort: 'total'; run it with --sort total/m);
  const withPartitioner = join(dir, 'part.ts');
  await writeFile(withPartitioner, "import { run } from '@gomr/sdk';\nrun({ mapper: (c, s) => c.emit(s, 1), reducer: (c, k) => c.emit(k, 1), partitioner: () => 0 });\n");
  const both = await runGomr(['run', '-i', input, '--sort', 'total', '-r', '2', '-o', join(dir, 'o2'), withPartitioner]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--sort total partitions by key range; the worker file also sets a partitioner/);
  const throwing = join(dir, 'throw.ts');
  await writeFile(throwing, "import { run } from '@gomr/sdk';\nrun({ mapper: () => { throw new Error('bad sample'); }, reducer: () => {} });\n");
  const fails = await runGomr(['run', '-i', input, '--sort', 'total', '-r', '2', '-o', join(dir, 'o3'), throwing]);
  assert.equal(fails.code, 1);
  assert.match(fails.stderr, /^gomr: mapper failed while sampling keys for --sort total \(input in\.tsv, chunk at byte 0\): bad sample$/m);
  assert.match(fails.stderr, /throw\.ts:2:/, 'the user\'s stack');
  // Word count with --sort total: counts right, words globally sorted.
  const out = join(dir, 'wc');
  const wc = await runGomr(['run', '-i', join(repoRoot, 'examples/data/river.txt'), '--sort', 'total', '-r', '3', '-o', out, wordcount]);
  assert.equal(wc.code, 0, wc.stderr);
  const keys = (await parts(out)).join('').split('\n').filter(Boolean).map((l) => l.split('\t')[0]!);
  assert.deepEqual(keys, [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  const dry = await runGomr(['run', '-i', input, '--sort', 'total', '-r', '4', '--dry-run', sortWorker]);
  assert.match(dry.stdout, /^partitioning +by key range \(--sort total\): 3 cut points at most/m);
});
