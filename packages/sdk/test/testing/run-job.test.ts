import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type Context, type JobDefinition } from '../../src/index.js';
import { compareUtf8, defaultPartition, formatLine } from '../../src/data/index.js';
import { runJob, RunJobError } from '../../src/testing/index.js';

function words(ctx: Context, chunk: string) {
  for (const w of chunk.split(/[^\p{L}]+/u)) if (w) ctx.emit(w, 1);
}
function sum(ctx: Context, key: string, values: number[]) {
  ctx.emit(key, values.reduce((a, b) => a + b, 0));
}
const wordCount: JobDefinition = { mapper: words, reducer: sum, combiner: sum };

/** What `gomr run` writes, computed apart: counts, partitioned by FNV-1a, sorted by UTF-8 bytes. */
function expectedParts(texts: string[], reducers: number): string[] {
  const counts = new Map<string, number>();
  for (const t of texts) for (const w of t.split(/[^\p{L}]+/u)) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  const parts: string[][] = Array.from({ length: reducers }, () => []);
  for (const k of [...counts.keys()].sort(compareUtf8)) parts[defaultPartition(k, reducers)]!.push(formatLine(k, counts.get(k)!));
  return parts.map((p) => p.join(''));
}

const text = Array.from({ length: 200 }, (_, i) => `line ${i} über straße ${'x'.repeat(i % 17)} Ünïcode zebra apple\n`).join('');

test('runJob: part files byte for byte as gomr run writes them, over many splits', async () => {
  for (const [mappers, reducers] of [[1, 1], [7, 3], [40, 2]] as const) {
    const r = await runJob(wordCount, { 'a.txt': text, 'b.txt': 'apple zebra\nlast line without newline' }, { mappers, reducers });
    assert.deepEqual(r.parts, expectedParts([text, 'apple zebra\nlast line without newline'], reducers), `${mappers}/${reducers}`);
    assert.equal(r.counters.mapInputRecords, 202, 'every line read exactly once');
    assert.equal(r.counters.outputRecords, r.records.length);
    assert.ok(r.counters.combineInputRecords! > r.counters.combineOutputRecords!, 'the combiner ran');
  }
});

test('runJob: records keep JSON types and follow the part files; the partitioner and params are used', async () => {
  const def: JobDefinition = {
    mapper(ctx, chunk) {
      for (const line of chunk.split('\n')) if (line) ctx.emit(line[0]!, { line, n: line.length, tag: ctx.params.tag ?? null });
    },
    reducer(ctx, key, values) {
      ctx.emit(key, values);
      ctx.count('groups');
    },
    partitioner: (key, reducers) => (key < 'n' ? 0 : reducers - 1),
  };
  const r = await runJob(def, { 'in.txt': 'pear\napple\nzoo\nplum\nant\n' }, { reducers: 3, params: { tag: 't' } });
  assert.deepEqual(r.records.map(([k]) => k), ['a', 'p', 'z']);
  assert.deepEqual(r.records[0]![1], [{ line: 'apple', n: 5, tag: 't' }, { line: 'ant', n: 3, tag: 't' }]);
  assert.equal(r.parts[0], `a\t${JSON.stringify(r.records[0]![1])}\n`);
  assert.equal(r.parts[1], '');
  assert.equal(r.userCounters.groups, 3);
});

test('runJob: a tiny map buffer spills, and the result is the same', async () => {
  const big = text.repeat(60);
  // String values, so the buffer's own byte estimate passes spillBytes on every 64 KiB chunk
  // (ten spills); counts of 1 are packed so small that only the heap check, which depends on
  // when GC last ran, would spill them.
  const tagged = (ctx: Context, chunk: string) => {
    for (const w of chunk.split(/[^\p{L}]+/u)) if (w) ctx.emit(w, `seen: ${w}`);
  };
  const count = (ctx: Context, key: string, values: string[]) => ctx.emit(key, values.length);
  const r = await runJob({ mapper: tagged, reducer: count }, { 'a.txt': big }, { spillBytes: 4096, reducers: 2 });
  assert.ok(r.counters.spills! >= 5, `spills: ${r.counters.spills}`);
  assert.equal(r.counters.heapSpills, undefined, 'spilled by the byte estimate, not the heap check');
  assert.deepEqual(r.parts, expectedParts([big], 2));
});

test('runJob: a reducer that emits out of key order still gives each record once, in part order', async () => {
  const r = await runJob(
    {
      mapper: words,
      reducer(ctx, key, values) {
        ctx.emit(`~${key}`, values.length);
        ctx.emit(key, 0);
      },
    },
    { 'a.txt': 'b a c a\n' },
  );
  assert.deepEqual(r.records, [['a', 0], ['b', 0], ['c', 0], ['~a', 2], ['~b', 1], ['~c', 1]]);
  assert.equal(r.parts[0], 'a\t0\nb\t0\nc\t0\n~a\t2\n~b\t1\n~c\t1\n');
});

test('runJob: inputs from files and directories, hidden and _ files skipped', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runjob-in-'));
  try {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'one.txt'), 'a b\n');
    await writeFile(join(dir, 'sub', 'two.txt'), 'b c\n');
    await writeFile(join(dir, '_SUCCESS'), 'zzz\n');
    await writeFile(join(dir, '.hidden'), 'zzz\n');
    const inputs: string[] = [];
    const r = await runJob({ mapper: (ctx, chunk) => {
        inputs.push(ctx.input);
        words(ctx, chunk);
      }, reducer: sum }, [dir], { mappers: 4 });
    assert.deepEqual(r.records, [['a', 1], ['b', 2], ['c', 1]]);
    assert.deepEqual([...new Set(inputs)].sort(), ['one.txt', 'two.txt']);
    await assert.rejects(runJob(wordCount, [join(dir, 'missing.txt')]), /input not found: .*missing\.txt/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('runJob: bad options and definitions are one clear error', async () => {
  await assert.rejects(runJob(wordCount, { 'a.txt': 'x' }, { reducers: 0 }), /reducers must be a positive integer, got 0/);
  await assert.rejects(runJob(wordCount, { 'a.txt': 'x' }, { mappers: 1.5 }), /mappers must be a positive integer/);
  await assert.rejects(runJob({ mapper: words } as unknown as JobDefinition, { 'a.txt': 'x' }), /reducer must be a function/);
  await assert.rejects(runJob(wordCount, { 'a/b.txt': 'x' }), /must be a plain file name/);
});

test('runJob: a worker file (TypeScript, outside any package) is loaded once; a throw shows its own stack and where', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runjob-worker-'));
  try {
    const file = join(dir, 'worker.ts');
    await writeFile(
      file,
      [
        "import { run, type Context } from '@gomr/sdk';",
        'let loads = (globalThis as any).__loads = ((globalThis as any).__loads ?? 0) + 1;',
        'function mapper(ctx: Context, chunk: string): void {',
        "  if (chunk.includes('boom')) throw new Error('boom in the mapper');",
        "  for (const w of chunk.split(' ')) ctx.emit(w.trim(), loads);",
        '}',
        'function reducer(ctx: Context, key: string, values: number[]): void {',
        "  if (key === 'bad') throw new TypeError('bad key');",
        '  ctx.emit(key, values.length);',
        '}',
        'run({ mapper, reducer });',
        '',
      ].join('\n'),
    );
    const ok = await runJob(file, { 'a.txt': 'x y x\n' });
    assert.deepEqual(ok.records, [['x', 2], ['y', 1]]);
    await runJob(new URL(`file://${file}`), { 'a.txt': 'x\n' });
    assert.equal((globalThis as Record<string, unknown>).__loads, 1, 'imported once');

    const mapFail = await runJob(file, { 'a.txt': 'fine\n'.repeat(10), 'b.txt': 'ok\nboom\n' }, { mappers: 2 }).catch((e: unknown) => e as RunJobError);
    assert.ok(mapFail instanceof RunJobError);
    assert.equal(mapFail.message, 'mapper failed in task m-00001 (input b.txt, chunk at byte 0): boom in the mapper');
    assert.equal(mapFail.input, 'b.txt');
    assert.ok((mapFail.cause as Error).message === 'boom in the mapper');
    assert.match(mapFail.stack!, new RegExp(`at (Object\\.)?mapper \\(${file.replace(/[/.]/g, '\\$&')}:4:\\d+\\)`), mapFail.stack);
    assert.doesNotMatch(mapFail.stack!, /packages\/sdk|map-task/, 'no gomr frames');

    const reduceFail = (await runJob(file, { 'a.txt': 'good bad\n' }).catch((e: unknown) => e)) as RunJobError;
    assert.equal(reduceFail.message, 'reducer failed in task r-00000 (key "bad"): bad key');
    assert.match(reduceFail.stack!, /worker\.ts:8:/);

    const never = join(dir, 'never.ts');
    await writeFile(never, 'export const x = 1;\n');
    await assert.rejects(runJob(never, { 'a.txt': 'x' }), /never\.ts never called run/);
    await assert.rejects(runJob(join(dir, 'absent.ts'), { 'a.txt': 'x' }), /absent\.ts/);
    const broken = join(dir, 'broken.ts');
    await writeFile(broken, 'const = ;\n');
    await assert.rejects(runJob(broken, { 'a.txt': 'x' }), /worker file does not compile: .*broken\.ts:1:/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('runJob: a worker file reads files beside itself through import.meta.url and import.meta.dirname', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runjob-located-'));
  try {
    const file = join(dir, 'worker.ts');
    await writeFile(join(dir, 'stop.txt'), 'the\n');
    await writeFile(join(dir, 'tag.txt'), 'T');
    await writeFile(
      file,
      [
        "import { readFileSync } from 'node:fs';",
        "import { join } from 'node:path';",
        "import { run, type Context } from '@gomr/sdk';",
        "const stop = readFileSync(new URL('./stop.txt', import.meta.url), 'utf8').trim();",
        "const tag = readFileSync(join(import.meta.dirname, 'tag.txt'), 'utf8');",
        'run({',
        "  mapper(ctx: Context<string>, chunk: string) { for (const w of chunk.split(/\\s+/)) if (w && w !== stop) ctx.emit(w, tag); },",
        "  reducer(ctx: Context<string>, key: string, values: string[]) { ctx.emit(key, values.join('')); },",
        '});',
        '',
      ].join('\n'),
    );
    const r = await runJob(file, { 'a.txt': 'the cat the dog cat\n' });
    assert.deepEqual(r.records, [['cat', 'TT'], ['dog', 'T']]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('runJob: milliseconds for a small job', async () => {
  await runJob(wordCount, { 'a.txt': 'warm up\n' });
  const t0 = performance.now();
  for (let i = 0; i < 10; i++) await runJob(wordCount, { 'a.txt': text }, { mappers: 3, reducers: 2 });
  const ms = (performance.now() - t0) / 10;
  console.log(`runJob, 200 lines, 3 maps, 2 reduces: ${ms.toFixed(1)} ms`);
  assert.ok(ms < 500, `${ms} ms`);
});

test('run() under a test runner returns the definition and leaves the exit code alone', () => {
  const before = process.exitCode;
  assert.equal(run(wordCount), wordCount);
  assert.equal(process.exitCode, before);
});
