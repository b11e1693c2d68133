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

// Memory estimates (V8, 64-bit, pointer compression): rough, but proportional to reality.
/** Per distinct key: Map entry (with the table's spare room), slot, key string header. */
export const KEY_OVERHEAD = 128;
/** Per value held in a key's list of values (a run of equal numbers counts as one). */
export const VALUE_OVERHEAD = 8;

function storedSize(v: Stored): number {
  switch (typeof v) {
    case 'string':
      return 24 + v.length;
    case 'object':
      return v === null ? 0 : 40 + v.text.length;
    default:
      return 12;
  }
}

/**
 * A string cut out of a larger one (a word of the chunk the mapper got) can share the larger
 * string's memory and keep all of it alive while we hold the word. V8 shares only for
 * lengths >= 13; for those, force a copy (concatenation then slice flattens into a new
 * string), so memory held is what the estimate counts.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
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
 * The map side's table: every buffered key with its values in emit order, in a layout made
 * for the common case of MapReduce, number values that repeat (word count emits 1s).
 *
 * A Map gives each key a slot number (a small integer, held inline in the Map: no object to
 * follow); per slot, a Float64Array holds a trailing run of one repeated number (value and
 * count) and the slot's value count, so emitting a number the key's last value equals is a
 * Map lookup and an increment, with no allocation. Other values (strings, objects, a number
 * that differs from the run) go to the slot's `head` list, before the run. Memory per key is
 * the Map entry, 24 bytes in the Float64Array and the key, however often it repeats.
 */
export class KeyTable {
  /** key -> slot */
  readonly index = new Map<string, number>();
  /** slot -> key */
  readonly keys: string[] = [];
  /** Estimated bytes held. */
  bytes = 0;
  /** Values held in all slots. */
  values = 0;
  private nums = new Float64Array(STRIDE * 64);
  /** slot -> values before the trailing run (Stored, or a Run of an earlier number), or undefined */
  private heads: ((Stored | Run)[] | undefined)[] = [];

  get size(): number {
    return this.keys.length;
  }

  /** The slot of `key`, created (empty) if the key is new. */
  slot(key: string): number {
    const i = this.index.get(key);
    return i === undefined ? this.newSlot(key) : i;
  }

  private newSlot(key: string): number {
    const i = this.keys.length;
    const k = detach(key);
    this.keys.push(k);
    this.index.set(k, i);
    this.heads.push(undefined);
    if (STRIDE * (i + 1) > this.nums.length) {
      const grown = new Float64Array(this.nums.length * 2);
      grown.set(this.nums);
      this.nums = grown;
    }
    const j = STRIDE * i;
    this.nums[j + 1] = 0;
    this.nums[j + 2] = 0;
    this.bytes += KEY_OVERHEAD + key.length;
    return i;
  }

  /** Values held for slot i. */
  count(i: number): number {
    return this.nums[STRIDE * i + 2]!;
  }

  /** Items in slot i's list, before its run (a run of an earlier number counts as one). */
  listLength(i: number): number {
    return this.heads[i]?.length ?? 0;
  }

  /** Appends a value to slot i (callers validate it); returns the slot's value count. */
  put(i: number, value: JsonValue): number {
    const s = this.nums;
    const j = STRIDE * i;
    const run = s[j + 1]!;
    if (typeof value === 'number') {
      // Same number as the run's (Object.is: -0 and 0 differ; NaN starts a run of its own).
      if (run > 0 && s[j] === value && (value !== 0 || 1 / value === 1 / s[j]!)) {
        s[j + 1] = run + 1;
      } else {
        if (run > 0) this.flushRun(i, s[j]!, run);
        s[j] = value;
        s[j + 1] = 1;
        this.bytes += VALUE_OVERHEAD;
      }
    } else {
      if (run > 0) {
        this.flushRun(i, s[j]!, run);
        s[j + 1] = 0;
      }
      const stored = toStored(value);
      (this.heads[i] ??= []).push(stored);
      this.bytes += VALUE_OVERHEAD + storedSize(stored);
    }
    this.values++;
    return (s[j + 2] = s[j + 2]! + 1);
  }

  /** Moves the trailing run into the head list (its VALUE_OVERHEAD is already counted). */
  private flushRun(i: number, value: number, count: number): void {
    (this.heads[i] ??= []).push(count === 1 ? value : new Run(value, count));
    if (count > 1) this.bytes += 24;
  }

  /** Calls fn with each value of slot i, as held, in emit order. */
  each(i: number, fn: (v: Stored) => void): void {
    const head = this.heads[i];
    if (head) {
      for (const v of head) {
        if (v instanceof Run) for (let n = 0; n < v.count; n++) fn(v.value);
        else fn(v);
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
    let freed = this.nums[j + 1]! > 0 ? VALUE_OVERHEAD : 0;
    if (head) {
      for (const v of head) freed += VALUE_OVERHEAD + (v instanceof Run ? 24 : storedSize(v));
      this.heads[i] = undefined;
    }
    this.bytes -= freed;
    this.values -= this.nums[j + 2]!;
    this.nums[j + 1] = 0;
    this.nums[j + 2] = 0;
  }
}
