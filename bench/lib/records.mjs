// The sort scenario's data: TeraSort-shaped records and a validator of sorted output.
// A record is one 100-byte line: a 10-byte random key of printable ASCII (no backslash, so
// gomr's output escaping leaves it as it is), a tab, an 88-byte value (the row number in 16
// hex digits and 72 filler letters), a newline. The checksum is order-independent: the sum,
// modulo 2^52, of a 32-bit FNV-1a hash of each line's bytes (newline excluded).
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const RECORD_BYTES = 100;
export const KEY_BYTES = 10;
const MOD = 2 ** 52;
/** Key bytes: printable ASCII 33..126 without the backslash (92). */
const KEY_CHARS = Buffer.from([...Array(94)].map((_, i) => 33 + i).filter((c) => c !== 92));

/**
 * One file of `bytes / 100` records in dataDir, made once (seeded, so every run sorts the
 * same data) and reused. Returns { path, bytes, records, checksum, description }.
 */
export function teraRecords(dataDir, bytes, { seed = 7 } = {}) {
  const records = Math.floor(bytes / RECORD_BYTES);
  const path = join(dataDir, `tera-${records}.txt`);
  const meta = `${path}.done`;
  if (!existsSync(meta)) {
    mkdirSync(dataDir, { recursive: true });
    const fd = openSync(`${path}.tmp`, 'w');
    const perChunk = 40_000;
    const buf = Buffer.allocUnsafe(perChunk * RECORD_BYTES);
    let s = seed >>> 0 || 1;
    let sum = 0;
    for (let r = 0; r < records; ) {
      const n = Math.min(perChunk, records - r);
      for (let k = 0; k < n; k++, r++) {
        const o = k * RECORD_BYTES;
        for (let b = 0; b < KEY_BYTES; b++) {
          // xorshift32: fast, seeded, good enough for uniform keys.
          s ^= s << 13;
          s ^= s >>> 17;
          s ^= s << 5;
          buf[o + b] = KEY_CHARS[(s >>> 0) % KEY_CHARS.length];
        }
        buf[o + KEY_BYTES] = 9;
        buf.write(r.toString(16).padStart(16, '0'), o + KEY_BYTES + 1, 'latin1');
        buf.fill(65 + (r % 26), o + KEY_BYTES + 17, o + RECORD_BYTES - 1);
        buf[o + RECORD_BYTES - 1] = 10;
        sum = (sum + lineHash(buf, o, o + RECORD_BYTES - 1)) % MOD;
      }
      writeSync(fd, buf, 0, n * RECORD_BYTES);
    }
    closeSync(fd);
    renameSync(`${path}.tmp`, path);
    writeFileSync(meta, JSON.stringify({ records, checksum: sum }));
  }
  const { checksum } = JSON.parse(readFileSync(meta, 'utf8'));
  return {
    path,
    bytes: records * RECORD_BYTES,
    records,
    checksum,
    description: `${records} generated 100-byte records (10-byte random keys, TeraSort's shape), one file`,
  };
}

function lineHash(buf, from, to) {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return h >>> 0;
}

/** -1, 0, 1: the key (bytes before the tab) of line a against line b's, in byte order. */
function compareKeys(a, aFrom, aEnd, b, bFrom, bEnd) {
  const ta = a.indexOf(9, aFrom);
  const tb = b.indexOf(9, bFrom);
  const ea = ta >= 0 && ta < aEnd ? ta : aEnd;
  const eb = tb >= 0 && tb < bEnd ? tb : bEnd;
  const n = Math.min(ea - aFrom, eb - bFrom);
  for (let i = 0; i < n; i++) {
    const d = a[aFrom + i] - b[bFrom + i];
    if (d) return d < 0 ? -1 : 1;
  }
  return Math.sign(ea - aFrom - (eb - bFrom));
}

/**
 * Reads a file of lines once: { records, checksum, sorted (by key, in byte order), firstKey,
 * lastKey, firstUnsorted (line number) }.
 */
export function scanSorted(path) {
  const fd = openSync(path, 'r');
  let buf = Buffer.allocUnsafe(4 << 20);
  let have = 0;
  let records = 0;
  let sum = 0;
  let sorted = true;
  let firstUnsorted = -1;
  let firstKey = null;
  let prev = Buffer.alloc(0);
  const keyOf = (b, from, end) => {
    const t = b.indexOf(9, from);
    return b.toString('latin1', from, t >= 0 && t < end ? t : end);
  };
  try {
    for (;;) {
      const got = readSync(fd, buf, have, buf.length - have, null);
      const end = have + got;
      let at = 0;
      for (;;) {
        let nl = buf.indexOf(10, at);
        if (nl < 0 || nl >= end) {
          if (got === 0 && at < end) nl = end; // a last line without its newline
          else break;
        }
        if (records === 0) firstKey = keyOf(buf, at, nl);
        else if (sorted && compareKeys(prev, 0, prev.length, buf, at, nl) > 0) {
          sorted = false;
          firstUnsorted = records;
        }
        sum = (sum + lineHash(buf, at, nl)) % MOD;
        records++;
        // The previous line, copied: the buffer moves on.
        if (nl - at > prev.length || prev.length === 0) prev = Buffer.allocUnsafe(Math.max(nl - at, 128));
        buf.copy(prev, 0, at, nl);
        prev = prev.subarray(0, nl - at);
        at = nl + 1;
      }
      if (got === 0) break;
      buf.copy(buf, 0, at, end);
      have = end - at;
      if (have === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]);
    }
  } finally {
    closeSync(fd);
  }
  return { records, checksum: sum, sorted, firstUnsorted, firstKey, lastKey: records ? prev.toString('latin1').split('\t')[0] : null };
}

/**
 * Checks sorted output against its input: every file sorted by key, the record count and
 * checksum equal the input's, and with `totalOrder` each file's first key not below the last
 * key of the one before. Returns null when it all holds, else a one-line description.
 */
export function validateSorted(files, input, { totalOrder = false } = {}) {
  let records = 0;
  let sum = 0;
  let last = null;
  for (const f of files) {
    const s = scanSorted(f);
    if (!s.sorted) return `${f}: not sorted by key at line ${s.firstUnsorted + 1}`;
    if (totalOrder && last !== null && s.firstKey !== null && Buffer.compare(Buffer.from(last, 'latin1'), Buffer.from(s.firstKey, 'latin1')) > 0) {
      return `${f}: first key ${JSON.stringify(s.firstKey)} is below the previous part's last ${JSON.stringify(last)}`;
    }
    if (s.records) last = s.lastKey;
    records += s.records;
    sum = (sum + s.checksum) % MOD;
  }
  if (records !== input.records) return `${records} records, the input has ${input.records}`;
  if (sum !== input.checksum) return `checksum ${sum}, the input's is ${input.checksum}: records changed`;
  return null;
}
