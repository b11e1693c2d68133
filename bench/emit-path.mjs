#!/usr/bin/env node
// The map side's emit path alone, against the tuned loop's Map: the tuned tokeniser
// (bench/workers/wordcount-tuned.ts) over text already in memory, in 64 KiB chunks, each word
// given to one of these sinks, in one thread:
//   scan      nothing (the tokeniser alone: what the others are measured over)
//   map       the tuned loop's add (bench/baselines/tuned.mjs): a Map from word to index, counts in a typed array
//   table     gomr's key table: slot + put
//   buffer    MapOutputBuffer.add with a summing combiner (the key table, run-length values, eager combines)
//   emit      ctx.emit as a mapper calls it: TaskContext -> heldEmits -> MapOutputBuffer.add
// Prints ns per word over `scan`, the median of the reps; variants run in turn, each rep.
//   node bench/emit-path.mjs --input FILE [--chars 25000000] [--reps 5] [--repo DIR]
import { readFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: { input: { type: 'string' }, chars: { type: 'string', default: '25000000' }, reps: { type: 'string', default: '5' }, repo: { type: 'string' } },
});
if (!o.input) {
  console.error('usage: node bench/emit-path.mjs --input FILE [--chars N] [--reps N] [--repo DIR]');
  process.exit(2);
}
const repo = o.repo ? resolvePath(o.repo) : fileURLToPath(new URL('..', import.meta.url));
const sdk = (path) => import(join(repo, 'packages/sdk/dist/src', path));
const { KeyTable } = await sdk('data/key-table.js');
const { MapOutputBuffer } = await sdk('data/map-output-buffer.js');
const { TaskContext } = await sdk('runtime/task-context.js');
const { heldEmits } = await sdk('runtime/held-emits.js');

const text = readFileSync(o.input, 'utf8').slice(0, Number(o.chars));
const CHUNK = 64 * 1024;

// The tuned loop's letter table (BMP only: astral letters are rare in the books).
const LETTER = new Uint8Array(65536);
const letterRe = /^\p{L}$/u;
for (let c = 0; c < 65536; c++) if (c < 0xd800 || c > 0xdfff) LETTER[c] = letterRe.test(String.fromCharCode(c)) ? 1 : 0;

function mapper(ctx, chunk) {
  let start = -1;
  const n = chunk.length;
  for (let i = 0; i < n; i++) {
    if (LETTER[chunk.charCodeAt(i)] === 1) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      ctx.emit(chunk.slice(start, i), 1);
      start = -1;
    }
  }
  if (start >= 0) ctx.emit(chunk.slice(start), 1);
}
function feed(ctx) {
  for (let at = 0; at < text.length; at += CHUNK) mapper(ctx, text.slice(at, at + CHUNK));
}
const sum = (ctx, key, values) => {
  let s = 0;
  for (const v of values) s += v;
  ctx.emit(key, s);
};
const newBuffer = () => new MapOutputBuffer({ reducers: 1, partition: () => 0, spillBytes: 2 ** 30, combiner: (k, vs, emit) => sum({ emit }, k, vs) });

let words = 0;
const variants = {
  scan: () => {
    words = 0;
    feed({ emit: () => words++ });
  },
  map: () => {
    const index = new Map();
    let counts = new Float64Array(1 << 16);
    let n = 0;
    feed({
      emit: (w) => {
        let i = index.get(w);
        if (i === undefined) {
          i = n++;
          index.set(w, i);
          if (i >= counts.length) {
            const grown = new Float64Array(counts.length * 2);
            grown.set(counts);
            counts = grown;
          }
        }
        counts[i]++;
      },
    });
  },
  table: () => {
    const t = new KeyTable();
    feed({ emit: (k, v) => t.put(t.slot(k), v) });
  },
  buffer: () => {
    const b = newBuffer();
    feed({ emit: (k, v) => b.add(k, v) });
  },
  emit: () => {
    const b = newBuffer();
    const emits = heldEmits((k, v) => b.add(k, v));
    feed(new TaskContext('m-00000', 1, 'w-bench', {}, emits.emit, {}));
  },
};

const times = Object.fromEntries(Object.keys(variants).map((v) => [v, []]));
for (let rep = 0; rep < Number(o.reps); rep++) {
  for (const [name, run] of Object.entries(variants)) {
    const t0 = performance.now();
    run();
    times[name].push(performance.now() - t0);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const scan = median(times.scan);
console.log(`${(text.length / 1e6).toFixed(1)} M characters, ${(words / 1e6).toFixed(2)} M words, ${o.reps} reps (median)`);
for (const name of Object.keys(variants)) {
  const ms = median(times[name]);
  const over = name === 'scan' ? '' : `  ${(((ms - scan) * 1e6) / words).toFixed(1)} ns/word over scan`;
  console.log(`  ${name.padEnd(7)} ${ms.toFixed(0).padStart(5)} ms${over}`);
}
