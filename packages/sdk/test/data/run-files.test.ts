import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { batched, type Batched } from '../../src/data/batched.js';
import { mergeSorted } from '../../src/data/kway-merge.js';
import type { Rec } from '../../src/data/rec.js';
import { mergeDown, runFile, writeRunFile, type MergeInput } from '../../src/data/run-files.js';
import { byteCompare, collect } from './helpers.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gomr-runfiles-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const key = fc.oneof(fc.constantFrom('a', 'b', 'c', '\u{1f600}', ''), fc.string({ unit: 'binary', maxLength: 3 }));

test('writeRunFile and runFile round-trip records', async () => {
  const recs: Rec[] = [
    { key: 'a', value: 1 },
    { key: 'a', value: 'x' },
    { key: 'b', value: { n: [1, 2] } },
    { key: 'c', value: null },
  ];
  const path = join(dir, 'rt.run');
  const stats = await writeRunFile(path, batched(async function* () {
    yield recs;
  }));
  assert.equal(stats.records, 4);
  assert.deepEqual(await collect(runFile(path)), recs);
});

test('mergeDown: at most `target` inputs left, never more than `factor` read at once, same stable merge', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(key, { maxLength: 12 }), { maxLength: 150 }),
      fc.integer({ min: 2, max: 6 }),
      fc.integer({ min: 1, max: 8 }),
      async (lists, factor, targetOrMore) => {
        const target = Math.min(targetOrMore, factor);
        const sources = lists.map((keys, s) => [...keys].sort(byteCompare).map((k, i): Rec => ({ key: k, value: [s, i] })));
        const expected = sources.flat().sort((a, b) => byteCompare(a.key, b.key));
        let reading = 0;
        let mostReading = 0;
        let opened = 0;
        const inputs: MergeInput[] = sources.map((recs) => ({
          stream: batched(async function* () {
            opened++;
            mostReading = Math.max(mostReading, ++reading);
            try {
              if (recs.length) yield recs;
            } finally {
              reading--;
            }
          }),
        }));
        const sub = await mkdtemp(join(dir, 'md-'));
        let n = 0;
        const made = new Set<string>();
        const left = await mergeDown(inputs, {
          factor,
          target,
          newFile: () => {
            const f = join(sub, `m${n++}.run`);
            made.add(f);
            return f;
          },
          removeFile: async (f) => {
            assert.ok(made.delete(f), 'removes only files it made');
            await rm(f);
          },
        });
        assert.ok(left.length <= target);
        assert.ok(mostReading <= factor, `${mostReading} read at once`);
        // Inputs merged into files were read exactly once; the rest are still unread.
        const inFiles = left.filter((l) => l.file).length;
        assert.equal(opened, inputs.length - left.filter((l) => !l.file).length);
        assert.deepEqual((await readdir(sub)).sort(), [...made].map((f) => f.slice(sub.length + 1)).sort());
        assert.equal(made.size, inFiles);
        assert.deepEqual(await collect(mergeSorted(left.map((l) => l.stream) as Batched<Rec>[])), expected);
        await rm(sub, { recursive: true, force: true });
      },
    ),
    { numRuns: 150 },
  );
});

test('mergeDown merges only what it must: one small merge when a few inputs are too many', async () => {
  const inputs: MergeInput[] = Array.from({ length: 70 }, (_, s) => ({
    stream: batched(async function* () {
      yield [{ key: `k${String(s).padStart(3, '0')}`, value: s }];
    }),
  }));
  const sub = await mkdtemp(join(dir, 'few-'));
  let files = 0;
  const left = await mergeDown(inputs, { factor: 64, newFile: () => join(sub, `m${files++}.run`), removeFile: (f) => rm(f) });
  assert.equal(left.length, 64);
  assert.equal(files, 1);
  assert.equal(left.slice(1).every((l, i) => l === inputs[i + 7]), true);
  assert.deepEqual((await collect(left[0]!.stream)).map((r) => r.value), [0, 1, 2, 3, 4, 5, 6]);
});

test('mergeDown hands each group to beforeMerge before reading any of it, and no other input', async () => {
  const read = new Set<number>();
  const prepared = new Set<number>();
  const index = new Map<Batched<Rec>, number>();
  const inputs: MergeInput[] = Array.from({ length: 10 }, (_, s) => {
    const stream = batched(async function* () {
      assert.ok(prepared.has(s), `input ${s} read before beforeMerge saw it`);
      read.add(s);
      yield [{ key: `k${s}`, value: s }];
    });
    index.set(stream, s);
    return { stream };
  });
  const sub = await mkdtemp(join(dir, 'before-'));
  let files = 0;
  const groups: number[][] = [];
  const left = await mergeDown(inputs, {
    factor: 3,
    newFile: () => join(sub, `m${files++}.run`),
    removeFile: (f) => rm(f),
    beforeMerge: async (group) => {
      assert.ok(group.length <= 3);
      assert.ok(group.every((g) => !read.has(index.get(g.stream) ?? -1)), 'nothing of the group read yet');
      for (const g of group) if (index.has(g.stream)) prepared.add(index.get(g.stream)!);
      groups.push(group.map((g) => index.get(g.stream) ?? -1));
    },
  });
  // 10 inputs, factor 3: a pass of groups [0..2] [3..5] [6..8] (9 left alone), then one merge of two.
  assert.deepEqual(groups, [[0, 1, 2], [3, 4, 5], [6, 7, 8], [-1, -1]]);
  assert.equal(left.length, 3);
  assert.deepEqual([...read].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8], 'input 9 left unread');
});
