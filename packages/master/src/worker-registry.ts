import type { WorkerState__Output } from '@gomr/proto';

/** What a worker is doing: the proto's WorkerStatus.State, less its zero value. */
export type WorkerState = Exclude<WorkerState__Output, 'STATE_UNSPECIFIED'>;

export interface WorkerRecord {
  id: string;
  host: string;
  pid: number;
  registeredMs: number;
  lastHeartbeatMs: number;
  state: WorkerState;
  /** Attempts handed to the worker and not reported yet, in the order it runs them (a batch). */
  held: { taskId: string; attempt: number }[];
  /** The attempt its last heartbeat said it was running. */
  running?: { taskId: string; attempt: number };
}

/** Workers known to the master, with liveness by heartbeat. */
export class WorkerRegistry {
  private readonly workers = new Map<string, WorkerRecord>();
  private nextId = 1;
  /**
   * Ids carry the master's epoch after a restart (w2-001), so a worker still holding an id from
   * an earlier master can never be mistaken for a worker registered with this one.
   */
  private prefix = 'w-';

  setEpoch(epoch: number): void {
    this.prefix = epoch > 1 ? `w${epoch}-` : 'w-';
  }

  register(host: string, pid: number, nowMs: number): WorkerRecord {
    const id = `${this.prefix}${String(this.nextId++).padStart(3, '0')}`;
    const w: WorkerRecord = { id, host, pid, registeredMs: nowMs, lastHeartbeatMs: nowMs, state: 'idle', held: [] };
    this.workers.set(id, w);
    return w;
  }

  get(id: string): WorkerRecord | undefined {
    const w = this.workers.get(id);
    return w && w.state !== 'lost' ? w : undefined;
  }

  touch(id: string, nowMs: number): WorkerRecord | undefined {
    const w = this.get(id);
    if (w) w.lastHeartbeatMs = nowMs;
    return w;
  }

  /** Workers whose last heartbeat is older than timeoutMs; they are marked lost. */
  expire(nowMs: number, timeoutMs: number): WorkerRecord[] {
    const lost: WorkerRecord[] = [];
    for (const w of this.workers.values()) {
      if (w.state !== 'lost' && nowMs - w.lastHeartbeatMs > timeoutMs) {
        w.state = 'lost';
        lost.push(w);
      }
    }
    return lost;
  }

  all(): WorkerRecord[] {
    return [...this.workers.values()];
  }
}
