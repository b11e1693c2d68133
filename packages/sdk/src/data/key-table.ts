import { JsonText } from './json-text.js';
import { NotJsonValueError, type JsonValue } from './json-value.js';

/** A value as the map side holds it: scalars as they are, arrays and objects as JSON text. */
export type Stored = string | number | boolean | null | JsonText;

/** `count` copies of one number, in emit order: how repeated numbers are held. */
class Run {
  constructor(
    readonly value: number,
    readonly count: number,
  ) {}
}

// Memory estimates, measured (heap after a full GC, per key, 300k keys) on Node 20 x64, whose
// V8 has no pointer compression (8-byte slots); see test/data/key-table-memory.test.ts.
/**
 * Per distinct short key: its slots in `keys`, `heads` and `hashes`, 24 bytes in `nums`
 * (doubling: half spare on average) and the key string's header. Its index entries are
 * counted as the index grows. Measured (with the index) 0.96-1.03x the estimate.
 */
export const KEY_OVERHEAD = 88;
/**
 * Per distinct long key (longer than SHORT_KEY): as KEY_OVERHEAD, with a Map entry (and the
 * Map's spare room) for an index entry. Measured 128-132 + length.
 */
const LONG_KEY_OVERHEAD = 128;
/**
 * Extra for a key of LONG_STRING characters or more: detach() gives it a copy of its own,
 * which V8 holds as a sliced string over a flat one (two headers). Measured 160 + length.
 */
export const LONG_KEY_EXTRA = 32;
/** Strings this long can share a larger string's memory (V8's SlicedString::kMinLength). */
const LONG_STRING = 13;
/**
 * Heap bytes of a key's list of `n` values (`heads`), slots included, values not. One value
 * is held alone, in the key's slot of `heads` (no list: a sort's unique keys with one value
 * each save 56 bytes a record). From two on, a JS array (32 bytes) and its backing store
 * (16 + 8 per slot of room), made as [first] (room for 1) and pushed to: V8 grows it to
 * room + room/2 + 16: 17, 41, ... (beyond 17 slots: 8 per value + half as much spare on
 * average). Measured: 184 for 2 to 17.
 */
function listBytes(n: number): number {
  return n <= 1 ? 0 : n <= 17 ? 184 : 184 + 12 * (n - 17);
}

/** What `heads` holds for a slot: nothing, one item alone, or a list (Stored is never an array). */
type Head = Stored | Run | (Stored | Run)[] | undefined;
/** A Run object in a list (a repeated number that is no longer the trailing run). Measured 41. */
const RUN_SIZE = 40;

/** A copy of `a` with twice the room. */
function grownInt32(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(a.length * 2);
  grown.set(a);
  return grown;
}

/** Heap bytes of a value held in a list, beyond its slot. */
function storedSize(v: Stored): number {
  switch (typeof v) {
    case 'string':
      // Short: a flat string (16-byte header). Long: detached, a sliced + a flat string.
      return v.length < LONG_STRING ? 16 + v.length : 56 + v.length;
    case 'object':
      // JsonText object (32) + its flat string (16 + length). Measured 56 for '{"a":1}'.
      return v === null ? 0 : 48 + v.text.length;
    case 'number':
      // A small integer lives in its slot; any other number is a HeapNumber (16).
      return (v | 0) === v ? 0 : 16;
    default:
      return 0;
  }
}

/**
 * A string cut out of a larger one (a word of the chunk the mapper got) can share the larger
 * string's memory and keep all of it alive while we hold the word. V8 shares only for
 * lengths >= 13; for those, force a copy (concatenation then slice flattens into a new
 * string), so memory held is what the estimate counts.
 */
export function detach(s: string): string {
  return s.length < LONG_STRING ? s : (' ' + s).slice(1);
}

/** A value as held: numbers, strings, booleans and null as they are; arrays and objects as JSON text. */
export function toStored(v: JsonValue): Stored {
  switch (typeof v) {
    case 'number':
    case 'boolean':
      return v;
    case 'string':
      return detach(v);
    case 'object': {
      if (v === null) return null;
      const text = JSON.stringify(v) as string | undefined;
      if (typeof text !== 'string') throw new NotJsonValueError('value', 'an object whose toJSON returned undefined');
      return new JsonText(text);
    }
    default:
      throw new NotJsonValueError('value', v === undefined ? 'undefined' : `a ${typeof v}`);
  }
}

export function toValue(s: Stored): JsonValue {
  return typeof s === 'object' && s !== null ? (JSON.parse(s.text) as JsonValue) : s;
}

/** Per slot in `nums`: the value of the trailing run, its length, and the slot's value count. */
const STRIDE = 3;

/**
 * Keys up to this many UTF-16 units are found through the table's own hash index; longer
 * ones through a Map, whose string hash V8 computes once and caches on the string (our own
 * hash is recomputed per lookup, fine for words, wasteful for long keys emitted as one
 * string object again and again).
 */
const SHORT_KEY = 32;
/**
 * A per-process random seed for the short-key hash, so that which keys collide cannot be
 * worked out from the input alone.
 */
const HASH_SEED = (Math.random() * 0x100000000) | 0;
/** Index entries (two int32s each: hash and slot + 1, 0 when empty) a new table starts with. */
const INDEX_START = 1024;

/**
 * The map side's table: every buffered key with its values in emit order, in a layout made
 * for the common case of MapReduce, number values that repeat (word count emits 1s).
 *
 * Each key has a slot number, found through an open-addressing index for short keys (a flat
 * Int32Array of hash and slot pairs, linear probing, at most half full) and through a Map for
 * long ones. Word count's keys are fresh strings cut by the mapper's split, so V8's Map must
 * hash each one and then follow pointers into its own table; the flat index is one or two
 * cache lines per lookup and took 40-50% less time than Map.get over 25 MB of books (the
 * lookup was 40% of a word-count map task). Per slot, a Float64Array holds a trailing run of
 * one repeated number (value and count) and the slot's value count, so emitting a number the
 * key's last value equals is a lookup and an increment, with no allocation. Other values
 * (strings, objects, a number that differs from the run) go to the slot's `head` list, before
 * the run. Memory per key is its index entries, 24 bytes in the Float64Array and the key,
 * however often it repeats.
 */
export class KeyTable {
  /** slot -> key */
  readonly keys: string[] = [];
  /** Estimated bytes held. */
  bytes = 0;
  /** Values held in all slots. */
  values = 0;
  /** Open-addressing index of the short keys: [hash, slot + 1] per entry. */
  private index = new Int32Array(2 * INDEX_START);
  private indexMask = INDEX_START - 1;
  /** Short keys in the index (it grows at half full). */
  private indexed = 0;
  /** slot -> hash of its key (short keys), for rebuilding the index when it grows. */
  private hashes = new Int32Array(INDEX_START);
  /** long key -> slot */
  private readonly longIndex = new Map<string, number>();
  private nums = new Float64Array(STRIDE * 64);
  /** slot -> values before the trailing run (Stored, or a Run of an earlier number), or undefined */
  private heads: Head[] = [];

  get size(): number {
    return this.keys.length;
  }

  /** The slot of `key`, created (empty) if the key is new. */
  slot(key: string): number {
    const n = key.length;
    if (n > SHORT_KEY) return this.longSlot(key);
    // FNV-1a over UTF-16 units, then the high bits folded into the low ones the mask keeps.
    let h = HASH_SEED;
    for (let k = 0; k < n; k++) h = Math.imul(h ^ key.charCodeAt(k), 0x01000193);
    h ^= h >>> 15;
    const index = this.index;
    const mask = this.indexMask;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const s = index[2 * p + 1]!;
      if (s === 0) return this.newShortSlot(key, h, p);
      if (index[2 * p] === h && this.keys[s - 1] === key) return s - 1;
    }
  }

  private longSlot(key: string): number {
    const i = this.longIndex.get(key);
    if (i !== undefined) return i;
    const k = detach(key);
    const slot = this.newSlot(k);
    this.longIndex.set(k, slot);
    return slot;
  }

  /** Adds a short key whose probe ended at the empty index entry p. */
  private newShortSlot(key: string, h: number, p: number): number {
    const i = this.newSlot(detach(key));
    this.index[2 * p] = h;
    this.index[2 * p + 1] = i + 1;
    this.hashes[i] = h;
    if (2 * ++this.indexed > this.indexMask + 1) this.growIndex();
    return i;
  }

  /** Doubles the index and puts every short key back. */
  private growIndex(): void {
    const entries = 2 * (this.indexMask + 1);
    const index = new Int32Array(2 * entries);
    const mask = entries - 1;
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i]!.length > SHORT_KEY) continue;
      const h = this.hashes[i]!;
      let p = h & mask;
      while (index[2 * p + 1] !== 0) p = (p + 1) & mask;
      index[2 * p] = h;
      index[2 * p + 1] = i + 1;
    }
    this.bytes += 8 * (entries - (this.indexMask + 1));
    this.index = index;
    this.indexMask = mask;
  }

  /** Gives the (detached) key k the next slot, with no values. */
  private newSlot(k: string): number {
    const i = this.keys.length;
    this.keys.push(k);
    this.heads.push(undefined);
    // Every slot has room in `hashes` (a long key's stays unused), so it grows one slot at a
    // time, as `nums` does: sized by short keys only, a run of long keys could outgrow one doubling.
    if (i >= this.hashes.length) this.hashes = grownInt32(this.hashes);
    if (STRIDE * (i + 1) > this.nums.length) {
      const grown = new Float64Array(this.nums.length * 2);
      grown.set(this.nums);
      this.nums = grown;
    }
    const j = STRIDE * i;
    this.nums[j + 1] = 0;
    this.nums[j + 2] = 0;
    this.bytes += (k.length > SHORT_KEY ? LONG_KEY_OVERHEAD : KEY_OVERHEAD) + (k.length < LONG_STRING ? k.length : LONG_KEY_EXTRA + k.length);
    return i;
  }

  /** Values held for slot i. */
  count(i: number): number {
    return this.nums[STRIDE * i + 2]!;
  }

  /** Items in slot i's list, before its run (a run of an earlier number counts as one). */
  listLength(i: number): number {
    const head = this.heads[i];
    return head === undefined ? 0 : Array.isArray(head) ? head.length : 1;
  }

  /** Appends a value to slot i (callers validate it); returns the slot's value count. */
  put(i: number, value: JsonValue): number {
    const s = this.nums;
    const j = STRIDE * i;
    const run = s[j + 1]!;
    if (typeof value === 'number') {
      // Same number as the run's (Object.is: -0 and 0 differ; NaN starts a run of its own).
      // The trailing run lives in `nums`: it costs nothing beyond the key's own overhead.
      if (run > 0 && s[j] === value && (value !== 0 || 1 / value === 1 / s[j]!)) {
        s[j + 1] = run + 1;
      } else {
        if (run > 0) this.flushRun(i, s[j]!, run);
        s[j] = value;
        s[j + 1] = 1;
      }
    } else {
      if (run > 0) {
        this.flushRun(i, s[j]!, run);
        s[j + 1] = 0;
      }
      const stored = toStored(value);
      this.push(i, stored, storedSize(stored));
    }
    this.values++;
    return (s[j + 2] = s[j + 2]! + 1);
  }

  /** Moves the trailing run into the head list. */
  private flushRun(i: number, value: number, count: number): void {
    if (count === 1) this.push(i, value, storedSize(value));
    else this.push(i, new Run(value, count), RUN_SIZE);
  }

  /** Appends to slot i's items (alone, then a list from the second), counting `size` bytes besides the slot. */
  private push(i: number, item: Stored | Run, size: number): void {
    const head = this.heads[i];
    let n = 0;
    if (head === undefined) this.heads[i] = item;
    else if (Array.isArray(head)) n = head.push(item) - 1;
    else {
      // Made as [first] and pushed to, so the list grows as listBytes counts.
      const list: (Stored | Run)[] = [head];
      list.push(item);
      this.heads[i] = list;
      n = 1;
    }
    this.bytes += listBytes(n + 1) - listBytes(n) + size;
  }

  /** Calls fn with each value of slot i, as held, in emit order. */
  each(i: number, fn: (v: Stored) => void): void {
    const head = this.heads[i];
    if (head !== undefined) {
      if (Array.isArray(head)) {
        for (const v of head) {
          if (v instanceof Run) for (let n = 0; n < v.count; n++) fn(v.value);
          else fn(v);
        }
      } else if (head instanceof Run) {
        for (let n = 0; n < head.count; n++) fn(head.value);
      } else {
        fn(head);
      }
    }
    const j = STRIDE * i;
    const run = this.nums[j + 1]!;
    if (run > 0) {
      const value = this.nums[j]!;
      for (let n = 0; n < run; n++) fn(value);
    }
  }

  /** Removes and returns the values of slot i, as JSON values (objects parsed), in emit order. */
  take(i: number): JsonValue[] {
    const out: JsonValue[] = new Array(this.count(i));
    let n = 0;
    this.each(i, (v) => {
      out[n++] = toValue(v);
    });
    this.clear(i);
    return out;
  }

  /** Empties slot i (the key stays, with no values). */
  private clear(i: number): void {
    const j = STRIDE * i;
    const head = this.heads[i];
    if (head !== undefined) {
      let freed = 0;
      if (Array.isArray(head)) {
        freed = listBytes(head.length);
        for (const v of head) freed += v instanceof Run ? RUN_SIZE : storedSize(v);
      } else {
        freed = head instanceof Run ? RUN_SIZE : storedSize(head);
      }
      this.heads[i] = undefined;
      this.bytes -= freed;
    }
    this.values -= this.nums[j + 2]!;
    this.nums[j + 1] = 0;
    this.nums[j + 2] = 0;
  }
}
