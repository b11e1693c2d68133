import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { JsonValue } from '../../src/data/json-value.js';
import { escapeText, formatLine, formatValue, OutputOrderError, SortedLineWriter } from '../../src/data/sorted-output.js';
import { byteCompare, CollectingWritable } from './helpers.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gomr-out-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('escapeText escapes backslash, tab, newline, carriage return only', () => {
  assert.equal(escapeText('plain text, ünïcode 😀'), 'plain text, ünïcode 😀');
  assert.equal(escapeText('a\tb\nc\rd\\e'), 'a\\tb\\nc\\rd\\\\e');
  assert.equal(escapeText('\\n'), '\\\\n');
  const s = 'unchanged';
  assert.equal(escapeText(s), s);
});

test('formatValue and formatLine', () => {
  assert.equal(formatValue('x\ty'), 'x\\ty');
  assert.equal(formatValue(42), '42');
  assert.equal(formatValue(-0), '0');
  assert.equal(formatValue(1.5e300), '1.5e+300');
  assert.equal(formatValue(NaN), 'NaN');
  assert.equal(formatValue(true), 'true');
  assert.equal(formatValue(null), 'null');
  assert.equal(formatValue({ a: [1, 'b\n'] }), '{"a":[1,"b\\n"]}');
  assert.equal(formatLine('k\n', 'v'), 'k\\n\tv\n');
});

/** Reduce-like emission script: for each input key (ascending), the records its reducer emits. */
type Script = { input: string; emits: [string, JsonValue][] }[];

async function play(
  script: Script,
  options: { holdBytes?: number; aheadBytes?: number; sortBytes?: number; sortAll?: boolean; slow?: boolean },
): Promise<string> {
  const out = new CollectingWritable(options.slow);
  const writer = new SortedLineWriter(out, { spillDir: dir, chunkBytes: 64, ...options });
  try {
    let step = 0;
    for (const { input, emits } of script) {
      for (const [k, v] of emits) writer.write(k, v, input);
      // Both ways a reduce may wait: always, or only when there is something to wait for.
      if (step++ % 2) await writer.drain();
      else await writer.drainIfNeeded();
    }
    const stats = await writer.finish();
    out.end();
    assert.equal(stats.bytes, out.data.length);
    assert.equal(stats.records, script.reduce((n, s) => n + s.emits.length, 0));
    return out.data.toString();
  } finally {
    await writer.cleanup();
  }
}

/** What the output must be: lines stably sorted by key bytes. */
function expected(script: Script): string {
  return script
    .flatMap((s) => s.emits)
    .map(([k, v]) => ({ k, line: formatLine(k, v) }))
    .sort((a, b) => byteCompare(a.k, b.k))
    .map((x) => x.line)
    .join('');
}

const keyArb = fc.oneof(fc.constantFrom('a', 'b', 'c', 'ab', 'z', '\uffff', '\u{1f600}', 'tab\there'), fc.string({ unit: 'binary', maxLength: 3 }));

function scriptArb(foreign: 'none' | 'ahead' | 'any'): fc.Arbitrary<Script> {
  return fc
    .uniqueArray(keyArb, { maxLength: 30 })
    .chain((inputs) => {
      const sorted = [...inputs].sort(byteCompare);
      return fc.tuple(
        ...sorted.map((input) =>
          fc.array(
            fc.tuple(
              foreign === 'none' ? fc.constant(input) : fc.oneof(fc.constant(input), keyArb),
              fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.constant(null)) as fc.Arbitrary<JsonValue>,
            ),
            { maxLength: 5 },
          ),
        ),
      ).map((emitLists) => sorted.map((input, i) => ({
        input,
        emits: foreign === 'ahead' ? emitLists[i]!.filter(([k]) => byteCompare(k, input) >= 0) : emitLists[i]!,
      })));
    });
}

test('drainIfNeeded: a promise only while the stream is congested', async () => {
  const out = new CollectingWritable(true);
  const writer = new SortedLineWriter(out, { spillDir: dir, chunkBytes: 64, holdBytes: 0 });
  let waits = 0;
  for (let i = 0; i < 2000; i++) {
    writer.write(`k${String(i).padStart(5, '0')}`, 'v'.repeat(40), `k${String(i).padStart(5, '0')}`);
    const congested = out.writableNeedDrain;
    const w = writer.drainIfNeeded();
    assert.equal(w !== undefined, congested);
    if (w) {
      waits++;
      await w;
      assert.equal(out.writableNeedDrain, false);
    }
  }
  assert.ok(waits > 0, 'a slow stream made the writer wait');
  await writer.finish();
  out.end();
  assert.equal(out.data.toString().split('\n').length - 1, 2000);
});

test('in-order output streams straight through', async () => {
  await fc.assert(
    fc.asyncProperty(scriptArb('none'), fc.boolean(), async (script, slow) => {
      assert.equal(await play(script, { holdBytes: 0, slow }), expected(script));
    }),
    { numRuns: 100 },
  );
});

test('keys ahead of the reduce are held back and placed, even while streaming', async () => {
  await fc.assert(
    fc.asyncProperty(scriptArb('ahead'), async (script) => {
      assert.equal(await play(script, { holdBytes: 1 << 20, sortBytes: 1 << 20 }), expected(script));
      // Streaming from the first line: still fine for keys ahead, up to the ahead limit.
      assert.equal(await play(script, { holdBytes: 0, aheadBytes: 1 << 20 }), expected(script));
    }),
    { numRuns: 100 },
  );
});

test('any emission order gives sorted output (hold + sort, or OutputOrderError then sortAll)', async () => {
  await fc.assert(
    fc.asyncProperty(scriptArb('any'), fc.constantFrom(0, 50, 1 << 20), fc.constantFrom(64, 1 << 20), async (script, holdBytes, sortBytes) => {
      let text: string;
      try {
        text = await play(script, { holdBytes, sortBytes });
      } catch (err) {
        assert.ok(err instanceof OutputOrderError, String(err));
        text = await play(script, { sortAll: true, sortBytes });
      }
      assert.equal(text, expected(script));
      // With enough memory to hold the output, no retry is ever needed.
      assert.equal(await play(script, { holdBytes: 1 << 20, sortBytes }), expected(script));
    }),
    { numRuns: 150 },
  );
});

test('a key behind the streamed output is an OutputOrderError with a clear message', async () => {
  const script: Script = [
    { input: 'b', emits: [['b', 1]] },
    { input: 'c', emits: [['a', 2]] },
  ];
  await assert.rejects(play(script, { holdBytes: 0 }), (err: unknown) => {
    assert.ok(err instanceof OutputOrderError);
    assert.match(err.message, /emitted key "a" while reducing "c", after key "b" was written/);
    assert.match(err.message, /sortAll: true/);
    return true;
  });
  assert.equal(await play(script, { sortAll: true }), 'a\t2\nb\t1\n');
  assert.equal(await play(script, {}), 'a\t2\nb\t1\n');
});

test('external sort with spills keeps ties in emission order', async () => {
  const script: Script = [];
  for (let i = 0; i < 300; i++) script.push({ input: `in${String(i).padStart(3, '0')}`, emits: [[`k${i % 7}`, i], [`k${(i * 3) % 7}`, `v${i}`]] });
  assert.equal(await play(script, { sortAll: true, sortBytes: 512 }), expected(script));
});
