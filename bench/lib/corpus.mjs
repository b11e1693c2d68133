// Bench inputs, generated on demand into the data directory and reused between runs.
// Nothing here is committed: the Gutenberg books stay in ../shared, the rest is generated.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

/** Where the Gutenberg books are (../shared/data/gutenberg next to the repo), or null. */
export function booksDir(repoRoot) {
  const dir = process.env.GOMR_BENCH_BOOKS ?? join(repoRoot, '..', 'shared', 'data', 'gutenberg');
  try {
    return readdirSync(dir).some((f) => f.endsWith('.txt')) ? dir : null;
  } catch {
    return null;
  }
}

function done(path) {
  return existsSync(`${path}.done`);
}

function markDone(path, meta) {
  writeFileSync(`${path}.done`, JSON.stringify(meta));
}

/**
 * One file of at least `bytes` bytes: the Gutenberg books concatenated, over and over (whole
 * copies of the set). Returns { path, bytes, ascii } or null when the books are absent.
 */
export function repeatedBooks(dataDir, repoRoot, bytes) {
  const dir = booksDir(repoRoot);
  if (!dir) return null;
  const books = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort().map((f) => readFileSync(join(dir, f)));
  const setBytes = books.reduce((n, b) => n + b.length, 0);
  const copies = Math.max(1, Math.ceil(bytes / setBytes));
  const path = join(dataDir, `books-x${copies}.txt`);
  if (!done(path)) {
    mkdirSync(dataDir, { recursive: true });
    const fd = openSync(`${path}.tmp`, 'w');
    for (let i = 0; i < copies; i++) for (const b of books) writeSync(fd, b);
    closeSync(fd);
    renameSync(`${path}.tmp`, path);
    markDone(path, { copies });
  }
  const ascii = books.every((b) => b.every((c) => c < 0x80));
  return { path, bytes: statSync(path).size, ascii, files: 1, description: `Gutenberg books (${books.length}) concatenated ${copies} times, one file` };
}

/** A seeded PRNG (mulberry32): the same seed gives the same corpus on every machine. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EN = 'eeeeeeeeeeeetttttttttaaaaaaaaoooooooiiiiiiinnnnnnnsssssshhhhhhrrrrrrddddllllcccuuummwwffggyyppbbvkjxqz';
const GREEK = 'αβγδεζηθικλμνξοπρστυφχψω';
const CYRILLIC = 'абвгдежзийклмнопрстуфхцчшщыэюя';

/**
 * A vocabulary of distinct words, in rank order: frequent words short (2-4 letters), rare ones
 * long (up to 14), as in real text. Mostly lower-case ASCII, 10% capitalised, ~3% Greek or
 * Cyrillic.
 */
function vocabulary(size, rand) {
  const seen = new Set();
  const words = [];
  while (words.length < size) {
    const rank = words.length + 1;
    const len = Math.min(14, 2 + Math.floor(Math.log10(rank) * 1.4) + Math.floor(rand() * 3));
    const r = rand();
    const alphabet = r < 0.015 ? GREEK : r < 0.03 ? CYRILLIC : EN;
    let w = '';
    for (let i = 0; i < len; i++) w += alphabet[Math.floor(rand() * alphabet.length)];
    if (alphabet === EN && rand() < 0.1) w = w[0].toUpperCase() + w.slice(1);
    if (seen.has(w)) continue;
    seen.add(w);
    words.push(w);
  }
  return words;
}

/** Word frequencies: Zipf's law in its two regimes (exponent 1 up to rank `bend`, 2 beyond). */
const ZIPF = { vocab: 2_000_000, bend: 8000, tail: 2 };

/**
 * A directory of `files` text files, `bytes` in all: lines of about 70 bytes of words drawn
 * from a seeded vocabulary with the two-regime Zipf distribution of real text (frequency ~
 * 1/rank for the ~8,000 most common words, ~1/rank^2 beyond), which gives real text's growth
 * of distinct words with size (about 70 thousand in 12 MB, 550 thousand in 1 GB), separated
 * by spaces and some punctuation and numbers. About 3% of the vocabulary is Greek or
 * Cyrillic: words with no ASCII letter at all, so `tr -cs '[:alpha:]'` in the C locale
 * (ASCII letters only) drops them whole instead of cutting them into pieces, and its counts
 * of the ASCII words still equal gomr's exactly.
 */
export function zipfCorpus(dataDir, bytes, { files = 8, seed = 42 } = {}) {
  const { vocab, bend, tail } = ZIPF;
  const dir = join(dataDir, `zipf2-${Math.round(bytes / 1e6)}mb-${files}f-s${seed}`);
  const meta = { bytes, files, seed, ...ZIPF };
  if (!done(dir)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const rand = rng(seed);
    const words = vocabulary(vocab, rand);
    const encoded = words.map((w) => Buffer.from(w, 'utf8'));
    // Cumulative weights, and a guide table to start each search close to the answer.
    const cdf = new Float64Array(vocab);
    let sum = 0;
    for (let k = 0; k < vocab; k++) {
      const rank = k + 1;
      cdf[k] = sum += rank <= bend ? 1 / rank : Math.pow(bend, tail - 1) / Math.pow(rank, tail);
    }
    for (let k = 0; k < vocab; k++) cdf[k] /= sum;
    const G = 1 << 16;
    const guide = new Int32Array(G + 1);
    for (let j = 0, k = 0; j <= G; j++) {
      while (k < vocab - 1 && cdf[k] < j / G) k++;
      guide[j] = k;
    }
    const pick = () => {
      const u = rand();
      const j = Math.floor(u * G);
      let lo = guide[j];
      let hi = guide[Math.min(G, j + 1)];
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cdf[mid] < u) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const per = Math.floor(bytes / files);
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let f = 0; f < files; f++) {
      const fd = openSync(join(dir, `text-${String(f).padStart(2, '0')}.txt`), 'w');
      let written = 0;
      let p = 0;
      let lineStart = 0;
      while (written + p < per) {
        if (rand() < 0.01) {
          p += buf.write(String(Math.floor(rand() * 2000)), p, 'latin1');
        } else {
          const w = encoded[pick()];
          w.copy(buf, p);
          p += w.length;
        }
        if (p - lineStart >= 70) {
          buf[p++] = 10;
          lineStart = p;
        } else {
          const q = rand();
          if (q < 0.06) buf[p++] = 44; // ,
          else if (q < 0.09) buf[p++] = 46; // .
          buf[p++] = 32;
        }
        if (p > buf.length - 256 && p === lineStart) {
          writeSync(fd, buf, 0, p);
          written += p;
          p = 0;
          lineStart = 0;
        }
      }
      if (p > lineStart) buf[p++] = 10;
      writeSync(fd, buf, 0, p);
      closeSync(fd);
    }
    markDone(dir, meta);
  }
  let total = 0;
  const names = readdirSync(dir);
  for (const f of names) total += statSync(join(dir, f)).size;
  return { path: dir, bytes: total, ascii: false, files: names.length, description: `generated: ${names.length} files, two-regime Zipf over ${vocab / 1e6}M words (seed ${seed}), ~3% Greek/Cyrillic words` };
}

/** `n` tiny files of a few short lines each (task overhead). */
export function tinyFiles(dataDir, n) {
  const dir = join(dataDir, `tiny-${n}`);
  if (!done(dir)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < n; i++) {
      writeFileSync(join(dir, `t${String(i).padStart(5, '0')}.txt`), `tiny input number ${i}\nthe quick brown fox\njumps over the lazy dog\n`);
    }
    markDone(dir, { n });
  }
  return { path: dir, files: n };
}

/** A 1 KB text file (start-up). */
export function oneKb(dataDir) {
  const path = join(dataDir, 'one-kb.txt');
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    const line = 'It was the best of times, it was the worst of times, it was the age of wisdom\n';
    writeFileSync(path, line.repeat(Math.ceil(1024 / line.length)).slice(0, 1023) + '\n');
  }
  return { path, bytes: statSync(path).size };
}
