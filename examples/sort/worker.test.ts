// The total order sort, tested in-process with runJob against `LC_ALL=C sort`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { runJob } from '@gomr/sdk/testing';

const worker = new URL('./worker.ts', import.meta.url);

/** Lines of key<TAB>value: keys from `key`, values numbering the lines (so order shows). */
function lines(n: number, key: (i: number) => string): string {
  let s = '';
  for (let i = 0; i < n; i++) s += `${key(i)}\t${i}\n`;
  return s;
}

let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const word = () => Array.from({ length: 1 + Math.floor(random() * 8) }, () => 'abcdefghijklmnopqrstuvwxyzÄé_-'[Math.floor(random() * 30)]).join('');

function cSort(text: string): string {
  return execFileSync('sort', ['-t', '\t', '-k1,1', '-s'], { input: text, env: { ...process.env, LC_ALL: 'C' } }).toString('utf8');
}

for (const [name, key] of [
  ['uniform', () => word()],
  ['skewed (60% one key)', () => (random() < 0.6 ? 'hot' : word())],
] as const) {
  test(`${name} keys, R = 1, 2, 7: the parts concatenated equal LC_ALL=C sort; no key in two parts`, async () => {
    const inputs = { 'a.tsv': lines(3000, key), 'b.tsv': lines(2000, key) };
    const expected = cSort(inputs['a.tsv'] + inputs['b.tsv']);
    for (const reducers of [1, 2, 7]) {
      const { parts, cutPoints } = await runJob(worker, inputs, { mappers: 5, reducers });
      assert.equal(parts.length, reducers);
      assert.equal(parts.join(''), expected, `R=${reducers}`);
      const partOf = new Map<string, number>();
      parts.forEach((p, i) => {
        for (const l of p.split('\n').filter(Boolean)) {
          const k = l.slice(0, l.indexOf('\t'));
          assert.ok((partOf.get(k) ?? i) === i, `${k} in parts ${partOf.get(k)} and ${i}`);
          partOf.set(k, i);
        }
      });
      assert.ok(cutPoints!.length <= reducers - 1);
    }
  });
}
