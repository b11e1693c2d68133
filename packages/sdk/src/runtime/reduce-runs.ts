import type { Readable } from 'node:stream';
import type { Storage } from '@gomr/storage';
import { readRun, readRunBatches, type Batched, type Rec } from '../data/index.js';
import type { TaskSpec } from './executor-protocol.js';

/*
 * A reduce task's input runs as record sources. A storage object is opened only when asked
 * (openObjects) or first read, never all at once: an open object is a file descriptor (local)
 * or a socket that reads ahead at once (S3: about 100 KiB buffered, 300 KiB of RSS, unread),
 * so opening every run up front would hold as many as there are map tasks. The merge asks
 * for one group of runs at a time.
 */

/** Objects opened at once (opening thousands of small runs one after the other is mostly waiting). */
const OPEN_CONCURRENCY = 16;

/** One map output run in storage, opened on demand. */
class ObjectRun implements Batched<Rec> {
  private opening: Promise<Readable> | undefined;
  private stream: Readable | undefined;
  private closed = false;

  constructor(
    private readonly storage: Storage,
    readonly key: string,
  ) {}

  /** Opens the object (once); a stream that arrives after close() is closed at once. */
  open(): Promise<Readable> {
    this.opening ??= this.storage.getStream(this.key).then((s) => {
      this.stream = s;
      if (this.closed) s.destroy();
      return s;
    });
    return this.opening;
  }

  async *batches(): AsyncIterable<Rec[]> {
    // readRunBatches ends (or stopping early destroys) the stream: no close needed then.
    yield* readRunBatches(await this.open(), { name: this.key });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Rec> {
    for await (const batch of this.batches()) yield* batch;
  }

  /** Closes the stream if it was opened and not read to its end (a failed or abandoned task). */
  close(): void {
    this.closed = true;
    this.stream?.destroy();
  }
}

async function* inlineBytes(data: Uint8Array): AsyncIterable<Uint8Array> {
  yield data;
}

/** The partition's runs, in map order: inline runs from their bytes, objects not yet open. */
export function reduceRuns(task: TaskSpec, storage: Storage): Batched<Rec>[] {
  const runs: NonNullable<TaskSpec['runs']> = task.runs?.length ? task.runs : task.runKeys.map((key) => ({ key }));
  return runs.map((run, i) =>
    run.data ? readRun(inlineBytes(run.data), { name: `inline run ${i} of ${task.taskId}` }) : new ObjectRun(storage, run.key),
  );
}

/**
 * Opens the objects among `sources` that are not open yet, OPEN_CONCURRENCY at a time, so a
 * merge of them starts without waiting for each in turn. On failure, rejects once the opens
 * under way are done; what was opened stays for closeRuns.
 */
export async function openObjects(sources: readonly Batched<Rec>[]): Promise<void> {
  const objects = sources.filter((s): s is ObjectRun => s instanceof ObjectRun);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const opener = async (): Promise<void> => {
    while (next < objects.length && !failure) {
      try {
        await objects[next++]!.open();
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(OPEN_CONCURRENCY, objects.length) }, opener));
  if (failure) throw failure.error;
}

/** Closes every object stream among `sources` still open (those read to their end already are). */
export function closeRuns(sources: readonly Batched<Rec>[]): void {
  for (const s of sources) if (s instanceof ObjectRun) s.close();
}
