// The README's first command: runs the word-count example on the sample texts it ships with.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'gomr-output', 'example-wordcount');
const r = spawnSync(
  process.execPath,
  [join(root, 'packages/cli/bin/run.js'), 'run', '--input', 'examples/data/river.txt', '--input', 'examples/data/lighthouse.txt',
    '--input', 'examples/data/market.txt', '--workers', '2', '--mappers', '6', '--reducers', '2', '--output', out, '--overwrite',
    'examples/wordcount/worker.ts'],
  { cwd: root, stdio: 'inherit' },
);
if (r.status !== 0) process.exit(r.status ?? 1);
const lines = readdirSync(out).sort().flatMap((f) => readFileSync(join(out, f), 'utf8').split('\n').filter(Boolean));
const top = lines.map((l) => l.split('\t')).sort((a, b) => Number(b[1]) - Number(a[1])).slice(0, 8);
console.log(`\ntop words of ${lines.length}:`);
for (const [word, n] of top) console.log(`  ${n.padStart(4)}  ${word}`);
