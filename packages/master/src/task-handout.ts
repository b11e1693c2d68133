import type { GetTaskReply, Task } from '@gomr/proto';
import { jobKeys } from '@gomr/storage';
import type { Assignment, Scheduler } from './scheduler.js';
import type { WorkerRecord, WorkerRegistry } from './worker-registry.js';
import type { TaskRecord } from './task-table.js';
import { UnknownWorkerError } from './errors.js';
import type { JobSpec } from './job-spec.js';

/**
 * Task hand-out: turns the scheduler's assignments into the tasks a worker is sent, and holds
 * the get requests that found nothing to do until something frees up. Decides batches (several
 * small maps per call, while no worker was lost) and how many bytes of runs a map may return
 * inline (within the budget of inline runs the master holds). Attempts a worker holds are given
 * up when it asks again or is lost. Knows nothing of commits or the job's end beyond what the
 * scheduler says (finished: EXIT) and whether the master stopped (held calls answer WAIT).
 */

/** The longest the master holds a get request open waiting for a task (long poll). */
export const MAX_TASK_WAIT_MS = 10_000;

/**
 * Map output runs may come back inline, in the report, instead of as objects: up to
 * INLINE_RUN_BYTES per map task, while the inline runs the master holds (committed, until the
 * job ends) stay within INLINE_BUDGET_BYTES. A tiny map task then writes no object at all,
 * and its reducer gets the run in its task instead of opening a file per map.
 */
export const INLINE_RUN_BYTES = 16 * 1024;
export const INLINE_BUDGET_BYTES = 16 * 1024 * 1024;

/**
 * A worker that asks for several tasks at once (max_tasks) gets a batch only of map tasks whose
 * splits are at most this big, and only while at least two batches per worker are left: tiny
 * tasks cost less when a worker runs a few between round trips to the master, larger ones gain
 * nothing and would only wait behind each other.
 */
export const BATCH_SPLIT_BYTES = 256 * 1024;

/** A get request held open until a task frees up, the job ends, or its time is up. */
interface TaskWaiter {
  workerId: string;
  maxTasks: number;
  answer: (reply: GetTaskReply) => void;
  fail: (err: Error) => void;
}

/** What the hand-out reads of its master. */
export interface TaskHandoutDeps {
  spec: JobSpec;
  scheduler: Scheduler;
  workers: WorkerRegistry;
  now: () => number;
  log: (line: string) => void;
  /** Whether the master stopped: held calls are answered WAIT, no task. */
  stopped: () => boolean;
  inlineRunBytes: number;
  inlineBudgetBytes: number;
}

export class TaskHandout {
  /** Long-polling get requests, oldest first: the first to ask is the first served. */
  private readonly taskWaiters = new Set<TaskWaiter>();
  private wakeScheduled = false;
  /**
   * No batches once a worker was lost: a job whose workers die goes back to one task at a time,
   * so a death costs only the task that was running.
   */
  batching = true;
  /** Bytes of the inline runs of committed maps. */
  inlineHeld = 0;

  constructor(private readonly deps: TaskHandoutDeps) {}

  /** Answers a call of this worker still held: it is stale (its caller gave up on it) and gets nothing. */
  dropStale(workerId: string): void {
    for (const waiter of this.taskWaiters) if (waiter.workerId === workerId) waiter.answer({ action: 'WAIT', waitMs: 0 });
  }

  /** Holds a get request until wakeTaskWaiters answers it, waitMs (capped at MAX_TASK_WAIT_MS) pass or `signal` aborts (WAIT). */
  hold(workerId: string, waitMs: number, signal: AbortSignal | undefined, maxTasks: number): Promise<GetTaskReply> {
    return new Promise<GetTaskReply>((resolve, reject) => {
      const settle = () => {
        this.taskWaiters.delete(waiter);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: TaskWaiter = {
        workerId,
        maxTasks,
        answer: (reply) => {
          settle();
          resolve(reply);
        },
        fail: (err) => {
          settle();
          reject(err);
        },
      };
      const onAbort = () => waiter.answer({ action: 'WAIT', waitMs: 0 });
      const timer = setTimeout(() => waiter.answer({ action: 'WAIT', waitMs: 0 }), Math.min(waitMs, MAX_TASK_WAIT_MS));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.taskWaiters.add(waiter);
    });
  }

  /** wakeTaskWaiters once the current burst of changes is over (a batch of commits: one wake). */
  wakeSoon(): void {
    if (this.wakeScheduled || !this.taskWaiters.size) return;
    this.wakeScheduled = true;
    queueMicrotask(() => {
      this.wakeScheduled = false;
      this.wakeTaskWaiters();
    });
  }

  /** Offers work to the held get requests, oldest first. Waking is not a sign of life. */
  wakeTaskWaiters(): void {
    for (const waiter of [...this.taskWaiters]) {
      const w = this.deps.workers.get(waiter.workerId);
      if (!w) {
        // Lost meanwhile (missed heartbeats): it must register again.
        waiter.fail(new UnknownWorkerError(waiter.workerId));
        continue;
      }
      const reply = this.deps.stopped() ? { action: 'WAIT' as const, waitMs: 0 } : this.assignTo(w, waiter.maxTasks);
      if (reply.action !== 'WAIT' || this.deps.stopped()) waiter.answer(reply);
    }
  }

  assignTo(w: WorkerRecord, maxTasks = 1): GetTaskReply {
    const workerId = w.id;
    // The worker asks again while we think it runs something: those attempts are gone.
    this.giveUpHeld(w, 'worker asked for new work', this.deps.now());
    if (this.deps.scheduler.finished) return { action: 'EXIT' };
    const a = this.deps.scheduler.assign(workerId, this.deps.now());
    if (!a) {
      w.state = 'idle';
      return { action: 'WAIT', waitMs: 50 };
    }
    w.state = 'busy';
    const first = this.taskMessage(w, a);
    const more: Task[] = [];
    if (maxTasks > 1 && this.batching && isSmallMap(a.task)) {
      let live = 0;
      for (const x of this.deps.workers.all()) if (x.state !== 'lost') live++;
      // Leave at least two tasks per worker for every one batched, so the phase ends evenly.
      const room = Math.min(maxTasks - 1, Math.floor(this.deps.scheduler.idleLeft() / (2 * Math.max(1, live))));
      for (let i = 0; i < room; i++) {
        const extra = this.deps.scheduler.assignIdle(workerId, this.deps.now(), isSmallMap);
        if (!extra) break;
        more.push(this.taskMessage(w, extra));
      }
    }
    return more.length ? { action: 'RUN', task: first, more } : { action: 'RUN', task: first };
  }

  /** Records an assignment as held by the worker, and describes it for the wire. */
  private taskMessage(w: WorkerRecord, a: Assignment): Task {
    const workerId = w.id;
    w.held.push({ taskId: a.task.id, attempt: a.attempt });
    const t = a.task;
    const started = t.attempts[t.attempts.length - 1]!;
    if (started.speculative) this.deps.log(`task ${t.id}: speculative attempt ${a.attempt} on ${workerId} (straggler)`);
    else if (t.attempts.length > 1) this.deps.log(`task ${t.id}: attempt ${a.attempt} on ${workerId} (re-run)`);
    const outputPrefix =
      t.kind === 'MAP'
        ? jobKeys.mapAttempt(this.deps.spec.jobId, t.id, a.attempt)
        : jobKeys.reduceAttempt(this.deps.spec.jobId, t.id, a.attempt);
    return {
      taskId: t.id,
      kind: t.kind,
      index: t.index,
      attempt: a.attempt,
      outputPrefix,
      // Inline runs need the full list, in map order; otherwise the keys say it all.
      ...(a.runs.some((r) => r.data) ? { runKeys: [], runs: a.runs } : { runKeys: a.runKeys }),
      // A map-only task writes the job's output: never inline.
      inlineRunBytes: t.kind === 'MAP' && !this.deps.scheduler.mapOnly ? this.inlineAllowance() : 0,
      skipOffsets: t.skipOffsets,
      skipKeys: t.skipKeys,
      // A job of steps: which step's code runs it, and how many reduces that step partitions for.
      ...(this.deps.scheduler.stepReducers.length > 1 ? { step: t.step, reducers: this.deps.scheduler.stepReducers[t.step]! } : {}),
      skipErrors: t.skipErrors,
      // The planned split is the wire's MapSplit as it stands (an absent mtime goes as 0: not checked).
      ...(t.split ? { split: t.split } : {}),
    };
  }

  /**
   * How many bytes of runs the next map task may return inline: INLINE_RUN_BYTES, unless that
   * could take the inline runs held past the budget (every attempt handed out and not reported
   * yet may have been allowed as much).
   */
  private inlineAllowance(): number {
    let outstanding = 0;
    for (const w of this.deps.workers.all()) if (w.state !== 'lost') outstanding += w.held.length;
    return this.inlineHeld + this.deps.inlineRunBytes * (outstanding + 1) <= this.deps.inlineBudgetBytes ? this.deps.inlineRunBytes : 0;
  }

  /**
   * Gives up the attempts a worker holds. Only the one it was running (per its last heartbeat,
   * else the first) counts toward the task's cap on kills: the others of a batch only waited.
   */
  giveUpHeld(w: WorkerRecord, reason: string, now: number): void {
    const held = w.held.splice(0);
    const running = held.find((h) => h.taskId === w.running?.taskId && h.attempt === w.running.attempt) ?? held[0];
    for (const h of held) this.deps.scheduler.killed(h.taskId, h.attempt, reason, now, h === running);
    w.running = undefined;
  }
}

/** A map task over a split small enough to be handed out in a batch (see BATCH_SPLIT_BYTES). */
function isSmallMap(t: TaskRecord): boolean {
  return t.kind === 'MAP' && !!t.split && t.split.end - t.split.start <= BATCH_SPLIT_BYTES;
}
