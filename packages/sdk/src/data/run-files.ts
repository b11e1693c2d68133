import { createReadStream, createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { batched, type Batched } from './batched.js';
import { mergeSorted } from './kway-merge.js';
import type { Rec } from './rec.js';
import { RunEncoder, readRawRunBatches, readRunBatches, type RawRec } from './record-codec.js';
import { BackpressureWriter } from './write-with-backpressure.js';

/*
 * Sorted runs on local disk (spills, merge passes), and merges that never read more than a
 * given number of runs at once: each run being read holds a buffer of its bytes and a batch
 * of decoded records (a few hundred KB), so merging all of a job's runs at once would take
 * memory in proportion to their number, and as many open files.
 */

/** Bytes read at a time from a local run file. */
const RUN_READ_BYTES = 64 * 1024;

/** A local run file as a stream of records, opened only when first read. */
export function runFile(path: string): Batched<Rec> {
  return batched(() => readRunBatches(createReadStream(path, { highWaterMark: RUN_READ_BYTES }), { name: path }));
}

/** A local run file as a stream of encoded records (RawRec), opened only when first read. */
export function rawRunFile(path: string): Batched<RawRec> {
  return batched(() => readRawRunBatches(createReadStream(path, { highWaterMark: RUN_READ_BYTES }), { name: path }));
}

/**
 * Writes one run file: `fill` adds records to the encoder, awaiting `drain()` whenever it may
 * have produced chunks (they go to the file with backpressure). Resolves with the file's size
 * in bytes and its records; on failure the file is left for the caller to remove.
 */
export async function writeRunFileWith(
  path: string,
  fill: (enc: RunEncoder, drain: () => Promise<void>) => Promise<void>,
): Promise<{ bytes: number; records: number }> {
  const out = createWriteStream(path);
  const writer = new BackpressureWriter(out);
  try {
    const enc = new RunEncoder();
    await fill(enc, async () => {
      for (let c = enc.takeChunk(); c; c = enc.takeChunk()) {
        const wait = writer.write(c);
        if (wait) await wait;
      }
    });
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

/** Writes a sorted stream as one run file; resolves with its size in bytes and its records. */
export function writeRunFile(path: string, records: Batched<Rec>): Promise<{ bytes: number; records: number }> {
  return writeRunFileWith(path, async (enc, drain) => {
    for await (const batch of records.batches()) {
      for (let i = 0; i < batch.length; i++) enc.add(batch[i]!.key, batch[i]!.value);
      await drain();
    }
  });
}

/** A sorted run to merge: a stream that opens its source only when read, and its local file if it has one. */
export interface MergeInput {
  stream: Batched<Rec>;
  /** A local file that may be deleted once merged into another (a spill, an earlier pass). */
  file?: string;
}

export interface MergeDownOptions {
  /** Most runs read at once (at least 2). */
  factor: number;
  /** Inputs to leave, at most (at least 1; default factor). */
  target?: number;
  /** A fresh path for a merged run (the caller removes what is left of them when done). */
  newFile: () => string;
  /** Deletes a merged input's file. */
  removeFile: (path: string) => Promise<void>;
  /** Applied to each merged group before it is written (the map side's combiner). */
  transform?: (merged: Batched<Rec>) => Batched<Rec>;
  /**
   * Called with each group just before it is merged. The merge opens its inputs one after
   * the other as it starts; a caller whose inputs are slow to open (storage objects) opens
   * the group's together here, and only that group's: inputs are never all open at once.
   */
  beforeMerge?: (group: readonly MergeInput[]) => Promise<void>;
}

/**
 * Merges consecutive inputs into local run files until at most `target` remain, reading at
 * most `factor` at a time, and returns what remains, in order. Consecutive groups merged in
 * order keep a stable merge stable: equal keys stay in input order.
 *
 * Only what is needed is merged: when fewer than `factor` inputs are too many, one merge of
 * the first (excess + 1) inputs; otherwise a pass over all of them in groups of `factor`.
 * Every input is read once per pass; log_factor(inputs) passes at most.
 */
export async function mergeDown(inputs: MergeInput[], options: MergeDownOptions): Promise<MergeInput[]> {
  const factor = Math.max(2, options.factor);
  const target = Math.max(1, options.target ?? factor);
  let items = inputs;
  while (items.length > target) {
    const excess = items.length - target;
    if (excess < factor) {
      const merged = await mergeGroup(items.slice(0, excess + 1), options);
      items = [merged, ...items.slice(excess + 1)];
    } else {
      const next: MergeInput[] = [];
      for (let i = 0; i < items.length; i += factor) {
        const group = items.slice(i, i + factor);
        next.push(group.length === 1 ? group[0]! : await mergeGroup(group, options));
      }
      items = next;
    }
  }
  return items;
}

async function mergeGroup(group: MergeInput[], options: MergeDownOptions): Promise<MergeInput> {
  if (options.beforeMerge) await options.beforeMerge(group);
  let merged = mergeSorted(group.map((g) => g.stream));
  if (options.transform) merged = options.transform(merged);
  const path = options.newFile();
  await writeRunFile(path, merged);
  await Promise.all(group.map((g) => (g.file === undefined ? undefined : options.removeFile(g.file))));
  return { stream: runFile(path), file: path };
}
