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

/** A key and its values in emit order; a partition's output is a key-sorted list of these. */
type KeyGroup = [key: string, values: Stored[]];

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
 * A string cut out of a larger one (a word of the 1 MiB chunk the mapper got) can share the
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

function countRecords(groups: KeyGroup[]): number {
  let n = 0;
  for (const g of groups) n += g[1].length;
  return n;
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
  private table = new Map<string, Stored[]>();
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
    const stored = toStored(value);
    this.mapOutputRecords++;
    this.buffered++;
    // One hash lookup per emit.
    const list = this.table.get(key);
    if (list === undefined) {
      this.table.set(detach(key), [stored]);
      this.memBytes += KEY_OVERHEAD + key.length + storedSize(stored);
    } else {
      list.push(stored);
      this.memBytes += VALUE_OVERHEAD + storedSize(stored);
      if (list.length >= this.eagerValues && this.combiner && this.combinerSync !== false) {
        this.combineInPlace(key, list);
      }
    }
    if (this.memBytes >= this.spillBytes) this.needsSpill = true;
  }

  /** Folds one key's values with the combiner, leaving its output in their place. */
  private combineInPlace(key: string, list: Stored[]): void {
    // The combiner gets the key's array itself (objects parsed in place); the key gets a
    // new one, where the combiner's output for `key` lands.
    const values = list as JsonValue[];
    this.table.set(key, []);
    let freed = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as Stored;
      freed += VALUE_OVERHEAD + storedSize(v);
      if (typeof v === 'object' && v !== null) values[i] = toValue(v);
    }
    this.memBytes -= freed;
    this.buffered -= values.length;
    this.combineInputRecords += values.length;
    const r = this.combiner!(key, values, this.emitToMemory);
    if (isThenable(r)) {
      // Asynchronous: let it finish in the background, collected before the next spill.
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
    const list = this.table.get(k);
    if (list) {
      list.push(stored);
      this.memBytes += VALUE_OVERHEAD + storedSize(stored);
    } else {
      this.table.set(detach(k), [stored]);
      this.memBytes += KEY_OVERHEAD + k.length + storedSize(stored);
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
      const groups = sorted[p]!;
      if (groups.length === 0) continue;
      const path = this.newFile(`s${spill}-p${p}`);
      const bytes = await writeRunFile(path, groups);
      this.runs[p]!.push(path);
      this.spilledBytes += bytes;
      this.spilledRecords += countRecords(groups);
    }
  }

  /** Empties memory into per-partition key-sorted groups, combining when there is a combiner. */
  private async takeSorted(): Promise<KeyGroup[][]> {
    const table = this.table;
    this.resetMemory();
    // Distinct keys per partition, sorted; no two are equal, so no tie rule is needed.
    const byPartition: KeyGroup[][] = [];
    for (let p = 0; p < this.reducers; p++) byPartition.push([]);
    for (const entry of table) byPartition[this.partitionOf(entry[0])]!.push(entry);
    for (const groups of byPartition) groups.sort((a, b) => compareUtf8(a[0], b[0]));
    const combiner = this.combiner;
    if (!combiner) return byPartition;

    const outs: KeyGroup[][] = byPartition.map(() => []);
    const sorted = byPartition.map(() => true);
    const push = (p: number, k: string, v: Stored): void => {
      const out = outs[p]!;
      const last = out[out.length - 1];
      if (last !== undefined && last[0] === k) last[1].push(v);
      else {
        if (last !== undefined && sorted[p] && compareUtf8(last[0], k) > 0) sorted[p] = false;
        out.push([k, [v]]);
      }
    };
    const emit = (k: string, v: JsonValue): void => {
      this.combineOutputRecords++;
      push(this.partitionOf(k), k, toStored(v));
    };
    for (let p = 0; p < this.reducers; p++) {
      for (const [key, list] of byPartition[p]!) {
        if (list.length === 1) {
          // Nothing to fold; combining is optional, so a single value passes as it is.
          push(p, key, list[0]!);
          continue;
        }
        this.combineInputRecords += list.length;
        const r = combiner(key, list.map(toValue), emit);
        if (isThenable(r)) {
          this.combinerSync = false;
          await r;
        } else if (this.combinerSync === null) {
          this.combinerSync = true;
        }
      }
    }
    // In order unless the combiner emitted other keys; then a stable sort (ties keep order).
    return outs.map((out, p) => (sorted[p] ? out : out.sort((a, b) => compareUtf8(a[0], b[0]))));
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
      const mem = memory[p]!;
      // Merge the oldest runs into one until few enough remain to open together.
      while (this.runs[p]!.length + (mem.length ? 1 : 0) > this.mergeFactor) await this.mergeOldestRuns(p);
      const sources: Batched<Rec>[] = this.runs[p]!.map(runFile);
      if (mem.length) sources.push(memoryRun(mem));
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

/** Records of key groups held in memory, served in batches. */
function memoryRun(groups: KeyGroup[]): Batched<Rec> {
  return batched(async function* () {
    let batch: Rec[] = [];
    for (const [key, values] of groups) {
      for (const v of values) batch.push({ key, value: toValue(v) });
      if (batch.length >= DEFAULT_BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  });
}

/** Writes key groups as one run file; returns its size in bytes. */
async function writeRunFile(path: string, groups: KeyGroup[]): Promise<number> {
  const out = createWriteStream(path);
  const writer = new BackpressureWriter(out);
  try {
    const enc = new RunEncoder();
    for (const [key, values] of groups) {
      for (const v of values) enc.add(key, v);
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
    return enc.bytes;
  } catch (err) {
    out.destroy();
    throw err;
  } finally {
    writer.release();
  }
}
