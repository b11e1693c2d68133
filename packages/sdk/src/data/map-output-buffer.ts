import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { batched, DEFAULT_BATCH, type Batched } from './batched.js';
import { JsonText } from './json-text.js';
import { NotJsonValueError, type JsonValue } from './json-value.js';
import { mergeSorted } from './kway-merge.js';
import type { Rec } from './rec.js';
import { RunEncoder, readRunBatches } from './record-codec.js';
import { compareUtf8 } from './utf8-compare.js';
import { BackpressureWriter } from './write-with-backpressure.js';

/** A combiner as the data path calls it; it may emit any pairs, usually for its own key. */
export type Combiner = (
  key: string,
  values: JsonValue[],
  emit: (key: string, value: JsonValue) => void,
) => void | PromiseLike<void>;

export interface MapOutputBufferOptions {
  /** Number of partitions (reduce tasks). */
  reducers: number;
  /** Partition of a key, an integer in [0, reducers). */
  partition: (key: string, reducers: number) => number;
  combiner?: Combiner;
  /** Estimated memory at which the owner should spill; default 64 MiB. */
  spillBytes?: number;
  /** Directory for spill runs (created when first needed). */
  spillDir: string;
  /**
   * Values one key collects before a synchronous combiner folds them; default 16 (a V8
   * array grown from one element holds 17 without reallocating; measured fastest).
   */
  eagerCombineValues?: number;
  /** Most runs merged at once; more are merged in passes first (bounds open files); default 64. */
  mergeFactor?: number;
}

/**
 * One partition of the map output, sorted by key. `empty` is true when it has no records
 * (when false, a combiner may still have reduced it to none).
 */
export interface SortedPartition extends Batched<Rec> {
  readonly empty: boolean;
}

export const DEFAULT_SPILL_BYTES = 64 * 1024 * 1024;

/** A value as the buffer holds it: scalars as they are, arrays and objects as JSON text. */
type Stored = string | number | boolean | null | JsonText;

/**
 * A key's buffered values in emit order: a single value held as it is (most keys of a large
 * vocabulary are emitted once; no array for them), two or more in an array. A Stored value is
 * never an array (arrays are JsonText), so Array.isArray tells the two apart.
 */
type Slot = Stored | Stored[];

/** Memory taken out of the buffer: its keys grouped by partition and sorted, with their slots. */
interface SortedMemory {
  table: Map<string, Slot>;
  /** Per partition, its distinct keys in compareUtf8 order. */
  keys: string[][];
}

// Memory estimates (V8, 64-bit, pointer compression): rough, but proportional to reality.
/** Per distinct key: Map entry (with the table's spare room), values array, key string header. */
const KEY_OVERHEAD = 128;
/** Per value held in a key's values array. */
const VALUE_OVERHEAD = 8;

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
 * A string cut out of a larger one (a word of the chunk the mapper got) can share the
 * larger string's memory and keep all of it alive while we hold the word. V8 shares only
 * for lengths >= 13; for those, force a copy (concatenation then slice flattens into a new
 * string), so memory held is what the estimate counts.
 */
function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

function toStored(v: JsonValue): Stored {
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

function toValue(s: Stored): JsonValue {
  return typeof s === 'object' && s !== null ? (JSON.parse(s.text) as JsonValue) : s;
}

/** A private copy of what a combiner emitted, so later mutation of its objects is harmless. */
function snapshot(v: JsonValue): JsonValue {
  return typeof v === 'object' && v !== null ? (toValue(toStored(v)) as JsonValue) : v;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}


/**
 * The map side's in-memory collector: partitions emitted pairs, combines, sorts, spills to
 * local run files when memory fills, and at the end serves one sorted stream per partition.
 *
 * One Map holds every buffered key with its values in emit order; partitions are computed
 * once per distinct key, when spilling. A spill or finish sorts only the distinct keys
 * (compareUtf8) and writes each key's values in emit order: a stable sort of the records,
 * at a fraction of the comparisons, since map output keys repeat (that is what reduce is for).
 *
 * Memory: what the heap holds is the table and little else. A key emitted once holds its
 * value without an array; an eager combine writes its output back into the key's own array
 * (which V8 has usually moved to the old generation by then) instead of replacing it, so hot
 * keys leave no garbage behind in the old generation; and spill and finish sort an array of
 * keys and combine in place, with no per-key copies.
 *
 * With a combiner, a synchronous combiner folds a key's values in place once it has
 * `eagerCombineValues` of them, so a key emitted a million times costs a few values, not a
 * million. Whether the combiner is synchronous is
 * learned from its first call (it did not return a thenable); an asynchronous combiner runs
 * only at spill and finish time, where it can be awaited. Combiner output is routed by
 * partition like mapper output. At spill and finish every key with two or more values is
 * combined once more; finish also combines equal keys met while merging spill runs.
 *
 * `add` is synchronous (it runs inside the mapper's ctx.emit) and cannot wait for I/O: when
 * the memory estimate passes spillBytes it sets `needsSpill`, and the owner calls
 * `await spillIfFull()` between mapper calls. Each spill writes one sorted run per
 * non-empty partition into spillDir. Callers validate values (checkJsonValue) before add.
 */
export class MapOutputBuffer {
  /** Pairs the mapper emitted. */
  mapOutputRecords = 0;
  /** Values given to the combiner, and pairs it emitted (all combine rounds). */
  combineInputRecords = 0;
  combineOutputRecords = 0;
  /** Spills so far, and the bytes and records they wrote. */
  spills = 0;
  spilledBytes = 0;
  spilledRecords = 0;
  /** Set when memory passed spillBytes: the owner should `await spillIfFull()`. */
  needsSpill = false;

  private readonly reducers: number;
  private readonly partition: (key: string, reducers: number) => number;
  private readonly combiner: Combiner | undefined;
  private readonly spillBytes: number;
  private readonly spillDir: string;
  private readonly eagerValues: number;
  private readonly mergeFactor: number;

  private memBytes = 0;
  private buffered = 0;
  /** Every buffered key (of all partitions) with its values. */
  private table = new Map<string, Slot>();
  /** While a synchronous combine runs on a key: the key, and its array being refilled. */
  private refillKey: string | null = null;
  private refill: Stored[] = [];
  private refilled = 0;
  /** null until the combiner's first call tells. */
  private combinerSync: boolean | null = null;
  private pending: Promise<void>[] = [];
  private asyncError: { error: unknown } | null = null;

  private readonly runs: string[][] = [];
  private readonly files = new Set<string>();
  private readonly filePrefix = `gomr-${process.pid}-${randomBytes(4).toString('hex')}`;
  private fileSeq = 0;
  private finished = false;

  constructor(options: MapOutputBufferOptions) {
    if (!Number.isInteger(options.reducers) || options.reducers < 1) {
      throw new RangeError(`reducers must be a positive integer, got ${options.reducers}`);
    }
    this.reducers = options.reducers;
    this.partition = options.partition;
    this.combiner = options.combiner;
    this.spillBytes = options.spillBytes ?? DEFAULT_SPILL_BYTES;
    this.spillDir = options.spillDir;
    this.eagerValues = Math.max(2, options.eagerCombineValues ?? 16);
    this.mergeFactor = Math.max(2, options.mergeFactor ?? 64);
    for (let p = 0; p < this.reducers; p++) this.runs.push([]);
    this.resetMemory();
  }

  /** Estimated bytes held in memory now. */
  get memoryBytes(): number {
    return this.memBytes;
  }

  private resetMemory(): void {
    this.table = new Map();
    this.memBytes = 0;
    this.buffered = 0;
    this.needsSpill = false;
  }

  private partitionOf(key: string): number {
    if (this.reducers === 1) return 0;
    const p = this.partition(key, this.reducers);
    if (p >>> 0 !== p || p >= this.reducers) {
      throw new RangeError(`partition ${String(p)} for key ${JSON.stringify(key)} is not an integer in [0, ${this.reducers})`);
    }
    return p;
  }

  /** Buffers one emitted pair. Synchronous; may run a synchronous combiner. */
  add(key: string, value: JsonValue): void {
    if (this.finished) throw new Error('MapOutputBuffer.add after finish()');
    if (typeof key !== 'string') throw new TypeError(`emit: the key must be a string, got ${key === null ? 'null' : typeof key}`);
    const stored = typeof value === 'number' ? value : toStored(value);
    this.mapOutputRecords++;
    this.buffered++;
    // One hash lookup per emit (a second, with the hash cached, when a key gets its second value).
    const slot = this.table.get(key);
    if (slot === undefined) {
      this.table.set(detach(key), stored);
      this.memBytes += KEY_OVERHEAD + key.length + storedSize(stored);
    } else if (Array.isArray(slot)) {
      slot.push(stored);
      this.memBytes += VALUE_OVERHEAD + storedSize(stored);
      if (slot.length >= this.eagerValues && this.combiner && this.combinerSync !== false) {
        this.combineInPlace(key, slot);
      }
    } else {
      this.table.set(key, [slot, stored]);
      this.memBytes += VALUE_OVERHEAD + storedSize(stored);
    }
    if (this.memBytes >= this.spillBytes) this.needsSpill = true;
  }

  /** Folds one key's values with the combiner, leaving its output in their place. */
  private combineInPlace(key: string, list: Stored[]): void {
    // The combiner gets a copy (objects parsed); what it emits for `key` is written back into
    // `list` itself, so the array, long-lived and likely in the old generation, is reused.
    const values = list.slice() as JsonValue[];
    let freed = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as Stored;
      freed += VALUE_OVERHEAD + storedSize(v);
      if (typeof v === 'object' && v !== null) values[i] = toValue(v);
    }
    this.memBytes -= freed;
    this.buffered -= values.length;
    this.combineInputRecords += values.length;
    this.refillKey = key;
    this.refill = list;
    this.refilled = 0;
    let r: void | PromiseLike<void>;
    try {
      r = this.combiner!(key, values, this.emitToMemory);
    } finally {
      this.refillKey = null;
      this.refill = [];
    }
    // A combiner that emitted nothing for the key leaves it with no values.
    if (this.refilled === 0) {
      this.table.delete(key);
      this.memBytes -= KEY_OVERHEAD + key.length;
    } else {
      list.length = this.refilled;
    }
    if (isThenable(r)) {
      // Asynchronous: let it finish in the background, collected before the next spill. Its
      // later emits take the ordinary path.
      this.combinerSync = false;
      this.pending.push(
        Promise.resolve(r).then(
          () => undefined,
          (error: unknown) => {
            this.asyncError ??= { error };
          },
        ),
      );
    } else {
      this.combinerSync = true;
    }
    this.needsSpill = this.memBytes >= this.spillBytes;
  }

  /** Where an eager combine's output goes: back into the table. */
  private readonly emitToMemory = (k: string, v: JsonValue): void => {
    this.combineOutputRecords++;
    this.buffered++;
    const stored = toStored(v);
    this.memBytes += VALUE_OVERHEAD + storedSize(stored);
    if (k === this.refillKey) {
      this.refill[this.refilled++] = stored;
      return;
    }
    const slot = this.table.get(k);
    if (slot === undefined) {
      this.table.set(detach(k), stored);
      this.memBytes += KEY_OVERHEAD + k.length;
    } else if (Array.isArray(slot)) {
      slot.push(stored);
    } else {
      this.table.set(k, [slot, stored]);
    }
  };

  /** Waits for background combines; rethrows the first error one of them had. */
  private async settle(): Promise<void> {
    while (this.pending.length) await Promise.all(this.pending.splice(0));
    if (this.asyncError) throw this.asyncError.error;
  }

  /** Spills if `needsSpill` is set. */
  async spillIfFull(): Promise<void> {
    if (this.needsSpill) await this.spill();
  }

  /** Writes everything in memory as one sorted (and combined) run per non-empty partition. */
  async spill(): Promise<void> {
    await this.settle();
    if (this.buffered === 0) {
      this.needsSpill = false;
      return;
    }
    const sorted = await this.takeSorted();
    await mkdir(this.spillDir, { recursive: true });
    const spill = this.spills++;
    for (let p = 0; p < this.reducers; p++) {
      const keys = sorted.keys[p]!;
      if (keys.length === 0) continue;
      const path = this.newFile(`s${spill}-p${p}`);
      const { bytes, records } = await writeRunFile(path, keys, sorted.table);
      this.runs[p]!.push(path);
      this.spilledBytes += bytes;
      this.spilledRecords += records;
    }
  }

  /**
   * Takes the table out of the buffer: its keys grouped by partition and sorted, every key
   * with two or more values combined in place when there is a combiner.
   */
  private async takeSorted(): Promise<SortedMemory> {
    const table = this.table;
    this.resetMemory();
    // Distinct keys per partition, sorted; no two are equal, so no tie rule is needed.
    const keys: string[][] = [];
    if (this.reducers === 1) keys.push([...table.keys()]);
    else {
      for (let p = 0; p < this.reducers; p++) keys.push([]);
      for (const key of table.keys()) keys[this.partitionOf(key)]!.push(key);
    }
    for (const k of keys) k.sort(compareUtf8);
    const combiner = this.combiner;
    if (!combiner) return { table, keys };

    // Each key's combined output replaces its values. Output for another key joins that key's
    // values (combining is optional: whether it is combined again does not matter); a key the
    // table did not have is added to its partition, which is then sorted again.
    let current = '';
    let out: Stored[] = [];
    const added: string[][] = keys.map(() => []);
    const emit = (k: string, v: JsonValue): void => {
      this.combineOutputRecords++;
      const stored = toStored(v);
      if (k === current) {
        out.push(stored);
        return;
      }
      const slot = table.get(k);
      if (slot === undefined) {
        table.set(detach(k), stored);
        added[this.partitionOf(k)]!.push(k);
      } else if (Array.isArray(slot)) slot.push(stored);
      else table.set(k, [slot, stored]);
    };
    for (let p = 0; p < this.reducers; p++) {
      for (const key of keys[p]!) {
        const list = table.get(key);
        if (!Array.isArray(list) || list.length < 2) continue; // nothing to fold
        this.combineInputRecords += list.length;
        const values = list.map(toValue);
        current = key;
        out = list;
        list.length = 0;
        const r = combiner(key, values, emit);
        if (isThenable(r)) {
          this.combinerSync = false;
          await r;
        } else if (this.combinerSync === null) {
          this.combinerSync = true;
        }
        current = '';
      }
    }
    for (let p = 0; p < this.reducers; p++) {
      if (added[p]!.length) keys[p] = keys[p]!.concat(added[p]!).sort(compareUtf8);
    }
    return { table, keys };
  }

  private newFile(tag: string): string {
    const path = join(this.spillDir, `${this.filePrefix}-${this.fileSeq++}-${tag}.run`);
    this.files.add(path);
    return path;
  }

  /**
   * Ends the map output: returns, for each partition, its records sorted by key (stable:
   * equal keys in emit order), merging memory with the partition's spill runs. Read each
   * result once; `cleanup()` afterwards.
   */
  async finish(): Promise<SortedPartition[]> {
    if (this.finished) throw new Error('MapOutputBuffer.finish called twice');
    this.finished = true;
    await this.settle();
    const memory = await this.takeSorted();
    const result: SortedPartition[] = [];
    for (let p = 0; p < this.reducers; p++) {
      const keys = memory.keys[p]!;
      // Merge the oldest runs into one until few enough remain to open together.
      while (this.runs[p]!.length + (keys.length ? 1 : 0) > this.mergeFactor) await this.mergeOldestRuns(p);
      const sources: Batched<Rec>[] = this.runs[p]!.map(runFile);
      if (keys.length) sources.push(memoryRun(keys, memory.table));
      let stream: Batched<Rec>;
      if (sources.length === 0) stream = batched(async function* () {});
      else if (sources.length === 1) stream = sources[0]!;
      else stream = this.combiner ? this.combineAdjacent(mergeSorted(sources)) : mergeSorted(sources);
      result.push({ batches: () => stream.batches(), [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](), empty: sources.length === 0 });
    }
    return result;
  }

  /** Replaces partition p's oldest mergeFactor runs by one merged (and combined) run. */
  private async mergeOldestRuns(p: number): Promise<void> {
    const runs = this.runs[p]!;
    const oldest = runs.slice(0, this.mergeFactor);
    let merged: Batched<Rec> = mergeSorted(oldest.map(runFile));
    if (this.combiner) merged = this.combineAdjacent(merged);
    const path = this.newFile(`m${p}`);
    const out = createWriteStream(path);
    try {
      const enc = new RunEncoder();
      const writer = new BackpressureWriter(out);
      try {
        for await (const batch of merged.batches()) {
          for (const r of batch) enc.add(r.key, r.value);
          for (let c = enc.takeChunk(); c; c = enc.takeChunk()) await writer.write(c);
        }
        await writer.write(enc.finish());
      } finally {
        writer.release();
      }
      out.end();
      await finished(out);
    } catch (err) {
      out.destroy();
      throw err;
    }
    runs.splice(0, oldest.length, path);
    await Promise.all(oldest.map((f) => rm(f, { force: true })));
    for (const f of oldest) this.files.delete(f);
  }

  /**
   * Runs the combiner over each run of equal keys in a merged stream. Combining here is an
   * optimization the job cannot observe (a combiner may run any number of times), so it is
   * speculative: if the combiner emits a key other than the group's, its output would break
   * the stream's order, so it is dropped, the group's values pass through as they were, and
   * combining stops for the rest of the stream.
   */
  private combineAdjacent(merged: Batched<Rec>): Batched<Rec> {
    const combiner = this.combiner!;
    const counted = (inputs: number, outputs: number): void => {
      this.combineInputRecords += inputs;
      this.combineOutputRecords += outputs;
    };
    let active = true;
    const combineGroup = (key: string, group: JsonValue[], out: Rec[]): PromiseLike<void> | undefined => {
      if (group.length === 1 || !active) {
        for (const value of group) out.push({ key, value });
        return undefined;
      }
      const emitted: Rec[] = [];
      let foreign = false;
      const r = combiner(key, group.slice(), (k, v) => {
        if (k !== key) foreign = true;
        emitted.push({ key: k, value: snapshot(v) });
      });
      const done = (): void => {
        if (foreign) {
          active = false;
          for (const value of group) out.push({ key, value });
        } else {
          counted(group.length, emitted.length);
          for (const rec of emitted) out.push(rec);
        }
      };
      if (isThenable(r)) return r.then(done);
      done();
      return undefined;
    };
    return batched(async function* () {
      let key = '';
      let group: JsonValue[] = [];
      let out: Rec[] = [];
      for await (const batch of merged.batches()) {
        for (const rec of batch) {
          if (group.length > 0 && rec.key === key) {
            group.push(rec.value);
            continue;
          }
          if (group.length > 0) {
            const wait = combineGroup(key, group, out);
            if (wait) await wait;
          }
          key = rec.key;
          group = [rec.value];
        }
        if (out.length >= 1024) {
          yield out;
          out = [];
        }
      }
      if (group.length > 0) {
        const wait = combineGroup(key, group, out);
        if (wait) await wait;
      }
      if (out.length) yield out;
    });
  }

  /** Deletes the spill files. Safe to call more than once. */
  async cleanup(): Promise<void> {
    const files = [...this.files];
    this.files.clear();
    await Promise.all(files.map((f) => rm(f, { force: true })));
  }
}

/** A spill run as a lazily opened stream of records. */
function runFile(path: string): Batched<Rec> {
  return batched(() => readRunBatches(createReadStream(path, { highWaterMark: 256 * 1024 }), { name: path }));
}

/** Records of sorted keys held in memory, served in batches. */
function memoryRun(keys: string[], table: Map<string, Slot>): Batched<Rec> {
  return batched(async function* () {
    let batch: Rec[] = [];
    for (const key of keys) {
      const slot = table.get(key)!;
      if (Array.isArray(slot)) for (const v of slot) batch.push({ key, value: toValue(v) });
      else batch.push({ key, value: toValue(slot) });
      if (batch.length >= DEFAULT_BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  });
}

/** Writes sorted keys' values as one run file; returns its size in bytes and its records. */
async function writeRunFile(path: string, keys: string[], table: Map<string, Slot>): Promise<{ bytes: number; records: number }> {
  const out = createWriteStream(path);
  const writer = new BackpressureWriter(out);
  try {
    const enc = new RunEncoder();
    for (const key of keys) {
      const slot = table.get(key)!;
      if (Array.isArray(slot)) for (const v of slot) enc.add(key, v);
      else enc.add(key, slot);
      if (enc.hasChunk) {
        for (let c = enc.takeChunk(); c; c = enc.takeChunk()) {
          const wait = writer.write(c);
          if (wait) await wait;
        }
      }
    }
    const wait = writer.write(enc.finish());
    if (wait) await wait;
    writer.check();
    out.end();
    await finished(out);
    return { bytes: enc.bytes, records: enc.records };
  } catch (err) {
    out.destroy();
    throw err;
  } finally {
    writer.release();
  }
}
