import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { JsonValue } from '../../src/data/json-value.js';
import { KeyTable } from '../../src/data/key-table.js';

// The map-side buffer spills on its estimate of the memory it holds: check the estimate against
// the heap a full collection leaves, for the shapes of values the table holds differently.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapNow(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const KEYS = 40000;

/** Words cut out of one large string, as a mapper's split makes them. */
function chunkOfWords(length: number): string {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEF';
  const words: string[] = [];
  for (let i = 0; i < KEYS; i++) {
    let w = '';
    for (let x = i; ; x >>>= 5) {
      w += letters[x & 31];
      if (x < 32) break;
    }
    words.push(w.padEnd(length, '-'));
  }
  return words.join(' ');
}

const shapes: Record<string, (t: KeyTable, i: number, n: number) => void> = {
  'one number (word count)': (t, i) => t.put(i, 1),
  'a run of one number': (t, i) => {
    for (let k = 0; k < 5; k++) t.put(i, 1);
  },
  'two numbers': (t, i) => {
    t.put(i, 1);
    t.put(i, 2);
  },
  'twenty numbers': (t, i) => {
    for (let k = 0; k < 20; k++) t.put(i, k);
  },
  'fractions': (t, i, n) => {
    t.put(i, n + 0.5);
    t.put(i, n + 0.25);
  },
  'a short string': (t, i, n) => t.put(i, `v${n % 1000}`),
  'a long string': (t, i, n) => t.put(i, `a value of some length ${n}`),
  'three strings': (t, i, n) => {
    for (let k = 0; k < 3; k++) t.put(i, `s${k}-${n}`);
  },
  'an object': (t, i, n) => t.put(i, { doc: n, pos: [1, 2] } as JsonValue),
};

for (const keyLength of [5, 20, 40]) {
  for (const [name, fill] of Object.entries(shapes)) {
    test(`the key table's estimate follows the heap: ${name}, keys of ${keyLength} characters`, () => {
      const chunk = chunkOfWords(keyLength);
      const before = heapNow();
      const table = (() => {
        const t = new KeyTable();
        let n = 0;
        for (const w of chunk.split(' ')) fill(t, t.slot(w), n++);
        return t;
      })();
      const real = heapNow() - before;
      assert.equal(table.size, KEYS);
      const ratio = table.bytes / real;
      if (process.env.GOMR_SHOW_RATIOS) console.log(`${name}, ${keyLength}: x${ratio.toFixed(3)}`);
      assert.ok(ratio > 0.8 && ratio < 1.3, `estimate ${table.bytes} for ${real} bytes on the heap (x${ratio.toFixed(2)})`);
    });
  }
}
