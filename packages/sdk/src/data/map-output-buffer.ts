import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
// The subpath, not the index: user bundles include this module, and need none of storage.
import { JOB_DEFAULTS } from '@gomr/storage/job-options';
import { batched, DEFAULT_BATCH, type Batched } from './batched.js';
import type { JsonValue } from './json-value.js';
import { KeyTable, toStored, toValue } from './key-table.js';
import { mergeSorted } from './kway-merge.js';
import type { Rec } from './rec.js';
import { compareRawKeys, type EncodedRecords, type RawRec } from './record-codec.js';
import { mergeDown, rawRunFile, runFile, writeRunFileWith } from './run-files.js';
import { groupByPartition, SPAN_STRIDE, sortedSlotRecords } from './slot-records.js';
import { sortSlotsByKey } from './sort-slots.js';

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
   * Values one key collects before a synchronous combiner folds them: 256 in all, or 16 in its
   * list (values other than a run of one repeated number, which costs no memory per value:
   * word count's 1s). Measured fastest with bench/task-bench.mjs. A value given here is used
   * for both limits.
   */
  eagerCombineValues?: number;
  /** Most runs merged at once; more are merged in passes first (bounds open files); default 64. */
  mergeFactor?: number;
  /**
   * Spill on measured memory too: when the thread's heap in use (`heapInUse`, looked at every
   * 1024 added pairs) reaches this many bytes while the buffer holds at least heapSpillMinBytes
   * by its estimate. A backstop for what the estimate misses; the heap in use includes garbage
   * not yet collected, hence the minimum, so that garbage alone cannot cause a run of tiny
   * spills. Default: none (the estimate alone). See `defaultHeapLimit`.
   */
  heapLimitBytes?: number;
  /** Least estimated memory a spill on heapLimitBytes takes; default spillBytes / 4. */
  heapSpillMinBytes?: number;
  /** How heap in use is measured; default `heapInUse` (tests pass their own). */
  heapInUse?: () => number;
}

/**
 * Heap in use by this thread's V8 isolate (objects, live or not yet collected) plus the
 * memory of its ArrayBuffers and external strings. About 0.3 µs.
 */
export function heapInUse(): number {
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

/** Pairs added between two looks at the heap. */
const HEAP_CHECK_RECORDS = 1024;

/**
 * The heap limit a buffer of `spillBytes` gets in a task: 2.5 x spillBytes (160 MiB for the
 * default 64 MiB), or spillBytes above what the thread has in use now (the user's own data,
 * loaded before the task), whichever is higher. At the estimate's limit the buffer holds about
 * spillBytes; V8 lets garbage grow the heap to well over that before it collects (how much
 * depends on the thread's heap limit, see task-executor.ts), so a lower limit would spill on
 * garbage.
 */
export function defaultHeapLimit(spillBytes: number, inUse: number = heapInUse()): number {
  return Math.max(2.5 * spillBytes, inUse + spillBytes);
}

/**
 * One partition of the map output, sorted by key. `empty` is true when it has no records
 * (when false, a combiner may still have reduced it to none).
 */
export interface SortedPartition extends Batched<Rec> {
  readonly empty: boolean;
  /** The same records as their encoded bytes, when they are all in run files (writeRun prefers it). */
  rawBatches?(): AsyncIterable<RawRec[]>;
  /** The same records encoded, in order, when they are all in memory (writeRun prefers it). */
  encodedChunks?(): Iterable<EncodedRecords>;
}

export const DEFAULT_SPILL_BYTES = JOB_DEFAULTS.spillBytes;

/** Memory taken out of the buffer: its keys grouped by partition and sorted. */
interface SortedMemory {
  table: KeyTable;
  /** Per partition, its slots in compareUtf8 order of their keys. */
  slots: number[][];
  /** The same slots in ascending order (the order their values are in memory), partition p's at [start[p], start[p + 1]). */
  ascending: Int32Array;
  start: Int32Array;
  /** Room for sortedSlotRecords, made when first needed and shared by the partitions. */
  span: Int32Array | null;
}

/** Spill file names: unique per process (random) and per buffer (a counter), without a random draw per task. */
const PROCESS_TAG = randomBytes(4).toString('hex');
let bufferSeq = 0;

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
 * The table (key-table.ts) holds repeated numbers as runs: for word count an emit is a Map
 * lookup and an increment, and a key costs the same memory however often it is emitted.
 * Spill and finish sort an array of slot numbers and combine in place, with no per-key copies.
 *
 * With a combiner, a synchronous combiner folds a key's values in place once it has
 * `eagerCombineValues` of them (256, or 16 held in a list rather than as a run of one number), so a key emitted a
 * million times costs a few values, not a million. Whether the combiner is synchronous is
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
  /** Times the heap limit (measured memory), not the estimate, asked for a spill. */
  heapSpills = 0;
  /** Set when memory passed spillBytes: the owner should `await spillIfFull()`. */
  needsSpill = false;

  private readonly reducers: number;
  private readonly partition: (key: string, reducers: number) => number;
  private readonly combiner: Combiner | undefined;
  private readonly spillBytes: number;
  private readonly spillDir: string;
  private readonly eagerList: number;
  private readonly eagerRun: number;
  private readonly mergeFactor: number;
  private readonly heapLimit: number;
  private readonly heapSpillMin: number;
  private readonly heapInUse: () => number;
  /** Pairs to add before the next look at the heap. */
  private heapCheckIn: number;
  /** The heap limit asked for the next spill. */
  private heapFull = false;

  /** Every buffered key (of all partitions) with its values. */
  private table = new KeyTable();
  /** null until the combiner's first call tells. */
  private combinerSync: boolean | null = null;
  private pending: Promise<void>[] = [];
  private asyncError: { error: unknown } | null = null;

  private readonly runs: string[][] = [];
  private readonly files = new Set<string>();
  private readonly filePrefix = `gomr-${process.pid}-${PROCESS_TAG}-${bufferSeq++}`;
  private fileSeq = 0;
  private finished = false;
  /** Encoded bytes per estimated byte of the last partition spilled (a sort's: 0.42). */
  private encodedRatio = 0.5;

  constructor(options: MapOutputBufferOptions) {
    if (!Number.isInteger(options.reducers) || options.reducers < 1) {
      throw new RangeError(`reducers must be a positive integer, got ${options.reducers}`);
    }
    this.reducers = options.reducers;
    this.partition = options.partition;
    this.combiner = options.combiner;
    this.spillBytes = options.spillBytes ?? DEFAULT_SPILL_BYTES;
    this.spillDir = options.spillDir;
    this.eagerList = Math.max(2, options.eagerCombineValues ?? 16);
    this.eagerRun = Math.max(2, options.eagerCombineValues ?? 256);
    this.mergeFactor = Math.max(2, options.mergeFactor ?? 64);
    this.heapLimit = options.heapLimitBytes ?? Infinity;
    this.heapSpillMin = options.heapSpillMinBytes ?? this.spillBytes / 4;
    this.heapInUse = options.heapInUse ?? heapInUse;
    this.heapCheckIn = this.heapLimit === Infinity ? 2 ** 30 : HEAP_CHECK_RECORDS;
    for (let p = 0; p < this.reducers; p++) this.runs.push([]);
    this.resetMemory();
  }

  /** Estimated bytes held in memory now. */
  get memoryBytes(): number {
    return this.table.bytes;
  }

  private resetMemory(): void {
    this.table = new KeyTable();
    this.needsSpill = false;
    this.heapFull = false;
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
    this.mapOutputRecords++;
    const table = this.table;
    const i = table.slot(key);
    const n = table.put(i, value);
    if ((n >= this.eagerRun || table.listLength(i) >= this.eagerList) && this.combiner && this.combinerSync !== false) {
      this.combineInPlace(i);
    }
    if (table.bytes >= this.spillBytes) this.needsSpill = true;
    else if (--this.heapCheckIn === 0) this.checkHeap();
  }

  /** Asks for a spill if the thread's heap in use passed the limit (and a spill would free enough). */
  private checkHeap(): void {
    if (this.heapLimit === Infinity) {
      this.heapCheckIn = 2 ** 30;
      return;
    }
    this.heapCheckIn = HEAP_CHECK_RECORDS;
    if (this.table.bytes >= this.heapSpillMin && !this.needsSpill && this.heapInUse() >= this.heapLimit) {
      this.needsSpill = true;
      this.heapFull = true;
      this.heapSpills++;
    }
  }

  /** Folds one key's values with the combiner; its output takes their place. */
  private combineInPlace(i: number): void {
    const table = this.table;
    const key = table.keys[i]!;
    const values = table.take(i);
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
    // The combine may have brought the estimate back under the limit; a spill the heap asked for stands.
    this.needsSpill = table.bytes >= this.spillBytes || this.heapFull;
  }

  /** Where an eager combine's output goes: back into the table. */
  private readonly emitToMemory = (k: string, v: JsonValue): void => {
    this.combineOutputRecords++;
    const table = this.table;
    table.put(table.slot(k), v);
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
    if (this.table.values === 0) {
      this.needsSpill = false;
      this.heapFull = false;
      return;
    }
    const spill = this.spills++;
    const { bytes, records } = await this.writeMemoryRuns(`s${spill}`);
    this.spilledBytes += bytes;
    this.spilledRecords += records;
  }

  /** Writes the table, sorted, as one run file per non-empty partition, added to `runs`. */
  private async writeMemoryRuns(tag: string): Promise<{ bytes: number; records: number }> {
    const sorted = await this.takeSorted();
    await mkdir(this.spillDir, { recursive: true });
    let bytes = 0;
    let records = 0;
    for (let p = 0; p < this.reducers; p++) {
      const slots = sorted.slots[p]!;
      if (slots.length === 0) continue;
      const path = this.newFile(`${tag}-p${p}`);
      const run = await writeRunFileWith(path, async (enc, drain) => {
        for (const chunk of this.encoded(sorted, p)) {
          enc.addEncoded(chunk.bytes, chunk.records);
          await drain();
        }
      });
      this.encodedRatio = Math.min(1, run.bytes / Math.max(1, estimatedBytes(sorted, p)));
      this.runs[p]!.push(path);
      bytes += run.bytes;
      records += run.records;
    }
    return { bytes, records };
  }

  /**
   * Takes the table out of the buffer: its slots grouped by partition and sorted by key, every
   * key with two or more values combined in place when there is a combiner.
   */
  private async takeSorted(): Promise<SortedMemory> {
    const table = this.table;
    this.resetMemory();
    const keys = table.keys;
    const slots: number[][] = [];
    for (let p = 0; p < this.reducers; p++) slots.push([]);
    let partOf: Uint32Array | null = null;
    if (this.reducers === 1) for (let i = 0; i < keys.length; i++) slots[0]!.push(i);
    else {
      partOf = new Uint32Array(keys.length);
      for (let i = 0; i < keys.length; i++) {
        const p = this.partitionOf(keys[i]!);
        partOf[i] = p;
        slots[p]!.push(i);
      }
    }
    // No two keys are equal, so no tie rule is needed.
    for (const list of slots) sortSlotsByKey(list, keys);
    const combiner = this.combiner;
    if (!combiner) return { table, slots, ...groupByPartition(partOf, keys.length, this.reducers), span: null };

    // A key's combined output replaces its values. Output for another key joins that key's
    // values (combining is optional: whether they are combined again does not matter); a key
    // the table did not have gets a slot in its partition, which is then sorted again.
    const known = keys.length;
    const emit = (k: string, v: JsonValue): void => {
      this.combineOutputRecords++;
      table.put(table.slot(k), v);
    };
    for (let p = 0; p < this.reducers; p++) {
      for (const i of slots[p]!) {
        if (table.count(i) < 2) continue; // nothing to fold
        const values = table.take(i);
        this.combineInputRecords += values.length;
        const r = combiner(keys[i]!, values, emit);
        if (isThenable(r)) {
          this.combinerSync = false;
          await r;
        } else if (this.combinerSync === null) {
          this.combinerSync = true;
        }
      }
    }
    if (keys.length > known) {
      if (partOf !== null) {
        const grown = new Uint32Array(keys.length);
        grown.set(partOf);
        partOf = grown;
      }
      for (let i = known; i < keys.length; i++) {
        const p = partOf === null ? 0 : this.partitionOf(keys[i]!);
        if (partOf !== null) partOf[i] = p;
        slots[p]!.push(i);
      }
      for (const list of slots) sortSlotsByKey(list, keys);
    }
    return { table, slots, ...groupByPartition(partOf, keys.length, this.reducers), span: null };
  }

  private newFile(tag: string): string {
    const path = join(this.spillDir, `${this.filePrefix}-${this.fileSeq++}-${tag}.run`);
    this.files.add(path);
    return path;
  }

  /**
   * Partition p of sorted memory as encoded records. The size hint, which sets the encode
   * buffer's size and how many key ranges it takes, is the partition's share of the table's
   * estimated memory times what the last partition spilled took per estimated byte (with a
   * margin): close, so that the buffer seldom grows and is not much larger than needed (its
   * size counts as external memory, which the heap limit looks at).
   */
  private encoded(memory: SortedMemory, p: number): Iterable<EncodedRecords> {
    const hint = Math.ceil(estimatedBytes(memory, p) * this.encodedRatio * 1.1);
    memory.span ??= new Int32Array(SPAN_STRIDE * memory.table.size);
    const ascending = memory.ascending.subarray(memory.start[p]!, memory.start[p + 1]!);
    return sortedSlotRecords(memory.table, ascending, memory.slots[p]!, memory.span, hint);
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
    // Without a combiner, a buffer that spilled merges its runs as encoded records (RawRec:
    // no value decoded or encoded again), so what is still in memory goes to a run file too.
    const raw = !this.combiner && this.spills > 0;
    if (raw && this.table.values > 0) await this.writeMemoryRuns('last');
    const memory = await this.takeSorted();
    const result: SortedPartition[] = [];
    for (let p = 0; p < this.reducers; p++) {
      const slots = memory.slots[p]!;
      // Merge runs (oldest first) into local files until few enough remain to read together.
      const runs = await mergeDown(
        this.runs[p]!.map((file) => ({ stream: runFile(file), file })),
        {
          factor: this.mergeFactor,
          target: this.mergeFactor - (slots.length ? 1 : 0),
          newFile: () => this.newFile(`m${p}`),
          removeFile: async (file) => {
            await rm(file, { force: true });
            this.files.delete(file);
          },
          ...(this.combiner ? { transform: (merged: Batched<Rec>) => this.combineAdjacent(merged) } : {}),
        },
      );
      this.runs[p] = runs.map((r) => r.file!);
      const sources: Batched<Rec>[] = runs.map((r) => r.stream);
      if (slots.length) sources.push(memoryRun(slots, memory.table));
      let stream: Batched<Rec>;
      if (sources.length === 0) stream = batched(async function* () {});
      else if (sources.length === 1) stream = sources[0]!;
      else stream = this.combiner ? this.combineAdjacent(mergeSorted(sources)) : mergeSorted(sources);
      const files = this.runs[p]!;
      result.push({
        batches: () => stream.batches(),
        [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](),
        empty: sources.length === 0,
        // Read one way or the other: as records, or (all in files, no combiner) as their bytes,
        // or (all in memory) encoded.
        ...(raw && slots.length === 0 && files.length > 0
          ? { rawBatches: () => (files.length === 1 ? rawRunFile(files[0]!) : mergeSorted(files.map(rawRunFile), compareRawKeys)).batches() }
          : {}),
        ...(files.length === 0 && slots.length > 0
          ? { encodedChunks: () => this.encoded(memory, p) }
          : {}),
      });
    }
    return result;
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

/** Partition p's share of the table's estimated memory (by its share of the keys). */
function estimatedBytes(memory: SortedMemory, p: number): number {
  return (memory.table.bytes * memory.slots[p]!.length) / Math.max(1, memory.table.size);
}

/** Records of sorted slots held in memory, served in batches. */
function memoryRun(slots: number[], table: KeyTable): Batched<Rec> {
  return batched(async function* () {
    let batch: Rec[] = [];
    for (const i of slots) {
      const key = table.keys[i]!;
      table.each(i, (v) => batch.push({ key, value: toValue(v) }));
      if (batch.length >= DEFAULT_BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  });
}
