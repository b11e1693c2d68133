import { jobKeys, type RunObject, type Storage } from '@gomr/storage';
import type { Counters } from './counters.js';

/** What the master records, durably, when it commits a task. */
export interface CommitRecord {
  taskId: string;
  attempt: number;
  outputs: RunObject[];
  counters: Counters;
  userCounters: Counters;
}

export interface EpochRecord {
  epoch: number;
  firstStartedMs: number;
}

export interface CommitLogOptions {
  /**
   * How long a record written with `batch` may wait for others to share its object. @default 20
   */
  batchMs?: number;
  /** Most records in one object. @default 1000 */
  maxBatch?: number;
}

/** A record as stored: an inline run's bytes in base64. */
type JsonRecord = Omit<CommitRecord, 'outputs'> & { outputs: (Omit<RunObject, 'data'> & { data?: string })[] };

function toJson(rec: CommitRecord): JsonRecord {
  if (!rec.outputs.some((o) => o.data)) return rec as JsonRecord;
  return { ...rec, outputs: rec.outputs.map((o) => (o.data ? { ...o, data: Buffer.from(o.data.buffer, o.data.byteOffset, o.data.byteLength).toString('base64') } : (o as Omit<RunObject, 'data'>))) };
}

function fromJson(rec: JsonRecord): CommitRecord {
  if (!rec.outputs.some((o) => o.data !== undefined)) return rec as CommitRecord;
  return { ...rec, outputs: rec.outputs.map((o) => (o.data !== undefined ? { ...o, data: Buffer.from(o.data, 'base64') } : (o as RunObject))) };
}

interface Pending {
  rec: CommitRecord;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Objects read at once when a restarted master replays the log. */
const READ_CONCURRENCY = 8;

/**
 * The master's checkpoint: the commit records of committed tasks (with the bytes of their
 * inline runs), each durable before the task counts as done. A restarted master replays them and does not run those tasks again.
 *
 * Small objects, not one growing file, so a commit costs one small PUT whatever the job size.
 * A record alone is the object commits/<task id>.json. Records that may wait (`batch`: the
 * worker already has its next task) are gathered for up to batchMs and written together as one
 * object, commits/batch-e<epoch>-<n>.json holding an array: a job of 2,000 tiny map tasks
 * writes a few dozen objects instead of 2,000 (a new file is the dearest thing a small commit
 * does on a local disk). Every record still resolves only once the object holding it is written.
 * One write at a time: records that arrive meanwhile go into the next.
 */
export class CommitLog {
  private readonly batchMs: number;
  private readonly maxBatch: number;
  private pending: Pending[] = [];
  private writing = false;
  /** A write is due: at once, or when the batch timer fires. */
  private due = false;
  private timer?: NodeJS.Timeout;
  private epoch = 1;
  private batches = 0;

  constructor(
    private readonly storage: Storage,
    private readonly jobId: string,
    options: CommitLogOptions = {},
  ) {
    this.batchMs = options.batchMs ?? 20;
    this.maxBatch = options.maxBatch ?? 1000;
  }

  /**
   * Resolves once the record is durable; rejects if it could not be written. With `batch`, the
   * write may wait up to batchMs for other records to share it; without, it starts now (taking
   * along any records waiting).
   */
  record(rec: CommitRecord, options: { batch?: boolean } = {}): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ rec, resolve, reject });
      if (options.batch && this.batchMs > 0 && this.pending.length < this.maxBatch) this.flushWithin(this.batchMs);
      else this.flush();
    });
  }

  /** Writes the waiting records now (or as soon as the write in progress ends). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.due = true;
    this.writeNext();
  }

  private flushWithin(ms: number): void {
    if (this.due || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, ms);
  }

  private writeNext(): void {
    if (this.writing || !this.due || !this.pending.length) return;
    this.due = false;
    this.writing = true;
    const batch = this.pending.splice(0, this.maxBatch);
    const key =
      batch.length === 1
        ? jobKeys.commit(this.jobId, batch[0]!.rec.taskId)
        : jobKeys.commitBatch(this.jobId, this.epoch, ++this.batches);
    const body = JSON.stringify(batch.length === 1 ? toJson(batch[0]!.rec) : batch.map((p) => toJson(p.rec)));
    this.storage.put(key, body).then(
      () => {
        for (const p of batch) p.resolve();
      },
      (err: Error) => {
        for (const p of batch) p.reject(err);
      },
    ).finally(() => {
      this.writing = false;
      // Records that came during the write: at once if one of them asked for it (or too many
      // wait), else within batchMs.
      if (this.pending.length >= this.maxBatch) this.due = true;
      if (this.due) this.writeNext();
      else if (this.pending.length) this.flushWithin(this.batchMs);
    });
  }

  async readAll(): Promise<CommitRecord[]> {
    const objects = await this.storage.list(jobKeys.commits(this.jobId));
    const records: CommitRecord[] = [];
    for (let i = 0; i < objects.length; i += READ_CONCURRENCY) {
      const bodies = await Promise.all(objects.slice(i, i + READ_CONCURRENCY).map((o) => this.storage.get(o.key)));
      for (const body of bodies) {
        const parsed = JSON.parse(body.toString('utf8')) as JsonRecord | JsonRecord[];
        for (const r of Array.isArray(parsed) ? parsed : [parsed]) records.push(fromJson(r));
      }
    }
    return records;
  }

  /** Starts a new epoch: 1 for a fresh job, n+1 after a restart. */
  async nextEpoch(nowMs: number): Promise<EpochRecord> {
    const key = jobKeys.epoch(this.jobId);
    const prev = (await this.storage.stat(key)) ? (JSON.parse((await this.storage.get(key)).toString('utf8')) as EpochRecord) : undefined;
    const next: EpochRecord = { epoch: (prev?.epoch ?? 0) + 1, firstStartedMs: prev?.firstStartedMs ?? nowMs };
    await this.storage.put(key, JSON.stringify(next));
    this.epoch = next.epoch;
    return next;
  }
}
