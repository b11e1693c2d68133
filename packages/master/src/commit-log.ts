import type { Storage } from '@gomr/storage';
import { jobKeys } from './job-spec.js';
import type { Counters } from './counters.js';
import type { RunRef } from './task-table.js';

/** What the master records, durably, when it commits a task. */
export interface CommitRecord {
  taskId: string;
  attempt: number;
  outputs: RunRef[];
  counters: Counters;
  userCounters: Counters;
}

export interface EpochRecord {
  epoch: number;
  firstStartedMs: number;
}

/**
 * The master's checkpoint: one object per committed task, written before the commit is
 * acknowledged. A restarted master replays them and does not run those tasks again. Small
 * objects, not one growing file, so a commit costs one small PUT whatever the job size.
 */
export class CommitLog {
  constructor(
    private readonly storage: Storage,
    private readonly jobId: string,
  ) {}

  async record(rec: CommitRecord): Promise<void> {
    await this.storage.put(jobKeys.commit(this.jobId, rec.taskId), JSON.stringify(rec));
  }

  async readAll(): Promise<CommitRecord[]> {
    const objects = await this.storage.list(jobKeys.commits(this.jobId));
    const records: CommitRecord[] = [];
    for (const o of objects) records.push(JSON.parse((await this.storage.get(o.key)).toString('utf8')) as CommitRecord);
    return records;
  }

  /** Starts a new epoch: 1 for a fresh job, n+1 after a restart. */
  async nextEpoch(nowMs: number): Promise<EpochRecord> {
    const key = jobKeys.epoch(this.jobId);
    const prev = (await this.storage.stat(key)) ? (JSON.parse((await this.storage.get(key)).toString('utf8')) as EpochRecord) : undefined;
    const next: EpochRecord = { epoch: (prev?.epoch ?? 0) + 1, firstStartedMs: prev?.firstStartedMs ?? nowMs };
    await this.storage.put(key, JSON.stringify(next));
    return next;
  }
}
